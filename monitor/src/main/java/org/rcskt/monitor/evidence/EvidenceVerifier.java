package org.rcskt.monitor.evidence;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.rcskt.monitor.alert.AlertKind;
import org.rcskt.monitor.map.FollowedMap;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.VerificationException;
import org.rcskt.verifier.checkpoint.Checkpoint;
import org.rcskt.verifier.checkpoint.SignedCheckpoint;
import org.rcskt.verifier.event.AnchorRegistry;
import org.rcskt.verifier.event.Applied;
import org.rcskt.verifier.event.EventCodec;
import org.rcskt.verifier.event.EventFormatException;
import org.rcskt.verifier.event.EventRules;
import org.rcskt.verifier.event.EventType;
import org.rcskt.verifier.event.KeyAlgorithm;
import org.rcskt.verifier.event.KeyEvent;
import org.rcskt.verifier.event.PublicKeyInfo;
import org.rcskt.verifier.event.RuleViolationException;
import org.rcskt.verifier.event.RulesContext;
import org.rcskt.verifier.event.SubjectState;
import org.rcskt.verifier.map.MapHashes;
import org.rcskt.verifier.map.MapProof;
import org.rcskt.verifier.map.MapProofException;
import org.rcskt.verifier.map.MapRootEntry;
import org.rcskt.verifier.map.MapRootFormatException;
import org.rcskt.verifier.map.ProvenMapNodeStore;
import org.rcskt.verifier.map.SubjectMap;
import org.rcskt.verifier.merkle.CompactRange;
import org.rcskt.verifier.merkle.ConsistencyProof;
import org.rcskt.verifier.merkle.ConsistencyProofException;
import org.rcskt.verifier.merkle.InclusionProof;
import org.rcskt.verifier.merkle.InclusionProofException;
import org.rcskt.verifier.merkle.Merkle;
import org.rcskt.verifier.note.Ed25519NoteVerifier;
import org.rcskt.verifier.tile.EntryBundle;
import org.rcskt.verifier.tile.TilePath;

/**
 * Rechecks an evidence bundle offline, trusting nothing in it but the verifier key (which the
 * person rechecking should compare with the log's published key). Each kind has its own rule; see
 * docs/monitor.md, "Evidence".
 *
 * <p>The verdict says whether the bundle shows what it claims, and how strongly: {@link
 * Strength#PROVEN} when signatures of the log alone contradict each other (two signed trees that
 * cannot both be true), {@link Strength#SERVED} when the log's signed checkpoint contradicts data
 * it served unsigned (entries, proofs), which shows the data is wrong but rests on the monitor's
 * record that the log served it.
 */
public final class EvidenceVerifier {
  private EvidenceVerifier() {}

  /** How strongly a confirmed bundle shows misbehaviour. */
  public enum Strength {
    /** The log's own signatures contradict each other. */
    PROVEN,
    /** A signed checkpoint contradicts data the log served without a signature. */
    SERVED
  }

  /**
   * The result of a recheck.
   *
   * @param confirmed whether the bundle shows what its kind claims
   * @param strength how strongly, when confirmed
   * @param message what was found
   */
  public record Verdict(boolean confirmed, Strength strength, String message) {
    static Verdict proven(String m) {
      return new Verdict(true, Strength.PROVEN, m);
    }

    static Verdict served(String m) {
      return new Verdict(true, Strength.SERVED, m);
    }

    static Verdict refuted(String m) {
      return new Verdict(false, null, m);
    }
  }

  /** The bundle does not have the structure its kind needs. */
  public static final class MalformedEvidenceException extends IOException {
    private static final long serialVersionUID = 1L;

    public MalformedEvidenceException(String message) {
      super(message);
    }
  }

