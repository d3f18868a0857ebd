package org.rcskt.monitor.follow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
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

  /**
   * A lookup answer carries up to 100 events of the subject (each at most 16 KiB encoded, a third
   * more in base64) besides the index and proof.
   */
  public static final int MAX_LOOKUP_BYTES = 4 << 20;

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
   * The map root leaf of a lookup answer as served, unverified (docs/api.md, {@code GET
   * /v1/subjects}).
   *
   * @param leafIndex the leaf index stated
   * @param entry the entry bytes
   * @param inclusionProof the inclusion proof hashes, lowest level first
   */
  public record MapRootLeaf(long leafIndex, byte[] entry, List<Hash> inclusionProof) {
    public MapRootLeaf {
      entry = entry.clone();
      inclusionProof = List.copyOf(inclusionProof);
    }

    @Override
    public byte[] entry() {
      return entry.clone();
    }
  }

  /**
   * What the log answered to a phone number lookup, unverified.
   *
   * @param index the index the log states, as it wrote it
   * @param vrfProof the VRF proof, as served (any length)
   * @param checkpoint the signed checkpoint note the answer is against; null if none was given
   * @param mapRoot the map root leaf of that checkpoint; null if none was given (the empty tree)
   * @param completeness the encoded map proof of the index against that map root; null if none
   */
  public record Lookup(
      String index, byte[] vrfProof, byte[] checkpoint, MapRootLeaf mapRoot, byte[] completeness) {
    public Lookup {
      vrfProof = vrfProof.clone();
      checkpoint = checkpoint == null ? null : checkpoint.clone();
      completeness = completeness == null ? null : completeness.clone();
    }

    /** An answer with only the index and its proof (tests of the VRF check). */
    public Lookup(String index, byte[] vrfProof) {
      this(index, vrfProof, null, null, null);
    }

    @Override
    public byte[] vrfProof() {
      return vrfProof.clone();
    }

    @Override
    public byte[] checkpoint() {
      return checkpoint == null ? null : checkpoint.clone();
    }

    @Override
    public byte[] completeness() {
      return completeness == null ? null : completeness.clone();
    }
  }

  /**
   * {@code GET /v1/keys/<E.164>}: the index and VRF proof the log gives for {@code e164}, with the
   * checkpoint, map root leaf and completeness proof of the answer. The number is the one thing
   * sent; no error message this method throws contains it (they end up in logs and in the health
   * endpoint).
   *
   * @throws LogHttpException if the request fails or the answer is malformed or about another
   *     number
   */
  public Lookup lookup(String e164) throws LogHttpException {
    String path = "v1/keys/" + e164;
    try {
      JsonNode n = json(path, MAX_LOOKUP_BYTES);
      JsonNode number = n.get("number");
      if (number == null || !number.isTextual() || !number.asText().equals(e164)) {
        throw new LogHttpException(
            base() + path + " answered about another number or without a \"number\" string", 0);
      }
      JsonNode index = n.get("index");
      JsonNode proof = n.get("vrfProof");
      if (index == null || !index.isTextual() || proof == null || !proof.isTextual()) {
        throw new LogHttpException(
            base() + path + " answered without \"index\" and \"vrfProof\" strings", 0);
      }
      byte[] raw = base64(path, proof, "vrfProof");
      JsonNode cp = n.get("checkpoint");
      if (cp == null || !cp.isTextual()) {
        throw new LogHttpException(base() + path + " answered without a \"checkpoint\" string", 0);
      }
      MapRootLeaf mapRoot = null;
      JsonNode m = n.get("mapRoot");
      if (m != null && !m.isNull()) {
        JsonNode li = m.get("leafIndex");
        JsonNode entry = m.get("entry");
        if (!m.isObject()
            || li == null
            || !li.canConvertToExactIntegral()
            || entry == null
            || !entry.isTextual()) {
          throw new LogHttpException(
              base()
                  + path
                  + " answered a \"mapRoot\" without a \"leafIndex\" number and an \"entry\""
                  + " string",
              0);
        }
        mapRoot =
            new MapRootLeaf(
                li.asLong(),
                base64(path, entry, "mapRoot.entry"),
                hashes(m.get("inclusionProof"), "mapRoot.inclusionProof"));
      }
      JsonNode c = n.get("completeness");
      if (c == null || !c.isTextual()) {
        throw new LogHttpException(
            base() + path + " answered without a \"completeness\" string", 0);
      }
      return new Lookup(
          index.asText(),
          raw,
          cp.asText().getBytes(StandardCharsets.UTF_8),
          mapRoot,
          base64(path, c, "completeness"));
    } catch (LogHttpException e) {
      throw scrubbed(e, e164);
    }
  }

  private byte[] base64(String path, JsonNode v, String field) throws LogHttpException {
    try {
      return Base64.getDecoder().decode(v.asText());
    } catch (IllegalArgumentException e) {
      throw new LogHttpException(
          base() + path + " answered a \"" + field + "\" that is not base64", 0);
    }
  }

  /** {@code e}, with every spelling of {@code e164} in its message replaced. */
  private static LogHttpException scrubbed(LogHttpException e, String e164) {
    String digits = e164.substring(1);
    String msg = String.valueOf(e.getMessage()).replace(digits, "<number>").replace("+<", "<");
    return new LogHttpException(msg, e.status());
  }

  /**
   * What {@code GET /v1/info} says about the log's policy.
   *
   * @param origin the origin it reports
   * @param policyKey the key that signs ANCHOR events
   * @param allowUnattested whether it accepts REGISTER events without carrier attestation
   * @param vrfKey the public key string of its VRF, if it states one
   */
  public record Info(
      String origin,
      PublicKeyInfo policyKey,
      boolean allowUnattested,
      Optional<String> vrfKey,
      org.rcskt.verifier.event.AlgorithmPolicy algorithms,
      com.fasterxml.jackson.databind.JsonNode deviceAttestation) {

    /**
     * The device attestation policy the log publishes, or null when it publishes none (a log from
     * before device attestation, whose evidence is then left unchecked).
     *
     * @throws IllegalArgumentException naming the field, if the published policy is malformed
     */
    public org.rcskt.verifier.attestation.DeviceAttestationPolicy deviceAttestationPolicy() {
      return deviceAttestation == null
          ? null
          : org.rcskt.verifier.attestation.DeviceAttestationPolicyJson.fromJson(
              deviceAttestation, "rules.deviceAttestation");
    }
  }

  /** {@code GET /v1/info}. */
  public Info info() throws LogHttpException {
    JsonNode n = json("v1/info");
    try {
      JsonNode k = n.get("policyKey");
      KeyAlgorithm alg = KeyAlgorithm.valueOf(k.get("algorithm").asText());
      PublicKeyInfo key =
          PublicKeyInfo.of(
              alg, Base64.getDecoder().decode(k.get("key").asText()), k.get("notAfterMs").asLong());
      JsonNode vrf = n.path("vrf").path("publicKey");
      JsonNode pq = n.path("rules").get("postQuantum");
      // A log from before post-quantum keys publishes no policy: it had none.
      org.rcskt.verifier.event.AlgorithmPolicy algorithms =
          pq == null
              ? org.rcskt.verifier.event.AlgorithmPolicy.DEFAULT
              : org.rcskt.verifier.event.AlgorithmPolicyJson.fromJson(pq, "rules.postQuantum");
      return new Info(
          n.get("origin").asText(),
          key,
          n.path("allowUnattested").asBoolean(false),
          vrf.isTextual() ? Optional.of(vrf.asText()) : Optional.empty(),
          algorithms,
          n.path("rules").get("deviceAttestation"));
    } catch (org.rcskt.verifier.event.EventFormatException e) {
      throw new LogHttpException(
          base() + "v1/info answered a malformed algorithm policy: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      throw new LogHttpException(
          base() + "v1/info answered a malformed policy key: " + e.getMessage(), e);
    }
  }

  private JsonNode json(String path) throws LogHttpException {
    return json(path, MAX_JSON_BYTES);
  }

  private JsonNode json(String path, int maxBytes) throws LogHttpException {
    byte[] body = http.get(path, maxBytes);
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
