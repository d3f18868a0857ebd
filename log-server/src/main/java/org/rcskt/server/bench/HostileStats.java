package org.rcskt.server.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The counts of a hostile run, updated by all of its threads: per family, requests sent and answers
 * by outcome, 5xx, closes without an answer, timeouts and answers other than expected; valid
 * traffic by kind; race bursts; and the first few examples of each kind of problem.
 */
final class HostileStats {
  /** How many examples of each kind of problem are kept. */
  static final int EXAMPLES = 10;

  /** One request that went wrong, for the report. */
  record Example(
      String family, String what, String method, String target, String outcome, String body) {}

  /** The counts of one family. */
  static final class FamilyStats {
    final LongAdder sent = new LongAdder();
    final LongAdder fiveXx = new LongAdder();
    final LongAdder closedWithoutAnswer = new LongAdder();
    final LongAdder timeouts = new LongAdder();
    final LongAdder unexpected = new LongAdder();
    final LongAdder strayAnswers = new LongAdder();
    final LongAdder closedAfterAnswer = new LongAdder();
    final LongAdder wronglyAccepted = new LongAdder();
    final LongAdder wrongStatus = new LongAdder();
    final Map<String, LongAdder> outcomes = new ConcurrentHashMap<>();
    final Map<String, Map<String, LongAdder>> variants = new ConcurrentHashMap<>();

    /** The outcomes in order: statuses first, then the others by name. */
    Map<String, Long> outcomes() {
      Map<String, Long> m = new TreeMap<>();
      outcomes.forEach((k, v) -> m.put(k, v.sum()));
      return m;
    }

    /** The outcomes of each variant. */
    Map<String, Map<String, Long>> variants() {
      Map<String, Map<String, Long>> m = new TreeMap<>();
      variants.forEach(
          (name, outs) -> {
            Map<String, Long> o = new TreeMap<>();
            outs.forEach((k, v) -> o.put(k, v.sum()));
            m.put(name, o);
          });
      return m;
    }
  }

  /** Successes and failures of one kind of valid request. */
  static final class Tally {
    final LongAdder ok = new LongAdder();
    final LongAdder failed = new LongAdder();
  }

  private final Map<String, FamilyStats> families = new LinkedHashMap<>();
  private final Map<String, Tally> valid = new ConcurrentHashMap<>();
  private final Map<String, Tally> bursts = new ConcurrentHashMap<>();
  private final List<Example> fiveXxExamples = new ArrayList<>();
  private final List<Example> unexpectedExamples = new ArrayList<>();
  private final List<Example> validFailures = new ArrayList<>();
  private final List<String> burstFailures = new ArrayList<>();
  private final LongAdder total = new LongAdder();

  /**
   * @param familyNames every family the run may count, in report order
   */
  HostileStats(List<String> familyNames) {
    for (String n : familyNames) {
      families.put(n, new FamilyStats());
    }
  }

  FamilyStats family(String name) {
    FamilyStats f = families.get(name);
    if (f == null) {
      throw new IllegalArgumentException("no family " + name + " in this run");
    }
    return f;
  }

  /** The families in report order. */
  Map<String, FamilyStats> families() {
    return families;
  }

  /** Requests sent in all. */
  long total() {
    return total.sum();
  }

  /**
   * Counts one request and its answer.
   *
   * @param what the name of the request's variant within its family
   * @param expect what was wanted
   * @param kind the kind of valid request, or null for a hostile one
   */
  void record(
      String family,
      String what,
      String method,
      String target,
      Answer a,
      HostileFamily.Expect expect,
      String kind) {
    FamilyStats f = family(family);
    f.sent.increment();
    total.increment();
    f.outcomes.computeIfAbsent(a.label(), k -> new LongAdder()).increment();
    f.variants
        .computeIfAbsent(what, k -> new ConcurrentHashMap<>())
        .computeIfAbsent(a.label(), k -> new LongAdder())
        .increment();
    if (a.is5xx()) {
      f.fiveXx.increment();
      keep(fiveXxExamples, new Example(family, what, method, target, a.label(), a.body()));
    }
    if (a.closedWithoutAnswer()) {
      f.closedWithoutAnswer.increment();
    }
    if (Answer.TIMEOUT.equals(a.label())) {
      f.timeouts.increment();
    }
    boolean met = expect.met(a);
    if (kind != null) {
      Tally t = valid.computeIfAbsent(kind, k -> new Tally());
      (met ? t.ok : t.failed).increment();
      if (!met) {
        keep(validFailures, new Example(family, what, method, target, a.label(), a.body()));
      }
    } else if (!met) {
      if (expect.kind() != HostileFamily.Expect.Kind.SUCCESS && a.status() / 100 == 2) {
        f.wronglyAccepted.increment();
      } else if (expect.kind() == HostileFamily.Expect.Kind.STATUS) {
        f.wrongStatus.increment();
      }
      f.unexpected.increment();
      keep(unexpectedExamples, new Example(family, what, method, target, a.label(), a.body()));
    }
  }