  /**
   * Rechecks the bundle in {@code json}.
   *
   * @throws MalformedEvidenceException if it is not a well-formed bundle
   */
  public static Verdict verify(byte[] json) throws IOException {
    JsonNode n = Evidence.JSON.readTree(json);
    if (n == null || !n.isObject() || !Evidence.FORMAT.equals(n.path("format").asText())) {
      throw new MalformedEvidenceException(
          "not an evidence bundle: \"format\" is not \"" + Evidence.FORMAT + "\"");
    }
    AlertKind kind;
    try {
      kind = AlertKind.fromWireName(text(n, "kind"));
    } catch (IllegalArgumentException e) {
      throw new MalformedEvidenceException(e.getMessage());
    }
    String origin = text(n, "origin");
    Ed25519NoteVerifier key;
    try {
      key = Ed25519NoteVerifier.fromVerifierKey(text(n, "verifierKey"));
    } catch (VerificationException e) {
      throw new MalformedEvidenceException("verifierKey: " + e.getMessage());
    }
    List<byte[]> raw = new ArrayList<>();
    for (JsonNode c : n.path("checkpoints")) {
      raw.add(c.asText().getBytes(StandardCharsets.UTF_8));
    }
    if (raw.isEmpty()) {
      throw new MalformedEvidenceException("checkpoints: at least one is needed");
    }
    try {
      switch (kind) {
        case BAD_SIGNATURE:
          return badSignature(raw.get(0), origin, key);
        case ROLLBACK:
        case INCONSISTENT_CHECKPOINT:
        case SPLIT_VIEW:
          return twoCheckpoints(kind, n, raw, origin, key);
        case ROOT_MISMATCH:
          return rootMismatch(n, signed(raw.get(0), origin, key, "checkpoints[0]"));
        case ENTRY_REWRITTEN:
          return entryRewritten(n, signed(raw.get(0), origin, key, "checkpoints[0]"));
        case RULE_VIOLATION:
          return ruleViolation(n, signed(raw.get(0), origin, key, "checkpoints[0]"));
        case MAP_ROOT_MISMATCH:
          return mapRootMismatch(n, signed(raw.get(0), origin, key, "checkpoints[0]"));
        case MISSING_MAP_ROOT:
          return missingMapRoot(n, signed(raw.get(0), origin, key, "checkpoints[0]"));
        default:
          throw new MalformedEvidenceException("kind " + kind.wireName() + " has no evidence");
      }
    } catch (RefutedException e) {
      return Verdict.refuted(e.getMessage());
    }
  }

  /** Thrown inside the checks when the bundle does not show what it claims. */
  private static final class RefutedException extends Exception {
    private static final long serialVersionUID = 1L;

    RefutedException(String m) {
      super(m);
    }
  }

  private static Checkpoint signed(byte[] raw, String origin, Ed25519NoteVerifier key, String what)
      throws RefutedException {
    try {
      return SignedCheckpoint.verify(raw, origin, key).checkpoint();
    } catch (VerificationException e) {
      throw new RefutedException(
          what + " is not a checkpoint signed by the log: " + e.getMessage());
    }
  }

  private static Verdict badSignature(byte[] raw, String origin, Ed25519NoteVerifier key) {
    try {
      SignedCheckpoint.verify(raw, origin, key);
      return Verdict.refuted("the checkpoint carries a valid signature of the log key");
    } catch (VerificationException e) {
      return Verdict.served(
          "the checkpoint served as the log's does not verify: " + e.getMessage());
    }
  }

