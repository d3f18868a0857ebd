package org.rcskt.monitor.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.VerificationException;
import org.rcskt.verifier.checkpoint.Checkpoint;
import org.rcskt.verifier.checkpoint.SignedCheckpoint;
import org.rcskt.verifier.event.Device;
import org.rcskt.verifier.event.EventCodec;
import org.rcskt.verifier.event.EventFormatException;
import org.rcskt.verifier.event.EventJson;
import org.rcskt.verifier.event.KeyEvent;
import org.rcskt.verifier.event.RulesContext;
import org.rcskt.verifier.event.SubjectState;
import org.rcskt.verifier.map.MapProof;
import org.rcskt.verifier.map.MapRootEntry;
import org.rcskt.verifier.map.SubjectLeaf;
import org.rcskt.verifier.merkle.InclusionProof;
import org.rcskt.verifier.merkle.InclusionProofException;
import org.rcskt.verifier.merkle.Merkle;
import org.rcskt.verifier.note.NoteVerifier;

/**
 * One subject's full key history for a compliance request: every event of the subject up to a
 * signed checkpoint, each with its inclusion proof, and how completeness was established. See
 * docs/audit.md for exactly what the export proves and what it rests on.
 *
 * <p>Format {@value #FORMAT}, JSON:
 *
 * <pre>
 * { "format", "origin", "subject", "checkpoint" (signed note text), "treeSize", "rootHash",
 *   "completeness": { "method": "full-replay", "entriesReplayed", "rootRecomputed",
 *                     "eventsFound", "auditedAt" },
 *   "events": [ { "leafIndex", "sequence", "leafHash", "encoded" (base64 leaf bytes),
 *                 "event" (JSON form), "accepted", "violation", "inclusionProof" [base64] } ],
 *   "anchors": [ { "leafIndex", "encoded", "event", "inclusionProof" } ],
 *   "finalState": { "carrierId", "nextSequence", "lastEventHash", "devices": [...] },
 *   "mapRoot": { "leafIndex" (treeSize - 1), "entry" (base64 MAP_ROOT), "inclusionProof" },
 *   "completenessProof" (base64 MapProof of the subject in that map root) }
 * </pre>
 */
public final class SubjectExport {
  /** The format name written in every export. */
  public static final String FORMAT = "rcskt-subject-history/v1";

  /** The largest export {@link #verify} reads. */
  public static final int MAX_EXPORT_BYTES = 64 << 20;

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private SubjectExport() {}

  /**
   * Builds the export from a finished full replay: the events the replay found for the subject,
   * with inclusion proofs fetched from the log and verified against {@code checkpoint}.
   *
   * @param checkpoint the checkpoint the replay matched (its tree was recomputed from the entries)
   * @throws IOException if a proof cannot be fetched
   * @throws VerificationException if a fetched proof does not verify
   */
  public static ObjectNode build(
      SignedCheckpoint checkpoint,
      Hash subject,
      Auditor.Outcome outcome,
      LogFetcher fetcher,
      Instant auditedAt)
      throws IOException, VerificationException {
    Checkpoint c = checkpoint.checkpoint();
    ObjectNode o = JSON.createObjectNode();
    o.put("format", FORMAT);
    o.put("origin", c.origin());
    o.put("subject", subject.toHex());
    o.put("checkpoint", new String(checkpoint.raw(), StandardCharsets.UTF_8));
    o.put("treeSize", c.treeSize());
    o.put("rootHash", c.rootHash().toBase64());
    ObjectNode how = o.putObject("completeness");
    how.put("method", "full-replay");
    how.put("entriesReplayed", outcome.report().treeSize());
    how.put("rootRecomputed", outcome.computedRoot().equals(c.rootHash()));
    how.put("eventsFound", outcome.exportEvents().size());
    how.put("auditedAt", auditedAt.toString());
    ArrayNode events = o.putArray("events");
    Map<Long, String> violations = outcome.exportViolations();
    for (Auditor.SubjectEvent se : outcome.exportEvents()) {
      KeyEvent e = se.event();
      List<Hash> proof = fetcher.inclusionProof(se.leafIndex(), c.treeSize());
      InclusionProof.verify(se.leafIndex(), c.treeSize(), e.leafHash(), proof, c.rootHash());
      ObjectNode x = events.addObject();
      x.put("leafIndex", se.leafIndex());
      x.put("sequence", e.sequence());
      x.put("leafHash", e.leafHash().toBase64());
      x.put("encoded", Base64.getEncoder().encodeToString(e.encodedUnsafe()));
      x.set("event", EventJson.toJson(e));
      String v = violations.get(se.leafIndex());
      x.put("accepted", v == null);
      if (v == null) {
        x.putNull("violation");
      } else {
        x.put("violation", v);
      }
      ArrayNode p = x.putArray("inclusionProof");
      for (Hash h : proof) {
        p.add(h.toBase64());
      }
    }
    java.util.Set<String> carriers = new java.util.TreeSet<>();
    for (Auditor.SubjectEvent se : outcome.exportEvents()) {
      carriers.add(se.event().body().carrierId());
    }
    ArrayNode anchors = o.putArray("anchors");
    for (Auditor.SubjectEvent se : outcome.anchorEvents()) {
      KeyEvent e = se.event();
      if (!carriers.contains(e.body().carrierId())) {
        continue;
      }
      List<Hash> proof = fetcher.inclusionProof(se.leafIndex(), c.treeSize());
      InclusionProof.verify(se.leafIndex(), c.treeSize(), e.leafHash(), proof, c.rootHash());
      ObjectNode x = anchors.addObject();
      x.put("leafIndex", se.leafIndex());
      x.put("encoded", Base64.getEncoder().encodeToString(e.encodedUnsafe()));
      x.set("event", EventJson.toJson(e));
      ArrayNode p = x.putArray("inclusionProof");
      for (Hash h : proof) {
        p.add(h.toBase64());
      }
    }
    o.set("finalState", stateJson(outcome.exportState()));
    if (outcome.lastMapRoot() != null && outcome.exportCompleteness() != null) {
      // The map root the checkpoint ends on, and the subject's proof in it: that the events above
      // are all of the subject's (protocol 16.2).
      long leaf = c.treeSize() - 1;
      byte[] entry = outcome.lastMapRoot();
      List<Hash> proof = fetcher.inclusionProof(leaf, c.treeSize());
      InclusionProof.verify(leaf, c.treeSize(), Merkle.leafHash(entry), proof, c.rootHash());
      ObjectNode m = o.putObject("mapRoot");
      m.put("leafIndex", leaf);
      m.put("entry", Base64.getEncoder().encodeToString(entry));
      ArrayNode p = m.putArray("inclusionProof");
      for (Hash h : proof) {
        p.add(h.toBase64());
      }
      o.put(
          "completenessProof",
          Base64.getEncoder().encodeToString(outcome.exportCompleteness().encoded()));
    }
    return o;
  }

