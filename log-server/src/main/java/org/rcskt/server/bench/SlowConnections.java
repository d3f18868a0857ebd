package org.rcskt.server.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A few connections at a time, beside the run, that send a request one byte per interval: either
 * the whole request head (its headers never end) or, after a complete head announcing a 60,000-byte
 * body (under the 64 KiB limit), the body. Each lasts until the server answers or closes it, or
 * until the time cap, and is counted as one request of the family {@value #FAMILY}: its answer's
 * status, {@link Answer#CLOSED} when the server closed it without an answer, or {@value
 * #OPEN_AT_CAP}.
 */
final class SlowConnections {
  static final String FAMILY = "slow";

  /** The outcome of a connection the server kept open until the cap. */
  static final String OPEN_AT_CAP = "open-at-cap";

  /** One slow connection's end. */
  record End(String mode, String outcome, double seconds) {}

  private final Transport transport;
  private final InetSocketAddress address;
  private final HostileContext ctx;
  private final HostileStats stats;
  private final int count;
  private final long capMillis;
  private final int intervalMillis;
  private final List<Thread> threads = new ArrayList<>();
  private final List<End> ends = new ArrayList<>();
  private final AtomicLong started = new AtomicLong();
  private volatile boolean stopping;

  /**
   * @param count connections at a time
   * @param capMillis the longest a connection is kept
   * @param intervalMillis the time between two bytes
   */
  SlowConnections(
      Transport transport,
      InetSocketAddress address,
      HostileContext ctx,
      HostileStats stats,
      int count,
      long capMillis,
      int intervalMillis) {
    this.transport = transport;
    this.address = address;
    this.ctx = ctx;
    this.stats = stats;
    this.count = count;
    this.capMillis = capMillis;
    this.intervalMillis = intervalMillis;
  }

  String description() {
    return String.format(
        "%d at a time beside the run, 1 byte every %d ms, each for up to %.0f s; headers that"
            + " never end, or a body that never completes",
        count, intervalMillis, capMillis / 1000.0);
  }

  void start() {
    for (int t = 0; t < count; t++) {
      Thread th = new Thread(this::loop, "hostile-slow-" + t);
      th.setDaemon(true);
      threads.add(th);
      th.start();
    }
  }

  /** Starts no more connections and waits for those in progress to end (at most the cap). */
  void finish() throws InterruptedException {
    stopping = true;
    for (Thread t : threads) {
      t.join(capMillis + 10L * intervalMillis + 10_000);
    }
  }

  private void loop() {
    while (!stopping) {
      long n = started.getAndIncrement();
      boolean body = n % 2 == 1;
      End e = one(body);
      synchronized (ends) {
        ends.add(e);
      }
    }
  }

  private End one(boolean trickleBody) {
    String mode = trickleBody ? "trickle-body" : "trickle-headers";
    String target = ctx.path(trickleBody ? "/v1/events" : "/v1/info");
    String method = trickleBody ? "POST" : "GET";
    StringBuilder head =
        new StringBuilder(method + " " + target + " HTTP/1.1\r\nHost: " + ctx.host() + "\r\n");
    if (trickleBody) {
      // With the run's submitter token, if it has one: the body is then read, slowly.
      for (String h : ctx.writeHeaders()) {
        head.append(h).append("\r\n");
      }
    }
    // Sent at once: the complete head before a body; trickled: a head whose last header never ends.
    byte[] atOnce =
        (trickleBody
                ? head + "Content-Type: application/json\r\nContent-Length: 60000\r\n\r\n"
                : "")
            .getBytes(StandardCharsets.ISO_8859_1);
    byte[] trickled = (trickleBody ? "" : head + "X-Slow: ").getBytes(StandardCharsets.ISO_8859_1);
    long t0 = System.nanoTime();
    Answer answer = null;
    try (Socket s = transport.connect(address, 5_000, Transport.HTTP_1_1)) {
      s.setSoTimeout(intervalMillis);
      OutputStream out = s.getOutputStream();
      InputStream in = s.getInputStream();
      out.write(atOnce);
      out.flush();
      byte[] got = new byte[256];
      int gotLength = 0;
      for (int sent = 0; answer == null; sent++) {
        if (elapsedMillis(t0) >= capMillis) {
          answer = Answer.failure(OPEN_AT_CAP);
          break;
        }
        try {
          // Spaces are valid JSON, so the body never fails to parse before it is complete.
          out.write(sent < trickled.length ? trickled[sent] : trickleBody ? ' ' : 'a');
          out.flush();
        } catch (IOException e) {
          answer = gotLength > 0 ? answerOf(got, gotLength) : Answer.failure(Answer.CLOSED);
          break;
        }
        try {
          int k = in.read(got, gotLength, got.length - gotLength);
          if (k < 0) {
            answer = gotLength > 0 ? answerOf(got, gotLength) : Answer.failure(Answer.CLOSED);
          } else {
            gotLength += k;
            if (gotLength >= 12) {
              answer = answerOf(got, gotLength);
            }
          }
        } catch (SocketTimeoutException e) {
          // still open and silent: go on trickling
        } catch (IOException e) {
          answer = gotLength > 0 ? answerOf(got, gotLength) : Answer.failure(Answer.RESET);
        }
      }
    } catch (IOException e) {
      answer = Answer.failure(Answer.CONNECT_FAILED);
    }
    double seconds = elapsedMillis(t0) / 1000.0;
    stats.record(FAMILY, mode, method, target, answer, HostileFamily.Expect.NO_5XX, null);
    return new End(mode, answer.label(), seconds);
  }

  private static long elapsedMillis(long t0) {
    return (System.nanoTime() - t0) / 1_000_000;
  }

  private static Answer answerOf(byte[] b, int n) {
    String s = new String(b, 0, n, StandardCharsets.ISO_8859_1);
    if (s.startsWith("HTTP/1.") && s.length() >= 12) {
      try {
        int status = Integer.parseInt(s.substring(9, 12));
        int body = s.indexOf("\r\n\r\n");
        return Answer.of(
            status, body < 0 ? "" : WireReader.printable(s.substring(body + 4)), false);
      } catch (NumberFormatException e) {
        return Answer.failure(Answer.GARBLED);
      }
    }
    return Answer.failure(Answer.GARBLED);
  }

  /** One line: connections by mode and outcome, and when the server ended them. */
  String summary() {
    Map<String, Object> f = figures();
    StringBuilder sb = new StringBuilder();
    sb.append(String.format("%,d", (Long) f.get("connections")));
    @SuppressWarnings("unchecked")
    Map<String, Map<String, Long>> byMode = (Map<String, Map<String, Long>>) f.get("byMode");
    byMode.forEach(
        (mode, outcomes) ->
            sb.append("; ").append(mode).append(' ').append(Reports.outcomes(outcomes)));
    long ended = (Long) f.get("endedByServer");
    sb.append(String.format("; ended by the server: %,d", ended));
    if (ended > 0) {
      sb.append(
          String.format(
              " (after %.1f s to %.1f s, median %.1f s)",
              f.get("endedAfterSecondsMin"),
              f.get("endedAfterSecondsMax"),
              f.get("endedAfterSecondsMedian")));
    }
    return sb.append(String.format("; cap %.0f s", capMillis / 1000.0)).toString();
  }

  /** Connections by mode and outcome, and the times at which the server ended them. */
  Map<String, Object> figures() {
    List<End> copy;
    synchronized (ends) {
      copy = List.copyOf(ends);
    }
    Map<String, Map<String, Long>> byMode = new TreeMap<>();
    List<Double> endedByServer = new ArrayList<>();
    for (End e : copy) {
      byMode.computeIfAbsent(e.mode(), k -> new TreeMap<>()).merge(e.outcome(), 1L, Long::sum);
      if (!OPEN_AT_CAP.equals(e.outcome()) && !Answer.CONNECT_FAILED.equals(e.outcome())) {
        endedByServer.add(e.seconds());
      }
    }
    endedByServer.sort(null);
    Map<String, Object> m = new TreeMap<>();
    m.put("connections", (long) copy.size());
    m.put("byMode", byMode);
    m.put("capSeconds", capMillis / 1000.0);
    m.put("endedByServer", (long) endedByServer.size());
    if (!endedByServer.isEmpty()) {
      m.put("endedAfterSecondsMin", endedByServer.get(0));
      m.put("endedAfterSecondsMedian", endedByServer.get(endedByServer.size() / 2));
      m.put("endedAfterSecondsMax", endedByServer.get(endedByServer.size() - 1));
    }
    return m;
  }
}