  private static Verdict twoCheckpoints(
      AlertKind kind, JsonNode n, List<byte[]> raw, String origin, Ed25519NoteVerifier key)
      throws RefutedException, MalformedEvidenceException {
    if (raw.size() != 2) {
      throw new MalformedEvidenceException(
          "checkpoints: " + kind.wireName() + " needs exactly 2, got " + raw.size());
    }
    Checkpoint a = signed(raw.get(0), origin, key, "checkpoints[0]");
    Checkpoint b = signed(raw.get(1), origin, key, "checkpoints[1]");
    if (a.treeSize() == b.treeSize()) {
      if (a.rootHash().equals(b.rootHash())) {
        throw new RefutedException(
            "both checkpoints sign the same tree of size " + a.treeSize() + "; they agree");
      }
      return Verdict.proven(
          "the log signed two different trees of size "
              + a.treeSize()
              + ": root "
              + a.rootHash()
              + " and root "
              + b.rootHash());
    }
    Checkpoint small = a.treeSize() < b.treeSize() ? a : b;
    Checkpoint large = small == a ? b : a;
    String rollback =
        kind == AlertKind.ROLLBACK && a.treeSize() > b.treeSize()
            ? "the log served tree size "
                + b.treeSize()
                + " after serving the larger "
                + a.treeSize()
                + "; "
            : "";
    if (kind == AlertKind.ROLLBACK && a.treeSize() < b.treeSize()) {
      throw new RefutedException(
          "the second checkpoint (size " + b.treeSize() + ") is not smaller than the first");
    }
    JsonNode p = n.get("consistency");
    if (p == null) {
      if (kind == AlertKind.ROLLBACK) {
        return Verdict.served(rollback + "no consistency proof was recorded");
      }
      throw new MalformedEvidenceException("consistency: a proof is needed for different sizes");
    }
    long from = p.path("from").asLong(-1);
    long to = p.path("to").asLong(-1);
    if (from != small.treeSize() || to != large.treeSize()) {
      throw new MalformedEvidenceException(
          "consistency: proof is from "
              + from
              + " to "
              + to
              + ", the checkpoints have sizes "
              + small.treeSize()
              + " and "
              + large.treeSize());
    }
    List<Hash> proof = hashes(p.get("proof"), "consistency.proof");
    PrefixPath prefixPath = prefixPath(n.get("prefixPath"), small.treeSize(), large.treeSize());
    try {
      ConsistencyProof.verify(
          small.treeSize(), large.treeSize(), small.rootHash(), large.rootHash(), proof);
    } catch (ConsistencyProofException e) {
      boolean newRootHolds =
          e.computedRoot2().isPresent() && e.computedRoot2().get().equals(large.rootHash());
      if (newRootHolds && e.computedRoot1().isPresent()) {
        return Verdict.proven(
            rollback
                + "the log's proof authenticates root "
                + e.computedRoot1().get()
                + " for size "
                + small.treeSize()
                + " inside its signed tree of size "
                + large.treeSize()
                + ", but it also signed root "
                + small.rootHash()
                + " for size "
                + small.treeSize());
      }
      String note = "";
      if (prefixPath != null) {
        long m = small.treeSize();
        try {
          Hash prefixRoot = prefixPath.prefixRoot(m, large);
          if (!prefixRoot.equals(small.rootHash())) {
            return Verdict.proven(
                rollback
                    + "the log's signed tree of size "
                    + large.treeSize()
                    + " commits to root "
                    + prefixRoot
                    + " for its first "
                    + m
                    + " leaves (leaf "
                    + (m - 1)
                    + " and its inclusion path, which the signed root authenticates), but the log"
                    + " also signed root "
                    + small.rootHash()
                    + " for size "
                    + m);
          }
          note =
              "; the inclusion path of leaf "
                  + (m - 1)
                  + " places the signed root of size "
                  + m
                  + " inside the signed tree of size "
                  + large.treeSize();
        } catch (InclusionProofException ex) {
          note = "; the recorded prefix path does not verify either: " + ex.getMessage();
        }
      }
      return Verdict.served(
          rollback
              + "the log's consistency proof from "
              + small.treeSize()
              + " to "
              + large.treeSize()
              + " does not verify ("
              + e.getMessage()
              + "); a consistent log can always produce one"
              + note);
    }
    if (kind == AlertKind.ROLLBACK) {
      return Verdict.served(rollback + "the smaller tree is a prefix of the larger (a stale view)");
    }
    throw new RefutedException(
        "the consistency proof verifies: the checkpoints of sizes "
            + small.treeSize()
            + " and "
            + large.treeSize()
            + " are consistent");
  }

  /** The {@code prefixPath} field: leaf {@code m - 1} of the larger tree and its inclusion path. */
  private record PrefixPath(Hash leafHash, List<Hash> path) {
    /**
     * The larger tree's root over its first {@code m} leaves, once the whole path is shown to lead
     * to the larger tree's signed root. With m a power of two, leaf m - 1 is the rightmost leaf of
     * that subtree, so the lowest log2(m) hashes of its path are the subtree's own inclusion path.
     */
    Hash prefixRoot(long m, Checkpoint large) throws InclusionProofException {
      InclusionProof.verify(m - 1, large.treeSize(), leafHash, path, large.rootHash());
      int levels = Long.numberOfTrailingZeros(m);
      return InclusionProof.rootFromInclusionProof(m - 1, m, leafHash, path.subList(0, levels));
    }
  }