  private static ObjectNode stateJson(SubjectState s) {
    ObjectNode o = JSON.createObjectNode();
    o.put("carrierId", s.carrierId());
    o.put("nextSequence", s.nextSequence());
    o.put("lastEventHash", s.lastEventHash().toHex());
    ArrayNode ds = o.putArray("devices");
    for (Device d : s.devices()) {
      ObjectNode x = ds.addObject();
      x.put("deviceId", d.deviceId());
      x.set("publicKey", EventJson.publicKeyToJson(d.publicKey()));
      x.put("attested", d.attested());
      x.put("recovered", d.recovered());
      if (!d.kexKeys().isEmpty()) {
        x.set("keyAgreementKeys", org.rcskt.verifier.event.EventJson.kexKeysToJson(d.kexKeys()));
      }
    }
    return o;
  }

  /** The export as pretty-printed JSON bytes. */
  public static byte[] toBytes(ObjectNode export) throws IOException {
    return JSON.writeValueAsBytes(export);
  }

  /**
   * What {@link #verify} established.
   *
   * @param checkpoint the verified checkpoint
   * @param subject the subject
   * @param events the subject's events, each proven included, in log order
   * @param accepted how many of them the rules accepted on replay
   * @param finalState the subject's state after replaying them
   */
  /**
   * Adds the tie of a phone number to the export's subject: {@code "vrf": {"number", "key" (the
   * log's VRF public key), "proof" (base64)}}, which {@link #verify} checks.
   */
  public static void addVrf(ObjectNode export, String number, String vrfKey, byte[] proof) {
    ObjectNode v = export.putObject("vrf");
    v.put("number", number);
    v.put("key", vrfKey);
    v.put("proof", java.util.Base64.getEncoder().encodeToString(proof));
  }

  /**
   * Checks an export's {@code vrf} member: its proof, under its key, gives the export's subject as
   * the number's index. The key is the one the export names: a verifier who holds the log's VRF key
   * independently compares it.
   */
  private static void checkVrf(JsonNode v, Hash subject) throws VerificationException {
    String number = v.path("number").asText();
    byte[] proof;
    byte[] key;
    try {
      proof = java.util.Base64.getDecoder().decode(v.path("proof").asText());
      key = org.rcskt.verifier.vrf.VrfKeys.parsePublic(v.path("key").asText()).key();
    } catch (IllegalArgumentException e) {
      throw new VerificationException("export vrf: " + e.getMessage(), e);
    }
    Hash index;
    try {
      index =
          org.rcskt.monitor.follow.PhoneIndexes.verifiedIndex(
              key, number, new org.rcskt.monitor.follow.LogClient.Lookup(subject.toHex(), proof));
    } catch (IllegalArgumentException e) {
      throw new VerificationException("export vrf: " + e.getMessage(), e);
    }
    if (!index.equals(subject)) {
      throw new VerificationException(
          "export vrf: the proof gives " + number + " the index " + index + ", not " + subject);
    }
  }