  /** Counts a burst by its rule: whether its answers together were right. */
  void recordBurst(HostileFamily.BurstRule rule, boolean right, String description) {
    Tally t = bursts.computeIfAbsent(rule.name(), k -> new Tally());
    (right ? t.ok : t.failed).increment();
    if (!right) {
      synchronized (burstFailures) {
        if (burstFailures.size() < EXAMPLES) {
          burstFailures.add(description);
        }
      }
    }
  }

  /**
   * Bytes that came on a keep-alive connection after the answer to its last request, which was of
   * {@code family}.
   */
  void recordStray(String family) {
    family(family).strayAnswers.increment();
  }

  private static void keep(List<Example> list, Example e) {
    synchronized (list) {
      if (list.size() < EXAMPLES) {
        list.add(e);
      }
    }
  }

  /** The variants with 5xx answers, most first: {@code family/variant} to count. */
  Map<String, Long> fiveXxByVariant() {
    List<Map.Entry<String, Long>> rows = new ArrayList<>();
    families.forEach(
        (name, f) ->
            f.variants()
                .forEach(
                    (variant, outcomes) -> {
                      long n =
                          outcomes.entrySet().stream()
                              .filter(o -> is5xxLabel(o.getKey()))
                              .mapToLong(Map.Entry::getValue)
                              .sum();
                      if (n > 0) {
                        rows.add(Map.entry(name + "/" + variant, n));
                      }
                    }));
    rows.sort(Map.Entry.<String, Long>comparingByValue().reversed());
    Map<String, Long> m = new LinkedHashMap<>();
    rows.forEach(e -> m.put(e.getKey(), e.getValue()));
    return m;
  }

  /** Whether an outcome label is a 5xx answer: {@code 500}, {@code 503:stalled}, {@code h2:500}. */
  static boolean is5xxLabel(String label) {
    String s = label.startsWith("h2:") ? label.substring(3) : label;
    return s.length() >= 3 && s.charAt(0) == '5' && Character.isDigit(s.charAt(1));
  }

  long fiveXx() {
    return families.values().stream().mapToLong(f -> f.fiveXx.sum()).sum();
  }

  long closedWithoutAnswer() {
    return families.values().stream().mapToLong(f -> f.closedWithoutAnswer.sum()).sum();
  }

  long timeouts() {
    return families.values().stream().mapToLong(f -> f.timeouts.sum()).sum();
  }

  long unexpected() {
    return families.values().stream().mapToLong(f -> f.unexpected.sum()).sum();
  }

  /** Requests that should have been refused with a 4xx and were accepted. */
  long wronglyAccepted() {
    return families.values().stream().mapToLong(f -> f.wronglyAccepted.sum()).sum();
  }

  /** Requests whose answer the spec fixes (401 for a wrong credential) that got another 4xx. */
  long wrongStatus() {
    return families.values().stream().mapToLong(f -> f.wrongStatus.sum()).sum();
  }

  long validOk() {
    return valid.values().stream().mapToLong(t -> t.ok.sum()).sum();
  }

  long validFailed() {
    return valid.values().stream().mapToLong(t -> t.failed.sum()).sum();
  }

  /** Valid requests by kind: {ok, failed}. */
  Map<String, long[]> validByKind() {
    Map<String, long[]> m = new TreeMap<>();
    valid.forEach((k, t) -> m.put(k, new long[] {t.ok.sum(), t.failed.sum()}));
    return m;
  }

  /** Bursts by rule: {right, wrong}. */
  Map<String, long[]> burstsByRule() {
    Map<String, long[]> m = new TreeMap<>();
    bursts.forEach((k, t) -> m.put(k, new long[] {t.ok.sum(), t.failed.sum()}));
    return m;
  }

  long burstsWrong() {
    return bursts.values().stream().mapToLong(t -> t.failed.sum()).sum();
  }

  List<Example> fiveXxExamples() {
    synchronized (fiveXxExamples) {
      return List.copyOf(fiveXxExamples);
    }
  }

  List<Example> unexpectedExamples() {
    synchronized (unexpectedExamples) {
      return List.copyOf(unexpectedExamples);
    }
  }

  List<Example> validFailures() {
    synchronized (validFailures) {
      return List.copyOf(validFailures);
    }
  }

  List<String> burstFailures() {
    synchronized (burstFailures) {
      return List.copyOf(burstFailures);
    }
  }
}