  /**
   * Reads {@code prefixPath} for checkpoints of sizes {@code m < n}; null when absent.
   *
   * @throws MalformedEvidenceException if present but not the path of leaf m - 1 in the tree of n
   *     leaves with m a power of two
   */
  private static PrefixPath prefixPath(JsonNode p, long m, long n)
      throws MalformedEvidenceException {
    if (p == null) {
      return null;
    }
    if (!p.isObject()) {
      throw new MalformedEvidenceException("prefixPath: must be an object");
    }
    if (m < 1 || (m & (m - 1)) != 0) {
      throw new MalformedEvidenceException(
          "prefixPath: only a fork from a power-of-two size needs one, the smaller size is " + m);
    }
    long leaf = number(p, "leafIndex", "prefixPath.leafIndex");
    long size = number(p, "treeSize", "prefixPath.treeSize");
    if (leaf != m - 1 || size != n) {
      throw new MalformedEvidenceException(
          "prefixPath: the path is of leaf "
              + leaf
              + " in tree size "
              + size
              + ", the checkpoints need leaf "
              + (m - 1)
              + " in tree size "
              + n);
    }
    return new PrefixPath(
        hash(p.get("leafHash"), "prefixPath.leafHash"),
        hashes(p.get("inclusionProof"), "prefixPath.inclusionProof"));
  }

  private static Verdict rootMismatch(JsonNode n, Checkpoint c)
      throws RefutedException, MalformedEvidenceException {
    JsonNode r = n.get("range");
    if (r == null) {
      throw new MalformedEvidenceException("range: missing");
    }
    long s = r.path("treeSize").asLong(-1);
    List<Hash> peaks = hashes(r.get("peaks"), "range.peaks");
    if (s < 0 || peaks.size() != Long.bitCount(s) || s > c.treeSize()) {
      throw new MalformedEvidenceException(
          "range: tree size " + s + " does not match " + peaks.size() + " peaks");
    }
    Hash[] byLevel = new Hash[63];
    int p = 0;
    for (int level = 0; level < 63; level++) {
      if (((s >>> level) & 1) != 0) {
        byLevel[level] = peaks.get(p++);
      }
    }
    CompactRange range = CompactRange.fromSource(s, (level, index) -> byLevel[level]);
    long n2 = c.treeSize();
    if (s > 0 && s < n2) {
      JsonNode b = n.get("binding");
      if (b == null) {
        throw new MalformedEvidenceException("binding: a proof binding the range is needed");
      }
      try {
        ConsistencyProof.verify(
            s, n2, range.rootHash(), c.rootHash(), hashes(b.get("proof"), "binding.proof"));
      } catch (ConsistencyProofException e) {
        throw new RefutedException(
            "the range of size " + s + " is not bound to the checkpoint: " + e.getMessage());
      }
    } else if (s == n2 && !range.rootHash().equals(c.rootHash())) {
      return Verdict.served(
          "the verified tree of size "
              + s
              + " has root "
              + range.rootHash()
              + ", not the signed "
              + c.rootHash());
    }
    JsonNode e = n.get("entries");
    if (e == null) {
      throw new MalformedEvidenceException("entries: missing");
    }
    if (e.path("start").asLong(-1) != s) {
      throw new MalformedEvidenceException("entries: must start at the range's size " + s);
    }
    long end = s;
    for (JsonNode x : e.path("data")) {
      range.append(Merkle.leafHash(b64(x, "entries.data")));
      end++;
    }
    if (end > n2) {
      throw new MalformedEvidenceException(
          "entries: end at " + end + ", past the checkpoint's size " + n2);
    }
    if (end == n2) {
      if (range.rootHash().equals(c.rootHash())) {
        throw new RefutedException(
            "entries " + s + " to " + (end - 1) + " give the signed root " + c.rootHash());
      }
      return Verdict.served(
          "entries "
              + s
              + " to "
              + (end - 1)
              + " as served give root "
              + range.rootHash()
              + " for size "
              + n2
              + ", but the log signed "
              + c.rootHash());
    }
    JsonNode q = n.get("consistency");
    if (q == null || q.path("from").asLong(-1) != end || q.path("to").asLong(-1) != n2) {
      throw new MalformedEvidenceException(
          "consistency: a proof from " + end + " to " + n2 + " is needed");
    }
    try {
      ConsistencyProof.verify(
          end, n2, range.rootHash(), c.rootHash(), hashes(q.get("proof"), "consistency.proof"));
    } catch (ConsistencyProofException ex) {
      return Verdict.served(
          "entries "
              + s
              + " to "
              + (end - 1)
              + " as served give root "
              + range.rootHash()
              + " for size "
              + end
              + ", which the log's own proof does not place inside its signed tree of size "
              + n2
              + ": "
              + ex.getMessage());
    }
    throw new RefutedException(
        "the entries as served are a prefix of the signed tree: the proof from "
            + end
            + " verifies");
  }

