package org.rcskt.server.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.rcskt.server.bench.HostileFamily.Burst;
import org.rcskt.server.bench.HostileFamily.BurstRule;
import org.rcskt.server.bench.HostileFamily.Exchange;
import org.rcskt.server.bench.HostileFamily.Probe;
import org.rcskt.server.bench.HostileFamily.Raw;

/**
 * Sends a hostile run's requests: {@code connections} threads, each with one keep-alive connection
 * for well-formed requests, up to {@link RaceFamily#MAX_BURST} more for bursts, and a fresh
 * connection per malformed request, and one more keep-alive connection to the witness for the
 * {@code witness} family's requests, which its family judges. Blocking sockets: a thread per
 * connection costs little at this count and keeps every request's bytes exactly as its family wrote
 * them.
 *
 * <p>Request {@code i} comes from the family and random source that the seed and {@code i} give;
 * the threads take indexes in turn until the requests are used up (a burst counts as its size, so
 * the run sends at least the number asked for and at most a burst more).
 */
final class HostileRun {
  /**
   * The run's parameters.
   *
   * @param connections sending threads, each with its keep-alive connection
   * @param rawThreads threads that send malformed requests, each on a new connection, so that a
   *     server that never answers one holds up no sending thread
   * @param timeoutMillis how long to wait for an answer on a keep-alive connection
   * @param rawTimeoutMillis how long to wait for an answer to a malformed request
   */
  record Settings(
      InetSocketAddress address,
      int connections,
      int rawThreads,
      long requests,
      long seed,
      int timeoutMillis,
      int rawTimeoutMillis,
      double reportIntervalSeconds,
      Transport transport) {
    Settings(
        InetSocketAddress address,
        int connections,
        int rawThreads,
        long requests,
        long seed,
        int timeoutMillis,
        int rawTimeoutMillis,
        double reportIntervalSeconds) {
      this(
          address,
          connections,
          rawThreads,
          requests,
          seed,
          timeoutMillis,
          rawTimeoutMillis,
          reportIntervalSeconds,
          Transport.PLAIN);
    }
  }

  /** How the sending went. */
  record Result(double seconds, String abortedBecause) {}

  /** Consecutive failed connection attempts after which the run gives up. */
  private static final int MAX_CONNECT_FAILURES = 50;

  private final Settings settings;
  private final List<HostileFamily> families;
  private final double[] cumulative;
  private final HostileContext ctx;
  private final HostileStats stats;
  private final ServerWatch watch;
  private final PrintStream out;
  private final AtomicLong next = new AtomicLong();
  private final AtomicLong budget;
  private final AtomicInteger connectFailures = new AtomicInteger();
  private final AtomicReference<String> abort = new AtomicReference<>();
  private ThreadPoolExecutor rawPool;

  /**
   * @param weights the share of each family, in the order of {@code families}; all >= 0, not all 0
   */
  HostileRun(
      Settings settings,
      List<HostileFamily> families,
      double[] weights,
      HostileContext ctx,
      HostileStats stats,
      ServerWatch watch,
      PrintStream out) {
    if (families.size() != weights.length || families.isEmpty()) {
      throw new IllegalArgumentException("one weight per family, and at least one family");
    }
    this.settings = settings;
    this.families = List.copyOf(families);
    this.cumulative = new double[weights.length];
    double sum = 0;
    for (int k = 0; k < weights.length; k++) {
      if (!(weights[k] >= 0)) {
        throw new IllegalArgumentException("weight " + weights[k] + " is not >= 0");
      }
      sum += weights[k];
      cumulative[k] = sum;
    }
    if (sum <= 0) {
      throw new IllegalArgumentException("the weights add up to 0");
    }
    this.ctx = ctx;
    this.stats = stats;
    this.watch = watch;
    this.out = out;
    this.budget = new AtomicLong(settings.requests());
  }

  /** A well-mixed seed for request {@code i}, so that nearby indexes get unrelated streams. */
  static long seedOf(long seed, long i) {
    return mix(seed ^ mix(i + 0x632BE59BD9B4E019L));
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
    z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
    return z ^ (z >>> 33);
  }

