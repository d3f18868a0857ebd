package org.rcskt.server.witness;

import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;
import org.rcskt.server.config.WitnessSettings;
import org.rcskt.server.log.TreeHead;
import org.rcskt.server.metrics.ServerMetrics;
import org.rcskt.server.storage.LogStore;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.checkpoint.SignedCheckpoint;
import org.rcskt.verifier.note.Note;
import org.rcskt.verifier.note.NoteFormatException;
import org.rcskt.verifier.note.NoteSignature;
import org.rcskt.verifier.note.NoteVerifier;
import org.rcskt.verifier.witness.AddCheckpointRequest;

/**
 * Collects C2SP tlog-witness cosignatures for the log's checkpoints, in the background
 * (docs/design/0011-witness.md, "The log collects cosignatures").
 *
 * <p>One coordinator thread looks at the log's published head whenever a witness may be sent a
 * checkpoint again (at least {@value #TICK_MILLIS} ms apart) and sends the newest checkpoint to
 * every witness that has no request in flight, is not backing off and was last asked at least the
 * configured interval ago: at most one request per witness at a time and per interval, and the
 * newest checkpoint wins. A witness's last cosigned size is learnt from its 409 answer the first
 * time (the request starts from size 0). A checkpoint is <em>witnessed</em> when {@code quorum}
 * witnesses cosigned it; the newest witnessed checkpoint (the log's note with the cosignature lines
 * appended, in configuration order) is kept in memory and in the store, and {@code GET /checkpoint}
 * serves it.
 *
 * <p>Nothing here is on the write path: a slow or dead witness delays only its own cosignatures.
 */