  private static Verdict entryRewritten(JsonNode n, Checkpoint c)
      throws RefutedException, MalformedEvidenceException {
    JsonNode b = n.get("bundle");
    if (b == null) {
      throw new MalformedEvidenceException("bundle: missing");
    }
    long index = b.path("index").asLong(-1);
    int width = b.path("width").asInt(-1);
    long blocks = b.path("blockCount").asLong(-1);
    long expectBlocks = (c.treeSize() + TilePath.FULL_WIDTH - 1) / TilePath.FULL_WIDTH;
    if (blocks != expectBlocks || index < 0 || index >= blocks) {
      throw new MalformedEvidenceException(
          "bundle: index "
              + index
              + " and block count "
              + blocks
              + " do not fit tree size "
              + c.treeSize());
    }
    long expectWidth =
        index == blocks - 1 && c.treeSize() % TilePath.FULL_WIDTH != 0
            ? c.treeSize() % TilePath.FULL_WIDTH
            : TilePath.FULL_WIDTH;
    if (width != expectWidth) {
      throw new MalformedEvidenceException(
          "bundle: width "
              + width
              + ", bundle "
              + index
              + " of tree size "
              + c.treeSize()
              + " has "
              + expectWidth);
    }
    Hash recorded = hash(b.get("recordedRoot"), "bundle.recordedRoot");
    List<Hash> path = hashes(b.get("path"), "bundle.path");
    try {
      InclusionProof.verify(index, blocks, recorded, path, c.rootHash());
    } catch (VerificationException e) {
      throw new RefutedException(
          "the recorded root of bundle "
              + index
              + " is not part of the signed tree: "
              + e.getMessage());
    }
    List<byte[]> entries;
    try {
      entries =
          EntryBundle.parse(
              TilePath.entryBundle(index, width), b64(b.get("served"), "bundle.served"));
    } catch (VerificationException e) {
      return Verdict.served(
          "the signed tree commits to bundle "
              + index
              + " with root "
              + recorded
              + ", and the log served bytes that are not a bundle of "
              + width
              + " entries: "
              + e.getMessage());
    }
    CompactRange r = CompactRange.empty();
    for (byte[] e : entries) {
      r.append(Merkle.leafHash(e));
    }
    if (r.rootHash().equals(recorded)) {
      throw new RefutedException("the served bundle " + index + " has the recorded root");
    }
    return Verdict.served(
        "the signed tree of size "
            + c.treeSize()
            + " commits to bundle "
            + index
            + " with root "
            + recorded
            + ", but the log served entries with root "
            + r.rootHash());
  }

