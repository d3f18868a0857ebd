package org.rcskt.server.cli;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.rcskt.verifier.tile.TilePath;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code read-bench}: inclusion proofs, tiles or entry bundles at random indexes. */
@Command(
    name = "read-bench",
    description = "Read load generator: inclusion proofs and tiles at random positions.",
    mixinStandardHelpOptions = true)
final class ReadBenchCommand implements Callable<Integer> {
  enum Mode {
    inclusion,
    tile,
    bundle,
    checkpoint
  }

  @Option(names = "--url", description = "the log's base URL (default ${DEFAULT-VALUE})")
  String url = "http://127.0.0.1:8080";

  @Option(
      names = "--mode",
      description = "inclusion, tile, bundle or checkpoint (default ${DEFAULT-VALUE})")
  Mode mode = Mode.inclusion;

  @Option(names = "--duration", description = "seconds (default ${DEFAULT-VALUE})")
  long durationSeconds = 30;

  @Option(
      names = "--rate",
      description = "requests per second, 0 for as fast as possible (default ${DEFAULT-VALUE})")
  double rate = 0;

  @Option(
      names = "--concurrency",
      description = "most requests in flight (default ${DEFAULT-VALUE})")
  int concurrency = 128;

  @Option(names = "--connections", description = "HTTP connections (default ${DEFAULT-VALUE})")
  int connections = 64;

  @Option(names = "--seed", description = "random seed (default ${DEFAULT-VALUE})")
  long seed = 1;

  @Option(names = "--threads", description = "client event loops (default ${DEFAULT-VALUE})")
  int threads = 1;

  @Override
  public Integer call() throws Exception {
    URI u = URI.create(url);
    String cp =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(u.resolve("/checkpoint")).build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    long size = Long.parseLong(cp.split("\n")[1]);
    if (size == 0) {
      System.err.println("read-bench: the log is empty");
      return 2;
    }
    System.out.printf("tree size %,d%n", size);
    SplittableRandom random = new SplittableRandom(seed);
    long fullTiles = size / 256;
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(threads));
    HttpClientAgent client =
        vertx.createHttpClient(
            new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true),
            new PoolOptions().setHttp1MaxSize(connections).setMaxWaitQueueSize(-1));
    try {
      LoadDriver driver =
          new LoadDriver(vertx, client, u.getHost(), u.getPort() < 0 ? 80 : u.getPort());
      LoadDriver.Result r =
          driver.run(
              i -> new LoadDriver.Request(HttpMethod.GET, uri(random, size, fullTiles), null),
              Long.MAX_VALUE,
              rate,
              concurrency,
              durationSeconds * 1000);
      System.out.println(r.describe(mode + " requests"));
      return r.errors() == 0 && r.ok() == r.completed() ? 0 : 1;
    } finally {
      client.close().toCompletionStage().toCompletableFuture().join();
      vertx.close().toCompletionStage().toCompletableFuture().join();
    }
  }

  private String uri(SplittableRandom random, long size, long fullTiles) {
    switch (mode) {
      case inclusion:
        return "/v1/proof/inclusion?index=" + random.nextLong(size) + "&size=" + size;
      case tile:
        if (fullTiles == 0) {
          return "/" + TilePath.hashTile(0, 0, (int) size);
        }
        return "/" + TilePath.hashTile(0, random.nextLong(fullTiles), 256);
      case bundle:
        if (fullTiles == 0) {
          return "/" + TilePath.entryBundle(0, (int) size);
        }
        return "/" + TilePath.entryBundle(random.nextLong(fullTiles), 256);
      default:
        return "/checkpoint";
    }
  }
}
