package org.rcskt.monitor.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.rcskt.monitor.alert.Alert;
import org.rcskt.monitor.config.ExpectedKey;
import org.rcskt.monitor.config.GossipConfig;
import org.rcskt.monitor.config.LogConfig;
import org.rcskt.monitor.config.MonitorConfig;
import org.rcskt.monitor.config.SinkConfig;
import org.rcskt.monitor.config.WatchConfig;
import org.rcskt.verifier.crypto.Ed25519;
import org.rcskt.verifier.event.PublicKeyInfo;

/** Building monitor configurations for tests, reading alert files, waiting for conditions. */
public final class Fixtures {
  private Fixtures() {}

  /** Follows {@code log} every {@code poll}, replaying every subject. */
  public static LogConfig follow(TestLog log, Duration poll, int recheckBundles) {
    return new LogConfig(
        log.url(),
        log.origin(),
        log.verifierKey(),
        Optional.of(TestLog.vrfKey()),
        Optional.empty(),
        poll,
        LogConfig.Replay.ALL,
        recheckBundles);
  }

  /** {@code c} with the push feed off: the monitor only polls. */
  public static LogConfig withoutFeed(LogConfig c) {
    return new LogConfig(
        c.url(),
        c.origin(),
        c.verifierKey(),
        c.vrfKey(),
        c.policyKey(),
        c.pollInterval(),
        c.replay(),
        c.recheckBundles(),
        c.witnesses(),
        c.follow(),
        false);
  }

  /**
   * Watches {@code phone}, expecting {@code keys}; each log gives its index in a lookup, which
   * {@link TestLog}'s VRF key makes {@link TestVrf#index}.
   */
  public static WatchConfig watch(String label, String phone, Ed25519.KeyPair... keys) {
    return WatchConfig.ofPhone(label, phone, expected(keys));
  }

  /** Watches {@code phone} by its index under the test VRF key: no lookup. */
  public static WatchConfig watchSubject(String label, String phone, Ed25519.KeyPair... keys) {
    return WatchConfig.ofSubject(label, TestVrf.index(phone), expected(keys));
  }

  private static List<ExpectedKey> expected(Ed25519.KeyPair... keys) {
    List<ExpectedKey> expected = new ArrayList<>();
    for (Ed25519.KeyPair k : keys) {
      PublicKeyInfo info = PublicKeyInfo.ed25519(k.publicKey());
      expected.add(new ExpectedKey(info.keyId().toHex(), info.keyId()));
    }
    return expected;
  }

  /** A monitor configuration on a free loopback port. */
  public static MonitorConfig monitor(
      Path dataDir,
      List<LogConfig> logs,
      List<WatchConfig> watch,
      List<SinkConfig> sinks,
      List<String> peers) {
    return new MonitorConfig(
        dataDir,
        "127.0.0.1",
        0,
        logs,
        watch,
        sinks,
        new GossipConfig(Duration.ofMillis(200), peers),
        Optional.empty());
  }

  /** The alerts in a file sink's file, in order. */
  public static List<Alert> alerts(Path file) {
    List<Alert> out = new ArrayList<>();
    try {
      if (!Files.exists(file)) {
        return out;
      }
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        if (!line.isEmpty()) {
          out.add(Alert.fromJson(line.getBytes(StandardCharsets.UTF_8)));
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return out;
  }

  /** Waits until {@code cond} holds, failing after {@code max}. */
  public static void await(Duration max, Callable<Boolean> cond) throws Exception {
    long deadline = System.nanoTime() + max.toNanos();
    while (!cond.call()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within " + max);
      }
      Thread.sleep(20);
    }
  }
}
