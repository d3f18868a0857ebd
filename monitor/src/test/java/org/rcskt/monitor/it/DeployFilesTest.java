package org.rcskt.monitor.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.rcskt.monitor.testing.Fixtures.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rcskt.monitor.Monitor;
import org.rcskt.monitor.config.SinkConfig;
import org.rcskt.monitor.testing.Fixtures;
import org.rcskt.monitor.testing.TestLog;
import org.rcskt.verifier.crypto.Ed25519;

/**
 * The Grafana dashboard in {@code deploy/grafana} cannot drift from the metrics: every metric its
 * queries name is exposed by a real log server or monitor, and every label it groups by or shows is
 * a label of that metric.
 */
class DeployFilesTest {
  private static final Pattern METRIC = Pattern.compile("\\brcskt_[a-z0-9_]+");
  private static final Pattern BY = Pattern.compile("by \\(([^)]*)\\)");
  private static final Pattern LEGEND = Pattern.compile("\\{\\{(\\w+)}}");
  private static final Pattern SERIES = Pattern.compile("^(rcskt_[a-z0-9_]+)(\\{([^}]*)})? ");

  @TempDir Path dir;

  @Test
  void everyMetricAndLabelTheDashboardUsesExists() throws Exception {
    Path dashboard = Path.of("..", "deploy", "grafana", "rcskt-dashboard.json");
    JsonNode d = new ObjectMapper().readTree(Files.readString(dashboard));
    Map<String, Set<String>> exposed = new HashMap<>();
    try (TestLog log = TestLog.start(dir.resolve("log"))) {
      // Give every metric the dashboard shows a sample: a labelled metric with none is not
      // exposed at all. A witness that is not there (requests fail), ...
      org.rcskt.verifier.note.CosignatureV1Verifier witness =
          org.rcskt.verifier.note.CosignatureV1Signer.of(
                  "witness.test/w1",
                  Ed25519.KeyPair.generate(new Random(4)),
                  java.time.Clock.systemUTC())
              .verifier();
      log.stop();
      log.restartWithWitnesses(
          new org.rcskt.server.config.WitnessSettings(
              List.of(
                  new org.rcskt.server.config.WitnessSettings.Witness(
                      witness, URI.create("http://127.0.0.1:1/"))),
              1));
      log.register("+447700900100", "phone", Ed25519.KeyPair.generate(new Random(3)));
      // ... a second "log" whose key is wrong (verification failures) and a watched number with
      // no expected keys (alerts).
      org.rcskt.monitor.config.LogConfig impostor =
          new org.rcskt.monitor.config.LogConfig(
              log.url(),
              log.origin(),
              org.rcskt.verifier.note.Ed25519NoteKeys.generate(log.origin()).verifierKey(),
              java.util.Optional.of(TestLog.vrfKey()),
              java.util.Optional.empty(),
              Duration.ofMillis(200),
              org.rcskt.monitor.config.LogConfig.Replay.ALL,
              0);
      try (Monitor m =
              Monitor.start(
                  Fixtures.monitor(
                      dir.resolve("monitor"),
                      List.of(Fixtures.follow(log, Duration.ofMillis(200), 0)),
                      List.of(Fixtures.watch("w", "+447700900100")),
                      List.of(new SinkConfig.File("file", dir.resolve("alerts.jsonl"))),
                      List.of()));
          Monitor other =
              Monitor.start(
                  Fixtures.monitor(
                      dir.resolve("other"),
                      List.of(impostor),
                      List.of(),
                      List.of(new SinkConfig.File("file", dir.resolve("other.jsonl"))),
                      List.of()))) {
        long size = log.treeSize();
        await(Duration.ofSeconds(20), () -> m.followers().get(0).verifiedEntries() >= size);
        await(
            Duration.ofSeconds(20), () -> !Fixtures.alerts(dir.resolve("alerts.jsonl")).isEmpty());
        await(Duration.ofSeconds(20), () -> !Fixtures.alerts(dir.resolve("other.jsonl")).isEmpty());
        // Lookups past the per-client limit (429s).
        HttpClient c = HttpClient.newHttpClient();
        for (int i = 0; i < 30; i++) {
          c.send(
              HttpRequest.newBuilder(URI.create(log.url() + "v1/keys/+4477009" + (20000 + i)))
                  .build(),
              HttpResponse.BodyHandlers.discarding());
        }
        Thread.sleep(1500); // a witness attempt or two
        scrape(URI.create(log.url() + "metrics"), exposed);
        scrape(URI.create("http://127.0.0.1:" + m.port() + "/metrics"), exposed);
        scrape(URI.create("http://127.0.0.1:" + other.port() + "/metrics"), exposed);
      }
    }
    int checked = 0;
    for (JsonNode p : d.get("panels")) {
      for (JsonNode t : p.get("targets")) {
        String expr = t.get("expr").asText();
        Matcher mm = METRIC.matcher(expr);
        while (mm.find()) {
          String name = base(mm.group());
          assertThat(exposed)
              .as("%s in panel \"%s\"", name, p.get("title").asText())
              .containsKey(name);
          Set<String> labels = new HashSet<>(exposed.get(name));
          labels.add("le");
          Matcher by = BY.matcher(expr);
          while (by.find()) {
            for (String l : by.group(1).split(",")) {
              assertThat(labels).as("label %s of %s", l.strip(), name).contains(l.strip());
            }
          }
          Matcher lg = LEGEND.matcher(t.get("legendFormat").asText());
          while (lg.find()) {
            assertThat(labels).as("legend label %s of %s", lg.group(1), name).contains(lg.group(1));
          }
          checked++;
        }
      }
    }
    assertThat(checked).isGreaterThan(15);
  }

  /** A histogram's or counter's base name as the exposition writes it, without the suffixes. */
  private static String base(String name) {
    for (String suffix : new String[] {"_bucket", "_count", "_sum", "_created"}) {
      if (name.endsWith(suffix)) {
        return name.substring(0, name.length() - suffix.length());
      }
    }
    return name;
  }

  private static void scrape(URI uri, Map<String, Set<String>> into) throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    for (String line : r.body().split("\n")) {
      Matcher m = SERIES.matcher(line);
      if (!m.find()) {
        if (line.startsWith("# TYPE rcskt_")) {
          into.computeIfAbsent(base(line.split(" ")[2]), k -> new HashSet<>());
        }
        continue;
      }
      Set<String> labels = into.computeIfAbsent(base(m.group(1)), k -> new HashSet<>());
      if (m.group(3) != null) {
        for (String kv : m.group(3).split(",")) {
          int eq = kv.indexOf('=');
          if (eq > 0) {
            labels.add(kv.substring(0, eq));
          }
        }
      }
    }
  }
}
