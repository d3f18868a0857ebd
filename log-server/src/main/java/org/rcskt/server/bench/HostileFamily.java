package org.rcskt.server.bench;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * One family of requests that {@code hostile} sends: a name, a default share of the run and a
 * generator. A run draws request {@code i} from the family the seed picks for {@code i}, with a
 * random source seeded from the run's seed and {@code i} alone, so the same seed sends the same
 * requests in the same order of indexes whatever the threads do. Only event timestamps (taken from
 * the clock, as the log's skew window requires) and the tree sizes valid reads ask about depend on
 * when a request is made.
 *
 * <p>Implementations are used by all of the run's threads at once; {@link #next} must not depend on
 * the order of calls.
 */
interface HostileFamily {
  /** A short lowercase name for reports and {@code --families}. */
  String name();

  /** One line: what the family sends. */
  String description();

  /** The share of the run's draws, relative to the other families' weights. */
  double defaultWeight();

  /** Request {@code i} of the run, drawn with {@code r}. */
  Probe next(SplittableRandom r, long i);

  /** Figures of this family beyond the per-status counts, for the report; none by default. */
  default Map<String, Object> figures() {
    return Map.of();
  }

  /** What a family asks the run to do for one index. */
  sealed interface Probe permits Exchange, Raw, Burst {
    /** The number of HTTP requests this probe sends. */
    int requests();
  }

  /**
   * A request that is well-formed enough to go over a shared keep-alive connection.
   *
   * @param what a short name of the variant of its family, for reports
   * @param method the method, as sent (a HEAD answer has no body)
   * @param target the request target, for reports
   * @param bytes the whole request as sent
   * @param expect what counts as the right answer
   * @param kind a name for the kind of request, under which valid traffic is counted; null for
   *     hostile requests
   */
  record Exchange(
      String what, String method, String target, byte[] bytes, Expect expect, String kind)
      implements Probe {
    @Override
    public int requests() {
      return 1;
    }
  }

  /** How a raw probe is answered. */
  enum Dialect {
    /** An HTTP/1.x answer. */
    HTTP1,
    /** HTTP/2 frames: the bytes are a connection preface and the answer is on stream 1. */
    H2_PRIOR_KNOWLEDGE,
    /** HTTP/2 frames: the bytes are a connection preface alone, answered by SETTINGS. */
    H2_PREFACE,
    /** An HTTP/1.1 upgrade to h2c: a 101 answer, then HTTP/2 frames on stream 1. */
    H2_UPGRADE
  }

  /**
   * Bytes sent on a connection of their own, which is closed after the answer: for malformed
   * framing, which leaves a connection in no state to reuse.
   *
   * @param what a short name of the probe, for reports
   * @param bytes everything sent
   * @param halfClose whether to shut down the output after the bytes, telling the server that no
   *     more will come (for truncated requests, which a server would otherwise wait on)
   * @param dialect how the answer is read
   */
  record Raw(String what, byte[] bytes, boolean halfClose, Dialect dialect) implements Probe {
    Raw(String what, byte[] bytes, boolean halfClose) {
      this(what, bytes, halfClose, Dialect.HTTP1);
    }

    Raw(String what, String text) {
      this(what, text.getBytes(StandardCharsets.ISO_8859_1), false, Dialect.HTTP1);
    }

    @Override
    public int requests() {
      return 1;
    }

    /** The first line of the bytes, clipped, for reports. */
    String firstLine() {
      int n = 0;
      while (n < bytes.length && n < 100 && bytes[n] != '\r' && bytes[n] != '\n') {
        n++;
      }
      return WireReader.printable(new String(bytes, 0, n, StandardCharsets.ISO_8859_1));
    }
  }

  /** What a burst's answers must be together. */
  enum BurstRule {
    /** Different events for the same sequence number: exactly one 200, every other one a 409. */
    ONE_WINNER,
    /** Copies of one event: all 200, exactly one of them not a duplicate. */
    ONE_NEW_REST_DUPLICATES
  }

  /**
   * Requests written at once, each on its own connection, before any answer is read: the server has
   * them all in hand together.
   */
  record Burst(List<Exchange> exchanges, BurstRule rule) implements Probe {
    @Override
    public int requests() {
      return exchanges.size();
    }
  }

  /**
   * What answer a request should get. Hostile requests need only not be 5xx, which is counted for
   * every request anyway; a wrong event must be refused with a 4xx; valid traffic must succeed.
   *
   * @param kind the class of answer wanted
   * @param bodyContains text the body must contain too, or null
   * @param status the status wanted, for {@link Kind#STATUS}; 0 otherwise
   */
  record Expect(Kind kind, String bodyContains, int status) {
    enum Kind {
      /** Anything but a 5xx. */
      NO_5XX,
      /** A 4xx. */
      REFUSAL,
      /** A 2xx. */
      SUCCESS,
      /** Exactly {@code status}. */
      STATUS
    }

    static final Expect NO_5XX = new Expect(Kind.NO_5XX, null, 0);
    static final Expect REFUSAL = new Expect(Kind.REFUSAL, null, 0);
    static final Expect SUCCESS = new Expect(Kind.SUCCESS, null, 0);

    static Expect success(String bodyContains) {
      return new Expect(Kind.SUCCESS, bodyContains, 0);
    }

    /** Exactly {@code status}: for answers the spec fixes, such as 401 for a wrong credential. */
    static Expect status(int status) {
      return new Expect(Kind.STATUS, null, status);
    }

    /** Whether {@code a} is what was wanted; always true for {@link Kind#NO_5XX}. */
    boolean met(Answer a) {
      return switch (kind) {
        case NO_5XX -> true;
        case REFUSAL -> a.status() >= 400 && a.status() < 500;
        case SUCCESS ->
            a.status() >= 200
                && a.status() < 300
                && (bodyContains == null || a.body().contains(bodyContains));
        case STATUS -> a.status() == status;
      };
    }
  }
}
