package org.rcskt.server.cli;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import org.HdrHistogram.Histogram;
import org.rcskt.server.config.ServerKeys;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.crypto.Ed25519;
import org.rcskt.verifier.event.EventBuilder;
import org.rcskt.verifier.event.EventJson;
import org.rcskt.verifier.event.KeyEvent;
import org.rcskt.verifier.event.PhoneNumbers;
import org.rcskt.verifier.event.PublicKeyInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bench}: submits valid signed REGISTER events for fresh subjects over HTTP and reports
 * throughput and latency percentiles. Events are made and signed in chunks before each timed phase,
 * so signing never competes with the server while the clock runs.
 */
@Command(
    name = "bench",
    description = "Submission load generator: valid signed events over HTTP.",
    mixinStandardHelpOptions = true)
final class BenchCommand implements Callable<Integer> {
  @Option(names = "--url", description = "the log's base URL (default ${DEFAULT-VALUE})")
  String url = "http://127.0.0.1:8080";

  @Option(
      names = "--carrier-key",
      description = "signer key file of a trusted carrier anchor (default ${DEFAULT-VALUE})")
  Path carrierKey = Path.of("data", "dev-carrier.key");

  @Option(names = "--carrier-id", description = "that carrier's id (default ${DEFAULT-VALUE})")
  String carrierId = "dev-carrier";

  @Option(
      names = "--unattested",
      description = "REGISTER signed by the device only (needs --allow-unattested on the server)")
  boolean unattested;

  @Option(names = "--events", description = "events to submit in all (default ${DEFAULT-VALUE})")
  long events = 100_000;

  @Option(
      names = "--chunk",
      description = "events prepared per timed phase (default ${DEFAULT-VALUE})")
  int chunk = 500_000;

  @Option(
      names = "--rate",
      description = "events per second, 0 for as fast as possible (default ${DEFAULT-VALUE})")
  double rate = 0;

  @Option(
      names = "--concurrency",
      description = "most requests in flight (default ${DEFAULT-VALUE})")
  int concurrency = 256;

  @Option(names = "--connections", description = "HTTP connections (default ${DEFAULT-VALUE})")
  int connections = 64;

  @Option(
      names = "--duration",
      description = "stop after this many timed seconds (default: no limit)")
  long durationSeconds = Long.MAX_VALUE / 1_000_000_000L;

  @Option(
      names = "--seed",
      description =
          "seed for subjects and device keys; change it to avoid duplicates of an earlier run (default ${DEFAULT-VALUE})")
  long seed = 1;

  @Option(names = "--threads", description = "client event loops (default ${DEFAULT-VALUE})")
  int threads = 1;

  @Override
  public Integer call() throws Exception {
    URI u = URI.create(url);
    if (!java.nio.file.Files.exists(carrierKey)) {
      System.err.println("bench: no carrier key file " + carrierKey);
      return 2;
    }
    Ed25519.KeyPair carrier = ServerKeys.devCarrierKey(carrierKey);
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(threads));
    HttpClientAgent client =
        vertx.createHttpClient(
            new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true),
            new PoolOptions().setHttp1MaxSize(connections).setMaxWaitQueueSize(-1));
    LoadDriver driver =
        new LoadDriver(vertx, client, u.getHost(), u.getPort() < 0 ? 80 : u.getPort());
    Histogram all = new Histogram(3_600_000_000L, 3);
    Map<Integer, Long> statuses = new TreeMap<>();
    long completed = 0;
    long errors = 0;
    double seconds = 0;
    long budgetMillis =
        durationSeconds >= Long.MAX_VALUE / 1_000_000_000L
            ? Long.MAX_VALUE / 2
            : durationSeconds * 1000;
    try {
      for (long base = 0; base < events && seconds * 1000 < budgetMillis; base += chunk) {
        int n = (int) Math.min(chunk, events - base);
        long t0 = System.nanoTime();
        byte[][] bodies = prepare(base, n, carrier);
        System.out.printf(
            "prepared %,d signed events in %.1f s%n", n, (System.nanoTime() - t0) / 1e9);
        long left = budgetMillis - (long) (seconds * 1000);
        LoadDriver.Result r =
            driver.run(
                i ->
                    new LoadDriver.Request(
                        HttpMethod.POST, "/v1/events", Buffer.buffer(bodies[(int) i])),
                n,
                rate,
                concurrency,
                left);
        System.out.println(r.describe("submissions"));
        all.add(r.latency());
        r.statuses().forEach((k, v) -> statuses.merge(k, v, Long::sum));
        completed += r.completed();
        errors += r.errors();
        seconds += r.seconds();
      }
    } finally {
      client.close().toCompletionStage().toCompletableFuture().join();
      vertx.close().toCompletionStage().toCompletableFuture().join();
    }
    LoadDriver.Result total = new LoadDriver.Result(completed, statuses, errors, all, seconds);
    System.out.println("TOTAL " + total.describe("submissions"));
    System.out.printf("accepted (200) per second: %,.0f%n", total.ok() / seconds);
    return 0;
  }

  /** Signed REGISTER events as JSON, one per fresh subject, in parallel on every core. */
  byte[][] prepare(long base, int n, Ed25519.KeyPair carrier) {
    byte[][] out = new byte[n][];
    long now = System.currentTimeMillis();
    IntStream.range(0, n)
        .parallel()
        .forEach(
            i -> {
              long k = base + i;
              KeyEvent e = event(seed, k, now, carrierId, carrier, unattested);
              out[i] = EventJson.toJsonString(e).getBytes(StandardCharsets.UTF_8);
            });
    return out;
  }

  /** Event number {@code k} of a run with {@code seed}: deterministic, so runs can be repeated. */
  static KeyEvent event(
      long seed, long k, long now, String carrierId, Ed25519.KeyPair carrier, boolean unattested) {
    byte[] material = ByteBuffer.allocate(16).putLong(seed).putLong(k).array();
    Ed25519.KeyPair device = Ed25519.KeyPair.fromSeed(Hash.sha256(material).toByteArray());
    // Numbers +1 200 000 0000 upwards, spread by seed so runs do not collide.
    long number = 2_000_000_000L + Math.floorMod(seed * 1_000_003L + k, 7_999_999_999L);
    Hash subject = PhoneNumbers.subjectIndex("+1" + number);
    EventBuilder b =
        EventBuilder.forSubject(subject, carrierId)
            .sequence(0)
            .timestampMs(now)
            .register("bench", PublicKeyInfo.ed25519(device.publicKey()));
    return unattested ? b.sign(device) : b.sign(device, carrier);
  }
}