  public record Verified(
      SignedCheckpoint checkpoint,
      Hash subject,
      List<KeyEvent> events,
      long accepted,
      SubjectState finalState) {}

  /**
   * Checks an export without trusting whoever made it: the checkpoint's signature; that every event
   * (the subject's and the carriers' ANCHOR events) is the leaf its inclusion proof proves at its
   * index; that the subject's events all name the subject; and, replaying them with the ANCHOR
   * events in leaf order from an empty state under {@code rules}, that exactly the events marked
   * accepted are accepted (so their signatures, their unbroken chain of sequence numbers and
   * previous hashes, and their authorization all verify) and that the stated final state is the
   * replayed one.
   *
   * <p>When the export has a {@code mapRoot} and {@code completenessProof} (every export of a log
   * of protocol version 2), it also checks that the map root entry is the checkpoint's last leaf
   * and that the subject's map proof in it shows exactly the export's latest event (its sequence +
   * 1 and its hash; accepted by the rules or not, as the map holds every event), or absence for a
   * subject without events: so the log itself commits to holding no further event for the subject.
   * Without them, that rests on the full replay the export reports (docs/audit.md). The ANCHOR
   * events are only those of the carriers the subject's events name, so the one anchor rule
   * spanning carriers (no key anchors two carriers) is not re-checked here.
   *
   * @param rules the log's rules: its policy key and unattested-registration setting
   * @throws VerificationException naming the first check that failed
   */
  public static Verified verify(
      byte[] export, String origin, NoteVerifier logKey, RulesContext rules)
      throws VerificationException {
    if (export.length > MAX_EXPORT_BYTES) {
      throw new VerificationException(
          "export is " + export.length + " bytes, more than " + MAX_EXPORT_BYTES);
    }
    JsonNode o;
    try {
      o = JSON.readTree(export);
    } catch (IOException e) {
      throw new VerificationException("export is not JSON: " + e.getMessage(), e);
    }
    if (o == null || !FORMAT.equals(o.path("format").asText())) {
      throw new VerificationException("export format is not " + FORMAT);
    }
    SignedCheckpoint cp =
        SignedCheckpoint.verify(
            o.path("checkpoint").asText().getBytes(StandardCharsets.UTF_8), origin, logKey);
    Checkpoint c = cp.checkpoint();
    Hash subject;
    try {
      subject = Hash.fromHex(o.path("subject").asText());
    } catch (IllegalArgumentException e) {
      throw new VerificationException("export subject: " + e.getMessage(), e);
    }
    if (o.has("vrf")) {
      checkVrf(o.path("vrf"), subject);
    }
    java.util.TreeMap<Long, Proven> all = new java.util.TreeMap<>();
    List<KeyEvent> events = new ArrayList<>();
    for (JsonNode x : o.path("events")) {
      Proven p = proven(x, c);
      if (!p.event.subject().equals(subject)) {
        throw new VerificationException(
            "event at leaf "
                + p.leaf
                + " is for subject "
                + p.event.subject()
                + ", not "
                + subject);
      }
      p.subjectEvent = true;
      p.claimedAccepted = x.path("accepted").asBoolean(false);
      put(all, p);
      events.add(p.event);
    }
    for (JsonNode x : o.path("anchors")) {
      Proven p = proven(x, c);
      if (p.event.type() != org.rcskt.verifier.event.EventType.ANCHOR) {
        throw new VerificationException(
            "anchor entry at leaf " + p.leaf + " is not an ANCHOR event");
      }
      put(all, p);
    }
    RulesContext ctx = rules.withoutNow();
    SubjectState state = SubjectState.EMPTY;
    org.rcskt.verifier.event.AnchorRegistry anchors = org.rcskt.verifier.event.AnchorRegistry.EMPTY;
    long accepted = 0;
    for (Proven p : all.values()) {
      boolean ok;
      try {
        org.rcskt.verifier.event.Applied a =
            org.rcskt.verifier.event.EventRules.verifyAndApply(
                p.event.subject().equals(subject) ? state : SubjectState.EMPTY,
                p.event,
                anchors,
                ctx);
        anchors = a.anchors();
        if (p.subjectEvent) {
          state = a.state();
        }
        ok = true;
      } catch (org.rcskt.verifier.event.RuleViolationException e) {
        ok = false;
        if (p.subjectEvent && p.claimedAccepted) {
          throw new VerificationException(
              "event at leaf "
                  + p.leaf
                  + " is marked accepted but breaks the rules on replay: "
                  + e.getMessage(),
              e);
        }
      }
      if (p.subjectEvent) {
        if (ok && !p.claimedAccepted) {
          throw new VerificationException(
              "event at leaf " + p.leaf + " is marked rejected but the rules accept it on replay");
        }
        if (ok) {
          accepted++;
        }
      }
    }
    JsonNode fs = o.path("finalState");
    if (fs.path("nextSequence").asLong(-1) != state.nextSequence()
        || !fs.path("lastEventHash").asText().equals(state.lastEventHash().toHex())
        || fs.path("devices").size() != state.deviceCount()) {
      throw new VerificationException(
          "the stated final state does not match the replay: the replay ends at sequence "
              + state.nextSequence()
              + " with "
              + state.deviceCount()
              + " devices and last event "
              + state.lastEventHash());
    }
    if (o.has("mapRoot") || o.has("completenessProof")) {
      KeyEvent latest = null;
      for (Proven p : all.values()) {
        if (p.subjectEvent) {
          latest = p.event;
        }
      }
      checkCompleteness(o, c, subject, latest);
    }
    return new Verified(cp, subject, events, accepted, state);
  }

