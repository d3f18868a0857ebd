package org.rcskt.server.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The report of a hostile run, as text and as JSON, from the same figures: requests and answers per
 * family, the 5xx answers (the key figure) with examples, closes and timeouts, valid traffic,
 * races, slow connections, and the server's memory and metrics before and after.
 */
final class HostileReport {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /**
   * Where and how the run went, beside the counts.
   *
   * @param toolCpuNanos the CPU this process used during the run
   * @param serverCpuNanos the CPU the server used during the run, or -1 when unknown
   */
  record Run(
      String url,
      String origin,
      long seed,
      int namespace,
      int connections,
      long requestsAsked,
      long treeSizeBefore,
      long treeSizeAfter,
      double seconds,
      String abortedBecause,
      boolean allow5xx,
      long toolCpuNanos,
      long serverCpuNanos) {}

  private final Run run;
  private final Map<HostileFamily, Double> weights;
  private final HostileStats stats;
  private final SlowConnections slow;
  private final ServerWatch watch;
  private final ServerWatch.Scrape before;
  private final ServerWatch.Scrape after;
  private final WitnessFamily witness;
  private final WitnessClient.Check witnessCheck;

  /**
   * @param slow the slow connections, or null when there were none
   * @param before the {@code /metrics} scrape at the start, or null if it failed
   * @param after the {@code /metrics} scrape at the end, or null if it failed
   * @param witness the {@code witness} family, or null when the run had no witness
   * @param witnessCheck the check after the run that the witness still cosigns, or null
   */
  HostileReport(
      Run run,
      Map<HostileFamily, Double> weights,
      HostileStats stats,
      SlowConnections slow,
      ServerWatch watch,
      ServerWatch.Scrape before,
      ServerWatch.Scrape after,
      WitnessFamily witness,
      WitnessClient.Check witnessCheck) {
    this.run = run;
    this.weights = weights;
    this.stats = stats;
    this.slow = slow;
    this.watch = watch;
    this.before = before;
    this.after = after;
    this.witness = witness;
    this.witnessCheck = witnessCheck;
  }

  /** Requests of the stream, without the slow connections. */
  long streamRequests() {
    long slowSent = slow == null ? 0 : stats.family(SlowConnections.FAMILY).sent.sum();
    return stats.total() - slowSent;
  }

  double requestsPerSecond() {
    return streamRequests() / Math.max(1e-9, run.seconds());
  }

  /** Why the run failed, one line each; empty when it passed. */
  List<String> failures() {
    List<String> f = new ArrayList<>();
    if (run.abortedBecause() != null) {
      f.add("the run stopped early: " + run.abortedBecause());
    }
    if (stats.fiveXx() > 0 && !run.allow5xx()) {
      f.add(String.format("%,d answers were 5xx", stats.fiveXx()));
    }
    if (stats.validFailed() > 0) {
      f.add(String.format("%,d valid requests did not succeed", stats.validFailed()));
    }
    if (stats.burstsWrong() > 0) {
      f.add(String.format("%,d race bursts did not have exactly one winner", stats.burstsWrong()));
    }
    if (stats.wronglyAccepted() > 0) {
      f.add(String.format("%,d events that break a rule were accepted", stats.wronglyAccepted()));
    }
    if (stats.wrongStatus() > 0) {
      f.add(
          String.format(
              "%,d requests with a wrong credential were not answered 401", stats.wrongStatus()));
    }
    if (witness != null && witness.wrong() > 0) {
      f.add(
          String.format(
              "%,d witness answers were not the status the spec gives the request",
              witness.wrong()));
    }
    if (witnessCheck != null && !witnessCheck.ok()) {
      f.add("the witness's check after the run failed: " + witnessCheck.description());
    }
    return f;
  }

  /** The families of a run with their shares and descriptions. */
  static void printFamilies(
      PrintStream out, Map<HostileFamily, Double> weights, SlowConnections slow) {
    double sum = weights.values().stream().mapToDouble(Double::doubleValue).sum();
    out.println("families (share of draws; a race draw is a burst of 2 to 8 requests):");
    weights.forEach(
        (f, w) -> out.printf("  %-15s %5.1f%%  %s%n", f.name(), 100 * w / sum, f.description()));
    if (slow != null) {
      out.printf("  %-15s %6s  %s%n", SlowConnections.FAMILY, "beside", slow.description());
    }
  }