public final class WitnessCollector implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(WitnessCollector.class.getName());

  /** How often the coordinator looks for a new head. */
  static final long TICK_MILLIS = 5;

  /** The largest witness answer read. */
  static final int MAX_ANSWER = 16 * 1024;

  private static final Duration FIRST_BACKOFF = Duration.ofMillis(200);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
  private static final int KEPT_TALLIES = 32;

  /** What the collector needs from the log. */
  public interface Log {
    /** The newest signed checkpoint. */
    TreeHead head();

    /** The consistency proof between two sizes of the log's tree. */
    List<Hash> consistency(long from, long to);
  }

  private final String origin;
  private final NoteVerifier logKey;
  private final Log log;
  private final LogStore store;
  private final ServerMetrics metrics;
  private final int quorum;
  private final long intervalNanos;
  private final List<Remote> remotes = new ArrayList<>();
  private final HttpClient http;
  private final Duration timeout;
  private final ExecutorService pool;
  private final Thread coordinator;
  private volatile boolean running = true;

  // Guarded by this.
  private final LinkedHashMap<Long, Tally> tallies = new LinkedHashMap<>();
  private volatile byte[] witnessed;
  private long witnessedSize = -1;

  /**
   * Starts collecting.
   *
   * @param timeout the per-request timeout
   */
  public WitnessCollector(
      String origin,
      NoteVerifier logKey,
      WitnessSettings settings,
      Log log,
      LogStore store,
      ServerMetrics metrics,
      Duration timeout) {
    this.origin = Objects.requireNonNull(origin, "origin");
    this.logKey = Objects.requireNonNull(logKey, "logKey");
    this.log = Objects.requireNonNull(log, "log");
    this.store = Objects.requireNonNull(store, "store");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.quorum = settings.quorum();
    this.intervalNanos = settings.interval().toNanos();
    this.timeout = timeout;
    for (WitnessSettings.Witness w : settings.witnesses()) {
      remotes.add(new Remote(w));
    }
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    byte[] stored = store.witnessedCheckpoint();
    if (stored != null) {
      try {
        SignedCheckpoint cp = SignedCheckpoint.verify(stored, origin, logKey);
        witnessed = stored;
        witnessedSize = cp.checkpoint().treeSize();
      } catch (org.rcskt.verifier.VerificationException e) {
        LOG.log(Level.WARNING, "ignoring the stored witnessed checkpoint: " + e.getMessage());
      }
    }
    this.pool =
        Executors.newFixedThreadPool(
            Math.max(1, remotes.size()),
            r -> {
              Thread t = new Thread(r, "witness-request");
              t.setDaemon(true);
              return t;
            });
    this.coordinator = new Thread(this::coordinate, "witness-coordinator");
    coordinator.setDaemon(true);
    coordinator.start();
  }

  /** The newest witnessed checkpoint with its cosignatures, or null while none is. */
  public byte[] witnessed() {
    byte[] w = witnessed;
    return w == null ? null : w.clone();
  }

  /** The tree size of {@link #witnessed}, or -1. */
  public synchronized long witnessedSize() {
    return witnessedSize;
  }

  @Override
  public void close() {
    running = false;
    coordinator.interrupt();
    pool.shutdownNow();
    try {
      coordinator.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // ------------------------------------------------------------------------------ coordinator

  private void coordinate() {
    while (running) {
      try {
        TreeHead h = log.head();
        long now = System.nanoTime();
        synchronized (this) {
          tallies.computeIfAbsent(h.treeSize(), s -> new Tally(now));
          while (tallies.size() > KEPT_TALLIES) {
            tallies.remove(tallies.keySet().iterator().next());
          }
        }
        for (Remote r : remotes) {
          if (!r.busy
              && now - r.backoffUntil >= 0
              && now - r.lastStart >= intervalNanos
              && r.sent != h.treeSize()) {
            r.busy = true;
            r.sent = h.treeSize();
            r.lastStart = now;
            pool.execute(() -> request(r, h));
          }
        }
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "witness coordinator: " + e.getMessage(), e);
      }
      LockSupport.parkNanos(nextWakeNanos(System.nanoTime()));
    }
  }

  /**
   * How long the coordinator may sleep: until the first moment a witness may be sent a checkpoint
   * again (its interval since the last request, or its backoff), at least {@value #TICK_MILLIS} ms
   * and at most a second. Under load a new checkpoint is signed every few milliseconds, so waking
   * only when a request can go out keeps the coordinator from waking hundreds of times a second
   * beside the write path.
   */
  private long nextWakeNanos(long now) {
    long tick = TICK_MILLIS * 1_000_000L;
    long next = now + 1_000_000_000L;
    for (Remote r : remotes) {
      long allowed = Math.max(r.lastStart + intervalNanos, r.backoffUntil);
      if (allowed - next < 0) {
        next = allowed;
      }
    }
    return Math.max(tick, next - now);
  }

  // ---------------------------------------------------------------------------- one witness

  private void request(Remote r, TreeHead h) {
    String outcome = "failed";
    try {
      outcome = exchange(r, h);
    } catch (IOException e) {
      outcome = "unreachable";
      LOG.log(Level.DEBUG, "witness " + r.name() + " unreachable: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      outcome = "interrupted";
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "asking witness " + r.name() + " failed", e);
    } finally {
      metrics.witnessRequest(r.name(), outcome);
      if (outcome.equals("cosigned")) {
        r.failures = 0;
      } else {
        r.failures++;
        long ms =
            Math.min(
                MAX_BACKOFF.toMillis(), FIRST_BACKOFF.toMillis() << Math.min(r.failures - 1, 10));
        ms = ms / 2 + ThreadLocalRandom.current().nextLong(ms / 2 + 1);
        r.backoffUntil = System.nanoTime() + ms * 1_000_000L;
        // A checkpoint that failed may be retried once the backoff is over.
        r.sent = -1;
      }
      r.busy = false;
      LockSupport.unpark(coordinator);
    }
  }

  /** One checkpoint to one witness, following a 409 once; returns the outcome label. */
  private String exchange(Remote r, TreeHead h) throws IOException, InterruptedException {
    long old = Math.max(0, r.knownSize);
    for (int attempt = 0; attempt < 2; attempt++) {
      if (old > h.treeSize()) {
        LOG.log(
            Level.ERROR,
            "witness "
                + r.name()
                + " has cosigned size "
                + old
                + " of "
                + origin
                + ", larger than the log's "
                + h.treeSize());
        return "ahead";
      }
      List<Hash> proof =
          old == 0 || old == h.treeSize() ? List.of() : log.consistency(old, h.treeSize());
      byte[] body = new AddCheckpointRequest(old, proof, h.signedCheckpoint()).encode();
      HttpRequest req =
          HttpRequest.newBuilder(r.addCheckpoint)
              .timeout(timeout)
              .header("Content-Type", "text/plain; charset=utf-8")
              .POST(HttpRequest.BodyPublishers.ofByteArray(body))
              .build();
      HttpResponse<InputStream> resp = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
      byte[] answer;
      try (InputStream in = resp.body()) {
        answer = in.readNBytes(MAX_ANSWER);
      }
      int status = resp.statusCode();
      if (status == 200) {
        String line = cosignatureLine(r, h, answer);
        if (line == null) {
          LOG.log(
              Level.WARNING,
              "witness " + r.name() + " answered 200 without a valid cosignature of its key");
          return "bad-cosignature";
        }
        r.knownSize = h.treeSize();
        record(r, h, line);
        return "cosigned";
      }
      if (status == 409) {
        long size = parseSize(answer);
        if (size < 0) {
          return "bad-answer";
        }
        if (size == old) {
          LOG.log(
              Level.ERROR,
              "witness "
                  + r.name()
                  + " cosigned another tree of size "
                  + size
                  + " of "
                  + origin
                  + " than this log's: the log's checkpoints are inconsistent");
          return "conflict";
        }
        r.knownSize = size;
        old = size;
        continue;
      }
      LOG.log(
          status == 422 ? Level.ERROR : Level.WARNING,
          "witness " + r.name() + " answered " + status + ": " + firstLine(answer));
      return "status-" + (status / 100) + "xx";
    }
    return "conflict";
  }

  /**
   * The witness's cosignature line for {@code h} in a 200 answer, verified with its key, or null.
   * The log's own signature on {@code h} is this log's and is not checked again.
   */
  private String cosignatureLine(Remote r, TreeHead h, byte[] answer) {
    String text = new String(answer, StandardCharsets.UTF_8);
    for (String line : text.split("\n", -1)) {
      if (!line.startsWith("\u2014 " + r.name() + " ")) {
        continue;
      }
      byte[] candidate =
          concat(h.signedCheckpoint(), (line + "\n").getBytes(StandardCharsets.UTF_8));
      Note note;
      try {
        note = Note.parse(candidate);
      } catch (NoteFormatException e) {
        LOG.log(Level.WARNING, "witness " + r.name() + " sent a malformed line: " + e.getMessage());
        continue;
      }
      List<NoteSignature> sigs = note.signatures();
      NoteSignature sig = sigs.get(sigs.size() - 1);
      if (sig.isFrom(r.witness.key())
          && r.witness.key().verify(note.bodyBytes(), sig.signature())) {
        return line;
      }
      LOG.log(Level.WARNING, "witness " + r.name() + "'s cosignature does not verify with its key");
    }
    return null;
  }

  private synchronized void record(Remote r, TreeHead h, String line) {
    Tally t = tallies.get(h.treeSize());
    if (t == null) {
      // Older than every kept tally: the witness is far behind; its line helps nobody.
      return;
    }
    t.lines.put(r.name(), line);
    if (t.lines.size() < quorum || h.treeSize() < witnessedSize) {
      return;
    }
    boolean first = h.treeSize() > witnessedSize;
    StringBuilder sb = new StringBuilder();
    for (Remote each : remotes) {
      String l = t.lines.get(each.name());
      if (l != null) {
        sb.append(l).append('\n');
      }
    }
    byte[] note = concat(h.signedCheckpoint(), sb.toString().getBytes(StandardCharsets.UTF_8));
    witnessed = note;
    witnessedSize = h.treeSize();
    try {
      store.putWitnessedCheckpoint(note);
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "cannot store the witnessed checkpoint: " + e.getMessage());
    }
    if (first) {
      metrics.witnessed(h.treeSize(), System.nanoTime() - t.seenNanos);
    }
  }

  private static long parseSize(byte[] answer) {
    String s = firstLine(answer);
    if (s.isEmpty() || s.length() > 19 || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return -1;
    }
    return Long.parseLong(s);
  }

  private static String firstLine(byte[] answer) {
    String s = new String(answer, 0, Math.min(answer.length, 300), StandardCharsets.UTF_8);
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  /** The cosignatures gathered for one checkpoint. */
  private static final class Tally {
    final long seenNanos;
    final Map<String, String> lines = new LinkedHashMap<>();

    Tally(long seenNanos) {
      this.seenNanos = seenNanos;
    }
  }

  /** One witness and what the collector knows of it. */
  private static final class Remote {
    final WitnessSettings.Witness witness;
    final URI addCheckpoint;
    volatile boolean busy;
    volatile long sent = -1;
    volatile long backoffUntil = System.nanoTime();
    volatile long lastStart = System.nanoTime() - (1L << 62);
    volatile long knownSize = -1;
    volatile int failures;

    Remote(WitnessSettings.Witness witness) {
      this.witness = witness;
      this.addCheckpoint = witness.url().resolve("add-checkpoint");
    }

    String name() {
      return witness.key().name();
    }
  }
}