  /**
   * A request drawn for an index, and the family it came from.
   *
   * @param witness the request with what its answer must be, when it is one of the {@code witness}
   *     family's, which goes to the witness rather than to the log; null otherwise
   */
  record Drawn(HostileFamily family, Probe probe, WitnessFamily.Request witness) {
    Drawn(HostileFamily family, Probe probe) {
      this(family, probe, null);
    }
  }

  /**
   * Request {@code i} of the run: the first draw of its random source picks the family by weight,
   * the family draws the rest.
   */
  Drawn draw(long i) {
    SplittableRandom r = new SplittableRandom(seedOf(settings.seed(), i));
    double x = r.nextDouble() * cumulative[cumulative.length - 1];
    int k = 0;
    while (k < cumulative.length - 1 && x >= cumulative[k]) {
      k++;
    }
    HostileFamily f = families.get(k);
    if (f instanceof WitnessFamily w) {
      WitnessFamily.Request q = w.request(r, i);
      return new Drawn(f, q.exchange(), q);
    }
    return new Drawn(f, f.next(r, i));
  }

  Result run() throws InterruptedException {
    List<Thread> threads = new ArrayList<>();
    rawPool =
        new ThreadPoolExecutor(
            settings.rawThreads(),
            settings.rawThreads(),
            0,
            TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(settings.rawThreads()),
            r -> {
              Thread t = new Thread(r, "hostile-raw");
              t.setDaemon(true);
              return t;
            },
            // A full queue makes the sending thread wait: the run slows down rather than pile up.
            new ThreadPoolExecutor.CallerRunsPolicy());
    long t0 = System.nanoTime();
    for (int t = 0; t < settings.connections(); t++) {
      Thread th = new Thread(this::work, "hostile-" + t);
      th.setDaemon(true);
      threads.add(th);
      th.start();
    }
    long total = settings.requests();
    int tenth = 1;
    long lastPrint = t0;
    long lastCount = 0;
    boolean sending = true;
    while (sending || !rawPool.isTerminated()) {
      if (sending) {
        for (Thread th : threads) {
          th.join(200);
          if (th.isAlive()) {
            break;
          }
        }
        if (threads.stream().noneMatch(Thread::isAlive)) {
          sending = false;
          rawPool.shutdown();
        }
      } else {
        rawPool.awaitTermination(200, TimeUnit.MILLISECONDS);
      }
      long done = stats.total();
      while (tenth < 10 && done >= total * tenth / 10) {
        watch.sampleRss(tenth * 10 + "%", done);
        tenth++;
      }
      long now = System.nanoTime();
      if (now - lastPrint >= settings.reportIntervalSeconds() * 1e9) {
        out.printf(
            "t=%6.1fs  sent %,d (%,.0f/s)  5xx %,d  closed %,d  timeouts %,d  valid failed %,d%n",
            (now - t0) / 1e9,
            done,
            (done - lastCount) / ((now - lastPrint) / 1e9),
            stats.fiveXx(),
            stats.closedWithoutAnswer(),
            stats.timeouts(),
            stats.validFailed());
        lastPrint = now;
        lastCount = done;
      }
    }
    return new Result((System.nanoTime() - t0) / 1e9, abort.get());
  }

  private void work() {
    Worker w = new Worker();
    try {
      while (abort.get() == null) {
        Drawn d = draw(next.getAndIncrement());
        Probe p = d.probe();
        String family = d.family().name();
        if (budget.getAndAdd(-p.requests()) <= 0) {
          break;
        }
        if (d.witness() != null) {
          w.witness((WitnessFamily) d.family(), d.witness());
        } else if (p instanceof Exchange e) {
          w.exchange(family, e);
        } else if (p instanceof Raw raw) {
          rawPool.execute(() -> raw(family, raw));
        } else {
          w.burst(family, (Burst) p);
        }
      }
    } catch (RuntimeException e) {
      abort.compareAndSet(null, "the tool failed: " + e);
      throw e;
    } finally {
      w.close();
    }
  }

  /** A keep-alive connection to one server, and the family of the last request it carried. */
  private static final class Lane {
    RawConnection conn;
    String lastFamily;
  }

  /** One thread's connections. */
  private final class Worker {
    private final Lane log = new Lane();
    private final Lane witness = new Lane();
    private final RawConnection[] burst = new RawConnection[RaceFamily.MAX_BURST];
    private final String[] burstFamily = new String[RaceFamily.MAX_BURST];