  void print(PrintStream out) {
    out.println("---");
    out.printf(
        "requests: %,d sent in %.1f s = %,.0f requests/s over %d connections; tree size %,d ->"
            + " %,d%n",
        streamRequests(),
        run.seconds(),
        requestsPerSecond(),
        run.connections(),
        run.treeSizeBefore(),
        run.treeSizeAfter());
    String cpu = Reports.cores("tool", run.toolCpuNanos(), run.seconds());
    if (run.serverCpuNanos() >= 0) {
      cpu += ", " + Reports.cores("server", run.serverCpuNanos(), run.seconds());
    }
    out.printf("%s; load average %s%n", cpu, Reports.loadAverage());
    out.printf(
        "%-15s %9s %7s %7s %8s %10s  %s%n",
        "family", "sent", "5xx", "closed", "timeouts", "unexpected", "answers");
    stats
        .families()
        .forEach(
            (name, f) ->
                out.printf(
                    "%-15s %,9d %,7d %,7d %,8d %,10d  %s%n",
                    name,
                    f.sent.sum(),
                    f.fiveXx.sum(),
                    f.closedWithoutAnswer.sum(),
                    f.timeouts.sum(),
                    f.unexpected.sum(),
                    Reports.outcomes(f.outcomes())));
    out.printf("5xx answers: %,d%n", stats.fiveXx());
    Map<String, Long> byVariant = stats.fiveXxByVariant();
    if (!byVariant.isEmpty()) {
      // The most frequent ones; the JSON report has them all.
      StringBuilder sb = new StringBuilder();
      byVariant.entrySet().stream()
          .limit(15)
          .forEach(
              e ->
                  sb.append(sb.length() == 0 ? "" : ", ")
                      .append(e.getKey())
                      .append(' ')
                      .append(String.format("%,d", e.getValue())));
      if (byVariant.size() > 15) {
        sb.append(String.format(", and %d more variants", byVariant.size() - 15));
      }
      out.printf("  by variant: %s%n", sb);
    }
    printExamples(out, stats.fiveXxExamples());
    out.printf(
        "valid traffic: %,d of %,d succeeded (%s)%n",
        stats.validOk(), stats.validOk() + stats.validFailed(), kinds(stats.validByKind()));
    printExamples(out, stats.validFailures());
    out.printf(
        "unexpected answers (a rule-breaking event not refused with a 4xx): %,d, of which"
            + " accepted: %,d%n",
        stats.unexpected(), stats.wronglyAccepted());
    printExamples(out, stats.unexpectedExamples());
    StringBuilder races = new StringBuilder();
    stats
        .burstsByRule()
        .forEach(
            (rule, t) ->
                races.append(
                    String.format(
                        "%s%s %,d right, %,d wrong",
                        races.length() == 0 ? "" : "; ", rule, t[0], t[1])));
    out.printf("race bursts: %s%n", races.length() == 0 ? "none" : races);
    for (String b : stats.burstFailures()) {
      out.printf("  %s%n", b);
    }
    if (slow != null) {
      out.printf("slow connections: %s%n", slow.summary());
    }
    if (witness != null) {
      out.printf(
          "witness %s: %,d answers with a wrong status%n",
          witness.witness().witnessUrl(), witness.wrong());
      for (String e : witness.wrongExamples()) {
        out.printf("  %s%n", clip(e, 300));
      }
      if (witnessCheck != null) {
        out.printf(
            "witness check after the run: %s: %s%n",
            witnessCheck.ok() ? "ok" : "FAILED", witnessCheck.description());
      }
    }
    weights
        .keySet()
        .forEach(
            f -> {
              if (!f.figures().isEmpty()) {
                StringBuilder sb = new StringBuilder();
                f.figures().forEach((k, v) -> sb.append(' ').append(k).append('=').append(v));
                out.printf("%s:%s%n", f.name(), sb);
              }
            });
    StringBuilder keepAlive = new StringBuilder();
    stats
        .families()
        .forEach(
            (name, f) -> {
              long c = f.closedAfterAnswer.sum();
              long s = f.strayAnswers.sum();
              if (c > 0 || s > 0) {
                keepAlive.append(String.format(" %s %,d/%,d", name, c, s));
              }
            });
    out.printf(
        "keep-alive connections the server closed after an answer without saying so / stray bytes"
            + " after an answer, by the family of that answer:%s%n",
        keepAlive.length() == 0 ? " none" : keepAlive);
    if (watch.watchesRss()) {
      StringBuilder rss = new StringBuilder();
      for (ServerWatch.RssSample s : watch.rss()) {
        rss.append(String.format("%s%s %,d", rss.length() == 0 ? "" : ", ", s.at(), s.kib()));
      }
      out.printf("server RSS (VmRSS, KiB): %s%n", rss.length() == 0 ? "not readable" : rss);
    }
    out.printf("/metrics at the start: %s%n", scrape(before));
    out.printf("/metrics at the end:   %s%n", scrape(after));
    List<String> failures = failures();
    if (failures.isEmpty()) {
      out.println(
          stats.fiveXx() > 0
              ? "PASSED apart from the 5xx answers (--allow-5xx)"
              : "PASSED: no 5xx, every valid request succeeded, every race had one winner"
                  + (witness != null
                      ? ", every witness answer had its status and the witness still cosigns"
                      : ""));
    }
    for (String f : failures) {
      out.println("FAILED: " + f);
    }
  }

