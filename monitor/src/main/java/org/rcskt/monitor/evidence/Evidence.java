package org.rcskt.monitor.evidence;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.rcskt.monitor.alert.AlertKind;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.merkle.CompactRange;

/**
 * One evidence bundle: a JSON object naming the misbehaviour, the log (origin and verifier key) and
 * everything needed to recheck it (docs/monitor.md, "Evidence"). Its id is the SHA-256 of its
 * canonical JSON without the detection time, so detecting the same thing twice yields the same id.
 */
public final class Evidence {
  /** The value of the {@code format} field. */
  public static final String FORMAT = "rcskt-monitor-evidence/v1";

  static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectMapper PRETTY =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final AlertKind kind;
  private final ObjectNode body;
  private final String id;

  private Evidence(AlertKind kind, ObjectNode body) {
    this.kind = kind;
    this.body = body;
    try {
      this.id = Hash.sha256(JSON.writeValueAsBytes(body)).toHex();
    } catch (Exception e) {
      throw new IllegalStateException("a JSON tree always serializes", e);
    }
  }

  /** Starts a bundle about log {@code origin}, whose checkpoint key is {@code verifierKey}. */
  public static Builder builder(AlertKind kind, String origin, String verifierKey, String summary) {
    if (!kind.isMisbehaviour()) {
      throw new IllegalArgumentException(kind + " is not misbehaviour");
    }
    return new Builder(kind, origin, verifierKey, summary);
  }

  public AlertKind kind() {
    return kind;
  }

  /** The id: 64 hex digits. */
  public String id() {
    return id;
  }

  /** The one-sentence summary. */
  public String summary() {
    return body.get("summary").asText();
  }

  /** The bundle as written to disk: the body plus {@code id} and {@code detectedAt}. */
  public byte[] toJson(long detectedAtMs) {
    ObjectNode out = body.deepCopy();
    out.put("id", id);
    out.put("detectedAt", Instant.ofEpochMilli(detectedAtMs).toString());
    try {
      return PRETTY.writeValueAsString(out).concat("\n").getBytes(StandardCharsets.UTF_8);
    } catch (Exception e) {
      throw new IllegalStateException("a JSON tree always serializes", e);
    }
  }

  static String b64(byte[] b) {
    return Base64.getEncoder().encodeToString(b);
  }

  /** Assembles a bundle; fields are written in the order they are added. */
  public static final class Builder {
    private final AlertKind kind;
    private final ObjectNode n = JSON.createObjectNode();

    private Builder(AlertKind kind, String origin, String verifierKey, String summary) {
      this.kind = kind;
      n.put("format", FORMAT);
      n.put("kind", kind.wireName());
      n.put("origin", origin);
      n.put("verifierKey", verifierKey);
      n.put("summary", summary);
    }

    /** The raw signed checkpoints involved, as served, in the order the kind's rules give. */
    public Builder checkpoints(byte[]... raw) {
      ArrayNode a = n.putArray("checkpoints");
      for (byte[] r : raw) {
        a.add(new String(r, StandardCharsets.UTF_8));
      }
      return this;
    }

    /** A consistency proof as the log served it, under {@code field}. */
    public Builder proof(String field, long from, long to, List<Hash> proof) {
      ObjectNode p = n.putObject(field);
      p.put("from", from);
      p.put("to", to);
      ArrayNode a = p.putArray("proof");
      proof.forEach(h -> a.add(h.toBase64()));
      return this;
    }

    /** A verified right edge of the tree: the peaks, lowest level first. */
    public Builder range(CompactRange range) {
      ObjectNode r = n.putObject("range");
      r.put("treeSize", range.treeSize());
      ArrayNode a = r.putArray("peaks");
      for (int level = 0; level < 63; level++) {
        if (range.peak(level) != null) {
          a.add(range.peak(level).toBase64());
        }
      }
      return this;
    }

    /** Entries {@code start ..} as served. */
    public Builder entries(long start, List<byte[]> entries) {
      ObjectNode e = n.putObject("entries");
      e.put("start", start);
      ArrayNode a = e.putArray("data");
      entries.forEach(x -> a.add(b64(x)));
      return this;
    }

    /**
     * An entry bundle as served now, with the subtree root the monitor recorded for it and the path
     * from that root to the checkpoint's root in the tree of {@code blockCount} bundles.
     */
    public Builder bundle(
        long index, int width, byte[] served, Hash recordedRoot, long blockCount, List<Hash> path) {
      ObjectNode b = n.putObject("bundle");
      b.put("index", index);
      b.put("width", width);
      b.put("served", b64(served));
      b.put("recordedRoot", recordedRoot.toBase64());
      b.put("blockCount", blockCount);
      ArrayNode a = b.putArray("path");
      path.forEach(h -> a.add(h.toBase64()));
      return this;
    }

    /** An event entry with its inclusion proof against the first checkpoint. */
    public Builder event(long leafIndex, byte[] entry, List<Hash> inclusionProof) {
      ArrayNode events = n.has("events") ? (ArrayNode) n.get("events") : n.putArray("events");
      ObjectNode e = events.addObject();
      e.put("leafIndex", leafIndex);
      e.put("entry", b64(entry));
      ArrayNode a = e.putArray("inclusionProof");
      inclusionProof.forEach(h -> a.add(h.toBase64()));
      return this;
    }

    /**
     * The leaf hash of leaf {@code leafIndex} and its inclusion proof in the tree of {@code
     * treeSize}, as the log served them. With {@code leafIndex + 1} a power of two, the leaf and
     * the lowest hashes of the proof rebuild the larger tree's root over its first {@code leafIndex
     * + 1} leaves, which RFC 9162's consistency proof from that size leaves out.
     */
    public Builder prefixPath(long leafIndex, long treeSize, Hash leafHash, List<Hash> proof) {
      ObjectNode p = n.putObject("prefixPath");
      p.put("leafIndex", leafIndex);
      p.put("treeSize", treeSize);
      p.put("leafHash", leafHash.toBase64());
      ArrayNode a = p.putArray("inclusionProof");
      proof.forEach(h -> a.add(h.toBase64()));
      return this;
    }

    /** The map proof of each subject against the map root the bundle names as its base. */
    public Builder mapProofs(java.util.Map<Hash, org.rcskt.verifier.map.MapProof> proofs) {
      ArrayNode a = n.putArray("mapProofs");
      proofs.forEach(
          (index, proof) -> {
            ObjectNode p = a.addObject();
            p.put("index", index.toHex());
            p.put("proof", b64(proof.encoded()));
          });
      return this;
    }

    /** A named value. */
    public Builder put(String field, String value) {
      n.put(field, value);
      return this;
    }

    /** A named number. */
    public Builder put(String field, long value) {
      n.put(field, value);
      return this;
    }

    /** A named flag. */
    public Builder put(String field, boolean value) {
      n.put(field, value);
      return this;
    }

    public Evidence build() {
      return new Evidence(kind, n);
    }
  }
}
