package org.rcskt.monitor.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.tile.EntryBundle;
import org.rcskt.verifier.tile.MalformedTileException;
import org.rcskt.verifier.tile.TilePath;

/**
 * Fetches what an audit needs from a log over HTTP (C2SP tlog-tiles and docs/api.md): the
 * checkpoint, entry bundles (several in flight, delivered in order), {@code /v1/info} and inclusion
 * proofs. Every response is size-bounded; every request has a timeout; a 503 is retried after its
 * {@code Retry-After}, a few times.
 */
public final class LogFetcher {
  /** An entry bundle holds at most 256 entries of at most 64 KiB each, plus lengths. */
  static final int MAX_BUNDLE_BYTES = 256 * (2 + 0xffff);

  static final int MAX_JSON_BYTES = 1 << 20;
  static final int MAX_CHECKPOINT_BYTES = 64 * 1024;
  private static final int MAX_RETRIES = 5;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final URI base;
  private final URI tiles;
  private final HttpClient http;
  private final Duration timeout;

  /**
   * @param base the log's URL, which the API paths are relative to
   * @param timeout the per-request timeout
   */
  public LogFetcher(URI base, Duration timeout) {
    this(base, base, timeout);
  }

  /**
   * A fetcher that reads the checkpoint and entry bundles from {@code tiles}, any tlog-tiles
   * endpoint of the log (the bucket it publishes to, behind its CDN), and the JSON API ({@code
   * v1/...}) from {@code base}.
   */
  public LogFetcher(URI base, URI tiles, Duration timeout) {
    this.base = slashed(base);
    this.tiles = slashed(tiles);
    this.timeout = timeout;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .version(HttpClient.Version.HTTP_1_1)
            .build();
  }

  private static URI slashed(URI u) {
    String s = u.toString();
    return URI.create(s.endsWith("/") ? s : s + "/");
  }

  /** The latest signed checkpoint, as served. */
  public byte[] checkpoint() throws IOException {
    return get("checkpoint", MAX_CHECKPOINT_BYTES);
  }

  /** {@code GET v1/info} as JSON. */
  public JsonNode info() throws IOException {
    return json("v1/info");
  }

  /** The inclusion proof of the leaf at {@code leafIndex} in the tree of {@code treeSize}. */
  public List<Hash> inclusionProof(long leafIndex, long treeSize) throws IOException {
    String path = "v1/proof/inclusion?index=" + leafIndex + "&size=" + treeSize;
    JsonNode proof = json(path).get("inclusionProof");
    if (proof == null || !proof.isArray() || proof.size() > 63) {
      throw new IOException(
          path + ": field \"inclusionProof\" is missing, not an array or too long");
    }
    List<Hash> out = new ArrayList<>(proof.size());
    for (JsonNode h : proof) {
      try {
        out.add(Hash.fromBase64(h.asText()));
      } catch (IllegalArgumentException e) {
        throw new IOException(path + ": a proof hash is not base64 of 32 bytes", e);
      }
    }
    return out;
  }

  /** Receives the entries of the log in leaf order. */
  @FunctionalInterface
  public interface EntrySink {
    void accept(long leafIndex, byte[] entry);
  }

  /**
   * Fetches every entry bundle of the tree of {@code treeSize} leaves, keeping up to {@code
   * inFlight} requests outstanding, and hands the entries to {@code sink} in leaf order on the
   * calling thread.
   *
   * @throws IOException if a bundle cannot be fetched
   * @throws MalformedTileException if a bundle does not hold exactly the entries its path says
   */
  public void entries(long treeSize, int inFlight, EntrySink sink)
      throws IOException, MalformedTileException {
    long bundles = (treeSize + TilePath.FULL_WIDTH - 1) / TilePath.FULL_WIDTH;
    ArrayDeque<CompletableFuture<byte[]>> window = new ArrayDeque<>();
    ArrayDeque<TilePath> paths = new ArrayDeque<>();
    long next = 0;
    for (long b = 0; b < bundles; b++) {
      while (next < bundles && window.size() < inFlight) {
        long start = next * TilePath.FULL_WIDTH;
        int width = (int) Math.min(TilePath.FULL_WIDTH, treeSize - start);
        TilePath p = TilePath.entryBundle(next, width);
        paths.add(p);
        window.add(getAsync(p.toString(), MAX_BUNDLE_BYTES));
        next++;
      }
      TilePath p = paths.poll();
      byte[] data = await(window.poll());
      List<byte[]> entries = EntryBundle.parse(p, data);
      long leaf = b * TilePath.FULL_WIDTH;
      for (byte[] e : entries) {
        sink.accept(leaf++, e);
      }
    }
  }

  private static byte[] await(CompletableFuture<byte[]> f) throws IOException {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while fetching entry bundles", e);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof IOException) {
        throw (IOException) c;
      }
      throw new IOException(c.getMessage(), c);
    }
  }

  private JsonNode json(String path) throws IOException {
    byte[] body = get(path, MAX_JSON_BYTES);
    JsonNode n = JSON.readTree(body);
    if (n == null || !n.isObject()) {
      throw new IOException(path + ": response is not a JSON object");
    }
    return n;
  }

  byte[] get(String path, int maxBytes) throws IOException {
    try {
      return getAsync(path, maxBytes).join();
    } catch (CompletionException e) {
      Throwable c = e.getCause();
      if (c instanceof IOException) {
        throw (IOException) c;
      }
      throw new IOException(c.getMessage(), c);
    }
  }

  private CompletableFuture<byte[]> getAsync(String path, int maxBytes) {
    return attempt(path, maxBytes, 0);
  }

  private CompletableFuture<byte[]> attempt(String path, int maxBytes, int tries) {
    // The JSON API from the log; the checkpoint and tiles from the tiles endpoint.
    URI uri = (path.startsWith("v1/") ? base : tiles).resolve(path);
    HttpRequest req = HttpRequest.newBuilder(uri).timeout(timeout).GET().build();
    return http.sendAsync(req, HttpResponse.BodyHandlers.ofInputStream())
        .thenCompose(
            resp -> {
              try {
                byte[] body = read(uri, resp, maxBytes);
                if (resp.statusCode() == 503 && tries < MAX_RETRIES) {
                  long wait =
                      Math.min(10, resp.headers().firstValueAsLong("retry-after").orElse(1));
                  return CompletableFuture.supplyAsync(
                          () -> null,
                          CompletableFuture.delayedExecutor(
                              wait, java.util.concurrent.TimeUnit.SECONDS))
                      .thenCompose(x -> attempt(path, maxBytes, tries + 1));
                }
                if (resp.statusCode() != 200) {
                  throw new IOException(
                      uri
                          + ": HTTP status "
                          + resp.statusCode()
                          + ": "
                          + new String(
                              body,
                              0,
                              Math.min(body.length, 300),
                              java.nio.charset.StandardCharsets.UTF_8));
                }
                return CompletableFuture.completedFuture(body);
              } catch (IOException e) {
                return CompletableFuture.failedFuture(e);
              }
            });
  }

  private static byte[] read(URI uri, HttpResponse<InputStream> resp, int maxBytes)
      throws IOException {
    try (InputStream in = resp.body()) {
      long declared = resp.headers().firstValueAsLong("content-length").orElse(-1);
      if (declared > maxBytes) {
        throw new IOException(
            uri + ": response of " + declared + " bytes exceeds the limit of " + maxBytes);
      }
      byte[] body = in.readNBytes(maxBytes + 1);
      if (body.length > maxBytes) {
        throw new IOException(uri + ": response exceeds the limit of " + maxBytes + " bytes");
      }
      return body;
    }
  }
}