  private static String kinds(Map<String, long[]> byKind) {
    StringBuilder sb = new StringBuilder();
    byKind.forEach(
        (k, t) ->
            sb.append(sb.length() == 0 ? "" : ", ")
                .append(k)
                .append(' ')
                .append(String.format("%,d/%,d", t[0], t[0] + t[1])));
    return sb.length() == 0 ? "none sent" : sb.toString();
  }

  private static void printExamples(PrintStream out, List<HostileStats.Example> examples) {
    for (HostileStats.Example e : examples) {
      out.printf(
          "  %s/%s: %s %s -> %s %s%n",
          e.family(),
          e.what(),
          e.method(),
          clip(e.target(), 120),
          e.outcome(),
          clip(e.body(), 120));
    }
  }

  private static String scrape(ServerWatch.Scrape s) {
    return s == null
        ? "not read"
        : String.format(
            "status %d, %,d lines, %,d bytes, %,d series of %s",
            s.status(), s.lines(), s.bytes(), s.httpSeries(), ServerWatch.HTTP_HISTOGRAM);
  }

  static String clip(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max) + "...";
  }

  ObjectNode toJson() {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("url", run.url());
    o.put("origin", run.origin());
    o.put("seed", run.seed());
    o.put("namespace", run.namespace());
    o.put("connections", run.connections());
    o.put("requestsAsked", run.requestsAsked());
    o.put("requestsSent", streamRequests());
    o.put("seconds", run.seconds());
    o.put("requestsPerSecond", requestsPerSecond());
    o.put("toolCpuSeconds", run.toolCpuNanos() / 1e9);
    if (run.serverCpuNanos() >= 0) {
      o.put("serverCpuSeconds", run.serverCpuNanos() / 1e9);
    }
    o.put("treeSizeBefore", run.treeSizeBefore());
    o.put("treeSizeAfter", run.treeSizeAfter());
    if (run.abortedBecause() != null) {
      o.put("abortedBecause", run.abortedBecause());
    }
    double sum = weights.values().stream().mapToDouble(Double::doubleValue).sum();
    ArrayNode fams = o.putArray("families");
    stats
        .families()
        .forEach(
            (name, f) -> {
              ObjectNode j = fams.addObject();
              j.put("name", name);
              HostileFamily family = byName(name);
              if (family != null) {
                j.put("weight", weights.get(family));
                j.put("share", weights.get(family) / sum);
                j.put("description", family.description());
                j.set("figures", MAPPER.valueToTree(family.figures()));
              } else if (slow != null && SlowConnections.FAMILY.equals(name)) {
                j.put("description", slow.description());
                j.set("figures", MAPPER.valueToTree(slow.figures()));
              }
              j.put("sent", f.sent.sum());
              j.set("answers", MAPPER.valueToTree(f.outcomes()));
              j.put("fiveXx", f.fiveXx.sum());
              j.put("closedWithoutAnswer", f.closedWithoutAnswer.sum());
              j.put("timeouts", f.timeouts.sum());
              j.put("unexpected", f.unexpected.sum());
              j.put("wronglyAccepted", f.wronglyAccepted.sum());
              j.put("wrongStatus", f.wrongStatus.sum());
              j.put("closedAfterAnswer", f.closedAfterAnswer.sum());
              j.put("strayAnswers", f.strayAnswers.sum());
              j.set("variants", MAPPER.valueToTree(f.variants()));
            });
    ObjectNode fiveXx = o.putObject("fiveXx");
    fiveXx.put("count", stats.fiveXx());
    fiveXx.set("byVariant", MAPPER.valueToTree(stats.fiveXxByVariant()));
    fiveXx.set("examples", examples(stats.fiveXxExamples()));
    o.put("closedWithoutAnswer", stats.closedWithoutAnswer());
    o.put("timeouts", stats.timeouts());
    ObjectNode valid = o.putObject("valid");
    valid.put("ok", stats.validOk());
    valid.put("failed", stats.validFailed());
    ObjectNode kinds = valid.putObject("byKind");
    stats
        .validByKind()
        .forEach(
            (k, t) -> {
              ObjectNode n = kinds.putObject(k);
              n.put("ok", t[0]);
              n.put("failed", t[1]);
            });
    valid.set("failures", examples(stats.validFailures()));
    ObjectNode unexpected = o.putObject("unexpected");
    unexpected.put("count", stats.unexpected());
    unexpected.set("examples", examples(stats.unexpectedExamples()));
    ObjectNode bursts = o.putObject("bursts");
    stats
        .burstsByRule()
        .forEach(
            (rule, t) -> {
              ObjectNode n = bursts.putObject(rule);
              n.put("right", t[0]);
              n.put("wrong", t[1]);
            });
    bursts.set("wrongExamples", MAPPER.valueToTree(stats.burstFailures()));
    ObjectNode server = o.putObject("server");
    ArrayNode rss = server.putArray("rssKib");
    for (ServerWatch.RssSample s : watch.rss()) {
      ObjectNode n = rss.addObject();
      n.put("at", s.at());
      n.put("requests", s.requests());
      n.put("kib", s.kib());
    }
    server.set("metricsBefore", before == null ? null : MAPPER.valueToTree(before));
    server.set("metricsAfter", after == null ? null : MAPPER.valueToTree(after));
    if (witness != null) {
      ObjectNode w = o.putObject("witness");
      w.put("url", witness.witness().witnessUrl().toString());
      w.put("wrongStatuses", witness.wrong());
      w.set("wrongExamples", MAPPER.valueToTree(witness.wrongExamples()));
      w.set("figures", MAPPER.valueToTree(witness.figures()));
      if (witnessCheck != null) {
        ObjectNode c = w.putObject("checkAfter");
        c.put("ok", witnessCheck.ok());
        c.put("description", witnessCheck.description());
      }
    }
    o.set("failures", MAPPER.valueToTree(failures()));
    o.put("passed", failures().isEmpty());
    return o;
  }

  private HostileFamily byName(String name) {
    for (HostileFamily f : weights.keySet()) {
      if (f.name().equals(name)) {
        return f;
      }
    }
    return null;
  }

  private static ArrayNode examples(List<HostileStats.Example> examples) {
    ArrayNode a = MAPPER.createArrayNode();
    for (HostileStats.Example e : examples) {
      ObjectNode n = a.addObject();
      n.put("family", e.family());
      n.put("variant", e.what());
      n.put("method", e.method());
      n.put("target", clip(e.target(), 300));
      n.put("outcome", e.outcome());
      n.put("body", e.body());
    }
    return a;
  }
}