  private static Verdict ruleViolation(JsonNode n, Checkpoint c)
      throws RefutedException, MalformedEvidenceException {
    long offending = n.path("offending").asLong(-1);
    JsonNode events = n.get("events");
    if (events == null || !events.isArray() || events.size() == 0) {
      throw new MalformedEvidenceException("events: at least the offending event is needed");
    }
    PublicKeyInfo policy = null;
    if (n.has("policyKey")) {
      String pk = text(n, "policyKey");
      if (!pk.startsWith("ed25519:")) {
        throw new MalformedEvidenceException("policyKey: must be ed25519:<base64>");
      }
      policy = PublicKeyInfo.of(KeyAlgorithm.ED25519, b64text(pk.substring(8), "policyKey"), 0);
    }
    RulesContext ctx =
        policy == null
            ? null
            : RulesContext.replay(policy)
                .withAllowUnattestedRegistration(n.path("allowUnattested").asBoolean(false));
    long previous = -1;
    AnchorRegistry anchors = AnchorRegistry.EMPTY;
    SubjectState state = SubjectState.EMPTY;
    int i = 0;
    for (JsonNode e : events) {
      long leaf = e.path("leafIndex").asLong(-1);
      if (leaf <= previous || leaf >= c.treeSize()) {
        throw new MalformedEvidenceException(
            "events[" + i + "].leafIndex: " + leaf + " is out of order or outside the tree");
      }
      previous = leaf;
      byte[] entry = b64(e.get("entry"), "events[" + i + "].entry");
      try {
        InclusionProof.verify(
            leaf,
            c.treeSize(),
            Merkle.leafHash(entry),
            hashes(e.get("inclusionProof"), "events[" + i + "].inclusionProof"),
            c.rootHash());
      } catch (VerificationException ex) {
        throw new RefutedException(
            "event at leaf " + leaf + " is not in the signed tree: " + ex.getMessage());
      }
      boolean last = i == events.size() - 1;
      if (last != (leaf == offending)) {
        throw new MalformedEvidenceException("events: the last event must be the offending one");
      }
      KeyEvent ev;
      try {
        ev = EventCodec.decode(entry);
      } catch (EventFormatException ex) {
        if (last) {
          return Verdict.served(
              "the signed tree of size "
                  + c.treeSize()
                  + " includes at leaf "
                  + leaf
                  + " an entry that is not a key event: "
                  + ex.getMessage());
        }
        throw new RefutedException("history event at leaf " + leaf + " does not decode");
      }
      if (ctx == null) {
        throw new MalformedEvidenceException("policyKey: needed to replay the events");
      }
      try {
        Applied a =
            EventRules.verifyAndApply(
                ev.type() == EventType.ANCHOR ? SubjectState.EMPTY : state, ev, anchors, ctx);
        if (ev.type() == EventType.ANCHOR) {
          anchors = a.anchors();
        } else {
          state = a.state();
        }
        if (last) {
          throw new RefutedException(
              "the event at leaf " + leaf + " follows the rules given the listed history");
        }
      } catch (RuleViolationException ex) {
        if (!last) {
          throw new RefutedException(
              "history event at leaf " + leaf + " itself breaks the rules: " + ex.getMessage());
        }
        return Verdict.served(
            "the signed tree of size "
                + c.treeSize()
                + " includes at leaf "
                + leaf
                + " an event that breaks the rules ("
                + ex.violation()
                + "): "
                + ex.getMessage()
                + " (given the listed history of its subject and the carriers' anchors)");
      }
      i++;
    }
    throw new RefutedException("no offending event");
  }

  /**
   * A signed tree whose last leaf is not a map root: {@code events[0]} is leaf N - 1 of the signed
   * tree of size N, proven by inclusion, and is not a {@code MAP_ROOT} entry.
   */
  private static Verdict missingMapRoot(JsonNode n, Checkpoint c)
      throws RefutedException, MalformedEvidenceException {
    JsonNode events = n.get("events");
    if (events == null || !events.isArray() || events.size() != 1) {
      throw new MalformedEvidenceException("events: exactly the last leaf is needed");
    }
    JsonNode e = events.get(0);
    long size = c.treeSize();
    long leaf = e.path("leafIndex").asLong(-1);
    if (size == 0 || leaf != size - 1) {
      throw new MalformedEvidenceException(
          "events[0].leafIndex: " + leaf + " is not the last leaf of the tree of size " + size);
    }
    byte[] entry = b64(e.get("entry"), "events[0].entry");
    try {
      InclusionProof.verify(
          leaf,
          size,
          Merkle.leafHash(entry),
          hashes(e.get("inclusionProof"), "events[0].inclusionProof"),
          c.rootHash());
    } catch (VerificationException ex) {
      throw new RefutedException(
          "the entry at leaf " + leaf + " is not in the signed tree: " + ex.getMessage());
    }
    if (MapRootEntry.isMapRoot(entry)) {
      throw new RefutedException("the entry at leaf " + leaf + " is a MAP_ROOT entry");
    }
    return Verdict.proven(
        "the signed tree of size "
            + size
            + " ends at leaf "
            + leaf
            + " in an entry that is not a MAP_ROOT: the log did not commit to its subject map");
  }