    void exchange(String family, Exchange e) {
      Answer a = send(log, settings.transport(), settings.address(), family, e);
      finish(family, e, a);
    }

    /**
     * A {@code witness} request, on this thread's connection to the witness, judged by its family.
     */
    void witness(WitnessFamily f, WitnessFamily.Request q) {
      Exchange e = q.exchange();
      String family = f.name();
      Answer a =
          send(witness, Transport.of(f.witness().witnessUrl()), f.witness().address(), family, e);
      WitnessFamily.Verdict v = f.judge(q, a);
      stats.record(family, v.what(), e.method(), e.target(), a, v.expect(), v.kind());
    }

    /** Sends {@code e} on the lane's connection to {@code address} (a new one if need be). */
    private Answer send(
        Lane lane, Transport transport, InetSocketAddress address, String family, Exchange e) {
      lane.conn = ready(lane.conn, lane.lastFamily, transport, address);
      if (lane.conn == null) {
        return Answer.failure(Answer.CONNECT_FAILED);
      }
      boolean head = "HEAD".equals(e.method());
      boolean reused = lane.conn.answers() > 0;
      Answer a = lane.conn.exchange(e.bytes(), head);
      if (reused && a.closedWithoutAnswer()) {
        // The server closed the idle connection after its last answer without saying so: what
        // any HTTP client does then is to try again on a new connection.
        stats.family(lane.lastFamily).closedAfterAnswer.increment();
        lane.conn.close();
        lane.conn = connect(transport, address, settings.timeoutMillis(), Transport.HTTP_1_1);
        a =
            lane.conn == null
                ? Answer.failure(Answer.CONNECT_FAILED)
                : lane.conn.exchange(e.bytes(), head);
      }
      lane.lastFamily = family;
      if (lane.conn != null && !lane.conn.usable()) {
        lane.conn.close();
        lane.conn = null;
      }
      return a;
    }

    void burst(String family, Burst b) {
      List<Exchange> ex = b.exchanges();
      int k = ex.size();
      Answer[] answers = new Answer[k];
      for (int j = 0; j < k; j++) {
        burst[j] = ready(burst[j], burstFamily[j], settings.transport(), settings.address());
        burstFamily[j] = family;
      }
      for (int j = 0; j < k; j++) {
        if (burst[j] != null) {
          burst[j].write(ex.get(j).bytes());
        }
      }
      for (int j = 0; j < k; j++) {
        answers[j] =
            burst[j] == null ? Answer.failure(Answer.CONNECT_FAILED) : burst[j].read(false);
        finish(family, ex.get(j), answers[j]);
        if (burst[j] != null && !burst[j].usable()) {
          burst[j].close();
          burst[j] = null;
        }
      }
      stats.recordBurst(b.rule(), burstRight(b.rule(), answers), describe(b.rule(), answers));
    }

    private void finish(String family, Exchange e, Answer a) {
      stats.record(family, e.what(), e.method(), e.target(), a, e.expect(), e.kind());
      if (a.status() >= 200 && a.status() < 300) {
        noteTreeSize(a.body());
      }
    }

    /**
     * {@code c} if it can take another request, else a new connection to {@code address} (null if
     * none).
     */
    private RawConnection ready(
        RawConnection c, String lastFamily, Transport transport, InetSocketAddress address) {
      if (c != null && c.usable() && c.hasStrayBytes() && lastFamily != null) {
        stats.recordStray(lastFamily);
      }
      if (c != null && c.usable()) {
        return c;
      }
      if (c != null) {
        c.close();
      }
      return connect(transport, address, settings.timeoutMillis(), Transport.HTTP_1_1);
    }

    void close() {
      for (Lane lane : new Lane[] {log, witness}) {
        if (lane.conn != null) {
          lane.conn.close();
        }
      }
      for (RawConnection c : burst) {
        if (c != null) {
          c.close();
        }
      }
    }
  }

  private void raw(String family, Raw raw) {
    try {
      sendRaw(family, raw);
    } catch (RuntimeException e) {
      abort.compareAndSet(null, "the tool failed: " + e);
      throw e;
    }
  }

