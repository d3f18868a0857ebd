package org.rcskt.monitor.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.rcskt.monitor.testing.Fixtures.alerts;
import static org.rcskt.monitor.testing.Fixtures.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rcskt.monitor.Monitor;
import org.rcskt.monitor.config.MonitorConfig;
import org.rcskt.monitor.config.SinkConfig;
import org.rcskt.monitor.map.MapState;
import org.rcskt.monitor.testing.Fixtures;
import org.rcskt.monitor.testing.TestLog;
import org.rcskt.verifier.crypto.Ed25519;

/**
 * An honest log: the monitor's recomputed map matches every map root, and after a restart it goes
 * on from the stored map (the base at the last map root it checked) rather than from leaf 0.
 */
class MapRestartTest {
  @TempDir Path dir;

  @Test
  void theMapIsKeptAcrossRestartsAndMatchesAnHonestLog() throws Exception {
    Random random = new Random(61);
    Path alertFile = dir.resolve("alerts.jsonl");
    try (TestLog log = TestLog.start(dir.resolve("log"))) {
      for (int i = 0; i < 300; i++) {
        log.register(String.format("+4477008%05d", i), "phone", Ed25519.KeyPair.generate(random));
      }
      MonitorConfig config =
          Fixtures.monitor(
              dir.resolve("monitor"),
              List.of(Fixtures.follow(log, Duration.ofMillis(200), 0)),
              List.of(),
              List.of(new SinkConfig.File("file", alertFile)),
              List.of());
      long first = log.treeSize();
      MapState before;
      try (Monitor m = Monitor.start(config)) {
        await(Duration.ofSeconds(30), () -> m.followers().get(0).verifiedEntries() == first);
        before = MapState.decode(m.store().logMeta(log.origin(), "map"));
      }
      assertThat(before.baseLeaf()).isEqualTo(first - 1);
      assertThat(before.committed()).isTrue();
      assertThat(before.pending()).isEmpty();
      assertThat(before.baseCount()).isEqualTo(301); // ours and the dev carrier

      for (int i = 300; i < 350; i++) {
        log.register(String.format("+4477008%05d", i), "phone", Ed25519.KeyPair.generate(random));
      }
      long second = log.treeSize();
      try (Monitor m = Monitor.start(config)) {
        // Progress and map resume where they were: the follower refuses a map that does not cover
        // exactly the verified entries, so a resumed map is the stored one.
        assertThat(m.followers().get(0).verifiedEntries()).isEqualTo(first);
        await(Duration.ofSeconds(30), () -> m.followers().get(0).verifiedEntries() == second);
        MapState after = MapState.decode(m.store().logMeta(log.origin(), "map"));
        assertThat(after.baseLeaf()).isEqualTo(second - 1);
        assertThat(after.baseCount()).isEqualTo(351);
        assertThat(after.committed()).isTrue();
      }
      assertThat(alerts(alertFile)).isEmpty();
    }
  }
}