  /**
   * A map root the entries before it do not give: the range of the tree before the base map root
   * and the entries from it to the mismatching one are bound to the signed tree; the base map root
   * (or the empty map) plus the touched subjects' proofs against it give the map the log should
   * have committed to.
   */
  private static Verdict mapRootMismatch(JsonNode n, Checkpoint c)
      throws RefutedException, MalformedEvidenceException {
    long leaf = number(n, "mapRootLeaf", "mapRootLeaf");
    long baseLeaf = number(n, "baseLeaf", "baseLeaf");
    JsonNode r = n.get("range");
    if (r == null) {
      throw new MalformedEvidenceException("range: missing");
    }
    long s = r.path("treeSize").asLong(-1);
    List<Hash> peaks = hashes(r.get("peaks"), "range.peaks");
    if (s < 0 || peaks.size() != Long.bitCount(s)) {
      throw new MalformedEvidenceException(
          "range: tree size " + s + " does not match " + peaks.size() + " peaks");
    }
    if (s != Math.max(baseLeaf, 0) || baseLeaf < -1 || leaf <= baseLeaf) {
      throw new MalformedEvidenceException(
          "range: must end before the base map root at leaf "
              + baseLeaf
              + " (size "
              + Math.max(baseLeaf, 0)
              + "), which must precede leaf "
              + leaf
              + "; got size "
              + s);
    }
    if (leaf >= c.treeSize()) {
      throw new MalformedEvidenceException(
          "mapRootLeaf: " + leaf + " is outside the signed tree of size " + c.treeSize());
    }
    Hash[] byLevel = new Hash[63];
    int p = 0;
    for (int level = 0; level < 63; level++) {
      if (((s >>> level) & 1) != 0) {
        byLevel[level] = peaks.get(p++);
      }
    }
    CompactRange range = CompactRange.fromSource(s, (level, index) -> byLevel[level]);
    JsonNode e = n.get("entries");
    if (e == null || e.path("start").asLong(-1) != s || !e.path("data").isArray()) {
      throw new MalformedEvidenceException("entries: must start at the range's size " + s);
    }
    if (e.path("data").size() != leaf + 1 - s) {
      throw new MalformedEvidenceException(
          "entries: must hold leaves " + s + " to " + leaf + ", got " + e.path("data").size());
    }
    List<byte[]> entries = new ArrayList<>();
    int i = 0;
    for (JsonNode x : e.path("data")) {
      byte[] entry = b64(x, "entries.data[" + i++ + "]");
      entries.add(entry);
      range.append(Merkle.leafHash(entry));
    }
    long end = leaf + 1;
    if (end == c.treeSize()) {
      if (!range.rootHash().equals(c.rootHash())) {
        throw new RefutedException(
            "the entries give root "
                + range.rootHash()
                + " for size "
                + end
                + ", not the signed "
                + c.rootHash());
      }
    } else {
      JsonNode q = n.get("consistency");
      if (q == null
          || q.path("from").asLong(-1) != end
          || q.path("to").asLong(-1) != c.treeSize()) {
        throw new MalformedEvidenceException(
            "consistency: a proof from " + end + " to " + c.treeSize() + " is needed");
      }
      try {
        ConsistencyProof.verify(
            end,
            c.treeSize(),
            range.rootHash(),
            c.rootHash(),
            hashes(q.get("proof"), "consistency.proof"));
      } catch (ConsistencyProofException ex) {
        throw new RefutedException(
            "the entries up to leaf "
                + leaf
                + " are not bound to the signed tree: "
                + ex.getMessage());
      }
    }
    // The entries are the log's: recompute the map from the base.
    Hash baseRoot = MapHashes.EMPTY;
    long baseCount = 0;
    int first = 0;
    if (baseLeaf >= 0) {
      try {
        MapRootEntry b = MapRootEntry.decode(entries.get(0));
        if (b.treeSize() != baseLeaf + 1) {
          throw new RefutedException(
              "the base entry at leaf " + baseLeaf + " states tree size " + b.treeSize());
        }
        baseRoot = b.mapRoot();
        baseCount = b.subjectCount();
      } catch (MapRootFormatException ex) {
        throw new RefutedException(
            "the base entry at leaf " + baseLeaf + " is not a map root: " + ex.getMessage());
      }
      first = 1;
    }
    Map<Hash, MapProof> proofs = new LinkedHashMap<>();
    JsonNode mp = n.get("mapProofs");
    if (mp == null || !mp.isArray()) {
      throw new MalformedEvidenceException("mapProofs: missing or not a list");
    }
    for (JsonNode x : mp) {
      Hash index;
      try {
        index = Hash.fromHex(text(x, "index"));
      } catch (IllegalArgumentException ex) {
        throw new MalformedEvidenceException("mapProofs.index: " + ex.getMessage());
      }
      try {
        proofs.put(index, MapProof.decode(b64(x.get("proof"), "mapProofs.proof")));
      } catch (MapProofException ex) {
        throw new MalformedEvidenceException("mapProofs: " + ex.getMessage());
      }
    }
    SubjectMap map;
    try {
      map = ProvenMapNodeStore.map(baseRoot, baseCount, proofs);
    } catch (MapProofException | IllegalArgumentException ex) {
      throw new RefutedException(
          "the map proofs do not verify against the base root: " + ex.getMessage());
    }
    SubjectMap.Batch batch = map.batch();
    for (int k = first; k < entries.size() - 1; k++) {
      byte[] x = entries.get(k);
      if (MapRootEntry.isMapRoot(x)) {
        continue;
      }
      KeyEvent ev;
      try {
        ev = EventCodec.decode(x);
      } catch (EventFormatException ex) {
        continue; // Not a key event: not in the map (a rule violation of its own).
      }
      if (!proofs.containsKey(ev.subject())) {
        throw new MalformedEvidenceException(
            "mapProofs: no proof for subject " + ev.subject() + " of leaf " + (s + k));
      }
      batch.put(ev.subject(), ev.sequence() + 1, Merkle.leafHash(x));
    }
    SubjectMap.Update u = batch.finish();
    byte[] last = entries.get(entries.size() - 1);
    if (!MapRootEntry.isMapRoot(last)) {
      throw new MalformedEvidenceException("entries: leaf " + leaf + " is not a MAP_ROOT entry");
    }
    String problem = FollowedMap.compare(leaf, last, u);
    if (problem == null) {
      throw new RefutedException(
          "the entries since leaf "
              + baseLeaf
              + " give the map root the log committed to at leaf "
              + leaf
              + ": "
              + u.root()
              + " of "
              + u.subjectCount()
              + " subjects");
    }
    return Verdict.proven(
        "the signed tree of size "
            + c.treeSize()
            + " holds a wrong map root: "
            + problem
            + " (recomputed from "
            + (baseLeaf < 0 ? "the empty map" : "the map root at leaf " + baseLeaf)
            + " and the "
            + (entries.size() - first - 1)
            + " entries after it)");
  }