  private void sendRaw(String family, Raw raw) {
    // Over TLS the HTTP/2 dialects negotiate h2 (their bytes are HTTP/2's either way); the
    // others, and the h2c upgrade, which TLS has no use for, negotiate HTTP/1.1.
    String alpn =
        raw.dialect() == HostileFamily.Dialect.H2_PREFACE
                || raw.dialect() == HostileFamily.Dialect.H2_PRIOR_KNOWLEDGE
            ? Transport.H2
            : Transport.HTTP_1_1;
    RawConnection c =
        connect(settings.transport(), settings.address(), settings.rawTimeoutMillis(), alpn);
    Answer a;
    if (c == null) {
      a = Answer.failure(Answer.CONNECT_FAILED);
    } else {
      try {
        c.write(raw.bytes());
        if (raw.halfClose()) {
          c.shutdownOutput();
        }
        a = read(c, raw.dialect());
      } finally {
        c.close();
      }
    }
    stats.record(family, raw.what(), "raw", raw.firstLine(), a, HostileFamily.Expect.NO_5XX, null);
  }

  private Answer read(RawConnection c, HostileFamily.Dialect dialect) {
    switch (dialect) {
      case H2_PREFACE -> {
        // The preface alone, as its name says: nothing more is sent, not even a GOAWAY.
        return H2c.readAnswer(c.reader(), c.output(), false);
      }
      case H2_PRIOR_KNOWLEDGE -> {
        Answer a = H2c.readAnswer(c.reader(), c.output(), true);
        c.write(H2c.goaway());
        return a;
      }
      case H2_UPGRADE -> {
        Answer first = c.read(false);
        if (first.status() != 101) {
          return first;
        }
        byte[] preface = new byte[H2c.PREFACE.length + 9];
        System.arraycopy(H2c.PREFACE, 0, preface, 0, H2c.PREFACE.length);
        System.arraycopy(H2c.settings(), 0, preface, H2c.PREFACE.length, 9);
        c.write(preface);
        Answer a = H2c.readAnswer(c.reader(), c.output(), true);
        c.write(H2c.goaway());
        return a;
      }
      default -> {
        return c.read(false);
      }
    }
  }

  private RawConnection connect(
      Transport transport, InetSocketAddress address, int timeoutMillis, String alpn) {
    try {
      RawConnection c = RawConnection.open(transport, address, timeoutMillis, alpn);
      connectFailures.set(0);
      return c;
    } catch (IOException e) {
      if (connectFailures.incrementAndGet() >= MAX_CONNECT_FAILURES) {
        abort.compareAndSet(
            null,
            MAX_CONNECT_FAILURES
                + " connection attempts in a row failed; the last: "
                + e.getMessage());
      }
      return null;
    }
  }

  /** Whether a burst's answers are what its rule requires. */
  static boolean burstRight(BurstRule rule, Answer[] answers) {
    int winners = 0;
    int others = 0;
    for (Answer a : answers) {
      if (a.status() == 200 && a.body().contains("\"duplicate\":false")) {
        winners++;
      } else if (rule == BurstRule.ONE_WINNER
          ? a.status() == 409
          : a.status() == 200 && a.body().contains("\"duplicate\":true")) {
        others++;
      }
    }
    return winners == 1 && winners + others == answers.length;
  }

  private static String describe(BurstRule rule, Answer[] answers) {
    StringBuilder sb = new StringBuilder(rule.name()).append(':');
    for (Answer a : answers) {
      sb.append(' ').append(a.label());
      if (a.status() == 200) {
        sb.append(a.body().contains("\"duplicate\":true") ? "(duplicate)" : "(new)");
      }
    }
    return sb.toString();
  }

  /** Notes the {@code "treeSize":N} of a successful answer, which a signed checkpoint covers. */
  private void noteTreeSize(String body) {
    long size = treeSizeIn(body);
    if (size > 0) {
      ctx.sawTreeSize(size);
    }
  }

  /** The number after {@code "treeSize":} in {@code body}, or -1 if there is none. */
  static long treeSizeIn(String body) {
    int at = body.indexOf("\"treeSize\":");
    if (at < 0) {
      return -1;
    }
    int k = at + 11;
    long v = 0;
    int digits = 0;
    while (k < body.length() && Character.isDigit(body.charAt(k)) && digits < 18) {
      v = v * 10 + (body.charAt(k++) - '0');
      digits++;
    }
    return digits > 0 ? v : -1;
  }
}
