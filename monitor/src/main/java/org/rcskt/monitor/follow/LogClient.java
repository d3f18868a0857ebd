package org.rcskt.monitor.follow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.event.KeyAlgorithm;
import org.rcskt.verifier.event.PublicKeyInfo;
import org.rcskt.verifier.tile.TilePath;

/**
 * The log's HTTP read API as the monitor uses it: C2SP tlog-tiles ({@code /checkpoint}, {@code
 * /tile/...}) and the JSON proof endpoints. It returns what the log served, parsed but unverified:
 * verification is the caller's job. Every body is size-bounded. Thread-safe.
 */
public final class LogClient {
  /** A signed checkpoint is a few hundred bytes; 64 KiB leaves room for many cosignatures. */
  public static final int MAX_CHECKPOINT_BYTES = 64 * 1024;

  /** A full entry bundle of 256 maximal entries, each with its two-byte length. */
  public static final int MAX_BUNDLE_BYTES = TilePath.FULL_WIDTH * (2 + 0xffff);

  /** Proof answers hold at most 2 * 64 hashes; 64 KiB is ample. */
  public static final int MAX_JSON_BYTES = 64 * 1024;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpFetcher http;

  public LogClient(URI base, Duration timeout) {
    this.http = new HttpFetcher(base, timeout);
  }

  /** The log's base URL. */
  public URI base() {
    return http.base();
  }

  /** {@code GET /checkpoint}: the raw signed note. */
  public byte[] checkpoint() throws LogHttpException {
    return http.get("checkpoint", MAX_CHECKPOINT_BYTES);
  }

  /** {@code GET /tile/entries/<N>[.p/<W>]}: the raw entry bundle. */
  public byte[] entryBundle(long index, int width) throws LogHttpException {
    return http.get(TilePath.entryBundle(index, width).toString(), MAX_BUNDLE_BYTES);
  }

  /**
   * {@code GET /v1/proof/consistency?from=A&to=B}: the proof hashes.
   *
   * @throws LogHttpException if the request fails or the answer is not a list of 32-byte hashes
   */
  public List<Hash> consistencyProof(long from, long to) throws LogHttpException {
    JsonNode n = json("v1/proof/consistency?from=" + from + "&to=" + to);
    return hashes(n.get("consistencyProof"), "consistencyProof");
  }

  /**
   * {@code GET /v1/proof/inclusion?index=I&size=S}: the proof hashes.
   *
   * @throws LogHttpException if the request fails or the answer is malformed
   */
  public List<Hash> inclusionProof(long index, long size) throws LogHttpException {
    JsonNode n = json("v1/proof/inclusion?index=" + index + "&size=" + size);
    return hashes(n.get("inclusionProof"), "inclusionProof");
  }

  /**
   * A leaf hash and its inclusion proof as the log served them, unverified.
   *
   * @param leafHash the RFC 9162 leaf hash the log reports for the leaf
   * @param proof the inclusion proof hashes, lowest level first
   */
  public record Inclusion(Hash leafHash, List<Hash> proof) {}

  /**
   * {@code GET /v1/proof/inclusion?index=I&size=S}: the leaf hash the log reports for leaf I and
   * the proof hashes.
   *
   * @throws LogHttpException if the request fails or the answer is malformed
   */
  public Inclusion inclusion(long index, long size) throws LogHttpException {
    JsonNode n = json("v1/proof/inclusion?index=" + index + "&size=" + size);
    JsonNode h = n.get("leafHash");
    if (h == null || !h.isTextual()) {
      throw new LogHttpException(base() + " answered without a \"leafHash\" string", 0);
    }
    Hash leaf;
    try {
      leaf = Hash.fromBase64(h.asText());
    } catch (IllegalArgumentException e) {
      throw new LogHttpException(
          base() + " answered a bad hash in \"leafHash\": " + e.getMessage(), e);
    }
    return new Inclusion(leaf, hashes(n.get("inclusionProof"), "inclusionProof"));
  }

  /**
   * What {@code GET /v1/info} says about the log's policy.
   *
   * @param origin the origin it reports
   * @param policyKey the key that signs ANCHOR events
   * @param allowUnattested whether it accepts REGISTER events without carrier attestation
   */
  public record Info(String origin, PublicKeyInfo policyKey, boolean allowUnattested) {}

  /** {@code GET /v1/info}. */
  public Info info() throws LogHttpException {
    JsonNode n = json("v1/info");
    try {
      JsonNode k = n.get("policyKey");
      KeyAlgorithm alg = KeyAlgorithm.valueOf(k.get("algorithm").asText());
      PublicKeyInfo key =
          PublicKeyInfo.of(
              alg, Base64.getDecoder().decode(k.get("key").asText()), k.get("notAfterMs").asLong());
      return new Info(n.get("origin").asText(), key, n.path("allowUnattested").asBoolean(false));
    } catch (RuntimeException e) {
      throw new LogHttpException(
          base() + "v1/info answered a malformed policy key: " + e.getMessage(), e);
    }
  }

  private JsonNode json(String path) throws LogHttpException {
    byte[] body = http.get(path, MAX_JSON_BYTES);
    try {
      JsonNode n = JSON.readTree(body);
      if (n == null || !n.isObject()) {
        throw new LogHttpException(base() + path + " answered something other than an object", 0);
      }
      return n;
    } catch (IOException e) {
      throw new LogHttpException(base() + path + " answered malformed JSON: " + e.getMessage(), e);
    }
  }

  private List<Hash> hashes(JsonNode a, String field) throws LogHttpException {
    if (a == null || !a.isArray() || a.size() > 128) {
      throw new LogHttpException(
          base() + " answered without a list of at most 128 hashes in \"" + field + "\"", 0);
    }
    List<Hash> out = new ArrayList<>(a.size());
    for (JsonNode h : a) {
      try {
        out.add(Hash.fromBase64(h.asText()));
      } catch (IllegalArgumentException e) {
        throw new LogHttpException(
            base() + " answered a bad hash in \"" + field + "\": " + e.getMessage(), e);
      }
    }
    return out;
  }
}