  // ---- field readers

  private static String text(JsonNode n, String field) throws MalformedEvidenceException {
    JsonNode v = n.get(field);
    if (v == null || !v.isTextual()) {
      throw new MalformedEvidenceException(field + ": missing or not a string");
    }
    return v.asText();
  }

  private static long number(JsonNode n, String field, String name)
      throws MalformedEvidenceException {
    JsonNode v = n.get(field);
    if (v == null || !v.isIntegralNumber() || !v.canConvertToLong()) {
      throw new MalformedEvidenceException(name + ": missing or not an integer");
    }
    return v.asLong();
  }

  private static byte[] b64(JsonNode v, String field) throws MalformedEvidenceException {
    if (v == null || !v.isTextual()) {
      throw new MalformedEvidenceException(field + ": missing or not a string");
    }
    return b64text(v.asText(), field);
  }

  private static byte[] b64text(String s, String field) throws MalformedEvidenceException {
    try {
      return Base64.getDecoder().decode(s);
    } catch (IllegalArgumentException e) {
      throw new MalformedEvidenceException(field + ": not base64: " + e.getMessage());
    }
  }

  private static Hash hash(JsonNode v, String field) throws MalformedEvidenceException {
    byte[] b = b64(v, field);
    if (b.length != Hash.SIZE) {
      throw new MalformedEvidenceException(field + ": a hash must be 32 bytes, got " + b.length);
    }
    return Hash.of(b);
  }

  private static List<Hash> hashes(JsonNode a, String field) throws MalformedEvidenceException {
    if (a == null || !a.isArray() || a.size() > 128) {
      throw new MalformedEvidenceException(field + ": must be a list of at most 128 hashes");
    }
    List<Hash> out = new ArrayList<>(a.size());
    int i = 0;
    for (JsonNode h : a) {
      out.add(hash(h, field + "[" + i++ + "]"));
    }
    return out;
  }
}