  private static void checkCompleteness(JsonNode o, Checkpoint c, Hash subject, KeyEvent latest)
      throws VerificationException {
    JsonNode m = o.path("mapRoot");
    long leaf = m.path("leafIndex").asLong(-1);
    if (leaf != c.treeSize() - 1) {
      throw new VerificationException(
          "mapRoot.leafIndex must be the checkpoint's last leaf "
              + (c.treeSize() - 1)
              + ", got "
              + leaf);
    }
    byte[] entry;
    byte[] encodedProof;
    List<Hash> proof = new ArrayList<>();
    try {
      entry = Base64.getDecoder().decode(m.path("entry").asText());
      encodedProof = Base64.getDecoder().decode(o.path("completenessProof").asText());
      for (JsonNode h : m.path("inclusionProof")) {
        proof.add(Hash.fromBase64(h.asText()));
      }
    } catch (IllegalArgumentException e) {
      throw new VerificationException("mapRoot or completenessProof: " + e.getMessage(), e);
    }
    InclusionProof.verify(leaf, c.treeSize(), Merkle.leafHash(entry), proof, c.rootHash());
    MapRootEntry root = MapRootEntry.decode(entry);
    java.util.Optional<SubjectLeaf> got = MapProof.verify(encodedProof, root.mapRoot(), subject);
    if (latest == null) {
      if (got.isPresent()) {
        throw new VerificationException(
            "the map at leaf "
                + leaf
                + " holds subject "
                + subject
                + ", but the export has no events");
      }
      return;
    }
    if (got.isEmpty()
        || got.get().nextSequence() != latest.sequence() + 1
        || !got.get().lastEventHash().equals(latest.leafHash())) {
      throw new VerificationException(
          "the map at leaf "
              + leaf
              + " gives subject "
              + subject
              + " "
              + got.map(
                      l ->
                          "next sequence " + l.nextSequence() + ", last event " + l.lastEventHash())
                  .orElse("no events")
              + ", not the export's latest event: sequence "
              + latest.sequence()
              + ", hash "
              + latest.leafHash());
    }
  }

  /** An export entry whose inclusion proof verified. */
  private static final class Proven {
    final long leaf;
    final KeyEvent event;
    boolean subjectEvent;
    boolean claimedAccepted;

    Proven(long leaf, KeyEvent event) {
      this.leaf = leaf;
      this.event = event;
    }
  }

  private static void put(java.util.TreeMap<Long, Proven> all, Proven p)
      throws VerificationException {
    if (all.put(p.leaf, p) != null) {
      throw new VerificationException("leaf index " + p.leaf + " appears twice in the export");
    }
  }

  private static Proven proven(JsonNode x, Checkpoint c) throws VerificationException {
    long leaf = x.path("leafIndex").asLong(-1);
    KeyEvent e;
    try {
      e = EventCodec.decode(Base64.getDecoder().decode(x.path("encoded").asText()));
    } catch (EventFormatException | IllegalArgumentException ex) {
      throw new VerificationException("entry at leaf " + leaf + ": " + ex.getMessage(), ex);
    }
    List<Hash> proof = new ArrayList<>();
    for (JsonNode h : x.path("inclusionProof")) {
      try {
        proof.add(Hash.fromBase64(h.asText()));
      } catch (IllegalArgumentException ex) {
        throw new VerificationException("proof of leaf " + leaf + ": " + ex.getMessage(), ex);
      }
    }
    try {
      InclusionProof.verify(leaf, c.treeSize(), e.leafHash(), proof, c.rootHash());
    } catch (InclusionProofException ex) {
      throw new VerificationException(
          "entry at leaf " + leaf + " is not proven in the checkpoint: " + ex.getMessage(), ex);
    }
    return new Proven(leaf, e);
  }
}
