package org.rcskt.monitor.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.rcskt.monitor.testing.Fixtures.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rcskt.monitor.Monitor;
import org.rcskt.monitor.config.SinkConfig;
import org.rcskt.monitor.testing.Fixtures;
import org.rcskt.monitor.testing.TestLog;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.checkpoint.CheckpointSigner;
import org.rcskt.verifier.crypto.Ed25519;
import org.rcskt.verifier.note.Ed25519NoteSigner;

/** The monitor's own endpoints: gossip, metrics and health, over real HTTP. */
class HttpEndpointsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir Path dir;

  private static HttpResponse<String> get(URI u) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(u).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> post(URI u, byte[] body) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(u)
            .header("Content-Type", "text/plain; charset=utf-8")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void gossipMetricsAndHealthAnswerAsDocumented() throws Exception {
    Random random = new Random(8);
    try (TestLog log = TestLog.start(dir.resolve("log"))) {
      log.register("+447700900123", "phone", Ed25519.KeyPair.generate(random));
      long size = log.treeSize();
      try (Monitor m =
          Monitor.start(
              Fixtures.monitor(
                  dir.resolve("monitor"),
                  List.of(Fixtures.follow(log, Duration.ofMillis(200), 1)),
                  List.of(),
                  List.of(new SinkConfig.File("file", dir.resolve("alerts.jsonl"))),
                  List.of()))) {
        URI base = URI.create("http://127.0.0.1:" + m.port() + "/");
        await(Duration.ofSeconds(20), () -> m.followers().get(0).verifiedEntries() == size);

        HttpResponse<String> health = get(base.resolve("healthz"));
        assertThat(health.statusCode()).isEqualTo(200);
        JsonNode h = JSON.readTree(health.body());
        assertThat(h.get("status").asText()).isEqualTo("ok");
        assertThat(h.get("logs").get(0).get("origin").asText()).isEqualTo(log.origin());
        assertThat(h.get("logs").get(0).get("verifiedEntries").asLong()).isEqualTo(size);

        HttpResponse<String> cps = get(base.resolve("gossip/checkpoints"));
        assertThat(cps.statusCode()).isEqualTo(200);
        String note = JSON.readTree(cps.body()).get("checkpoints").get(0).asText();
        assertThat(note).startsWith(log.origin() + "\n" + size + "\n");

        HttpResponse<String> same =
            post(
                base.resolve("gossip/checkpoint"),
                note.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(same.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(same.body()).get("outcome").asText()).isEqualTo("consistent");

        HttpResponse<String> junk =
            post(
                base.resolve("gossip/checkpoint"),
                "hello".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(junk.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(junk.body()).get("outcome").asText()).isEqualTo("malformed");

        // Same origin, another key: not the log's signature.
        Ed25519NoteSigner impostor =
            Ed25519NoteSigner.of(log.origin(), Ed25519.KeyPair.generate(random));
        byte[] forged = CheckpointSigner.of(impostor).sign(size, Hash.sha256(new byte[] {1}));
        HttpResponse<String> bad = post(base.resolve("gossip/checkpoint"), forged);
        assertThat(bad.statusCode()).isEqualTo(403);
        assertThat(JSON.readTree(bad.body()).get("outcome").asText()).isEqualTo("bad-signature");

        Ed25519NoteSigner other =
            Ed25519NoteSigner.of("other.example/log", Ed25519.KeyPair.generate(random));
        HttpResponse<String> unknown =
            post(
                base.resolve("gossip/checkpoint"),
                CheckpointSigner.of(other).sign(1, Hash.sha256(new byte[] {2})));
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(unknown.body()).get("outcome").asText())
            .isEqualTo("unknown-origin");

        HttpResponse<String> big = post(base.resolve("gossip/checkpoint"), new byte[20_000]);
        assertThat(big.statusCode()).isEqualTo(413);

        HttpResponse<String> metrics = get(base.resolve("metrics"));
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body())
            .contains("rcskt_monitor_checkpoint_tree_size{origin=\"" + log.origin() + "\"} " + size)
            .contains("rcskt_monitor_verified_tree_size{origin=\"" + log.origin() + "\"} " + size)
            .contains("rcskt_monitor_lag_entries{origin=\"" + log.origin() + "\"} 0")
            .contains(
                "rcskt_monitor_gossip_checkpoints_total{origin=\""
                    + log.origin()
                    + "\",outcome=\"bad-signature\"} 1")
            .contains(
                "rcskt_monitor_gossip_checkpoints_total{origin=\""
                    + log.origin()
                    + "\",outcome=\"consistent\"} 1")
            .contains(
                "rcskt_monitor_entries_verified_total{origin=\"" + log.origin() + "\"} " + size)
            .contains("jvm_memory_used_bytes");
      }
    }
  }
}
