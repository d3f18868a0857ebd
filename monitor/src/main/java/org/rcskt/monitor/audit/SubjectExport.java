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
import org.rcskt.verifier.event.SubjectState;
import org.rcskt.verifier.merkle.InclusionProof;
import org.rcskt.verifier.merkle.InclusionProofException;
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
 *   "finalState": { "carrierId", "nextSequence", "lastEventHash", "devices": [...] } }
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
    o.set("finalState", stateJson(outcome.exportState()));
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
   * @param events the events, each proven included, in log order
   * @param acceptedChainLength how many accepted events form the unbroken chain 0, 1, 2, ...
   */
  public record Verified(
      SignedCheckpoint checkpoint, Hash subject, List<KeyEvent> events, long acceptedChainLength) {}

  /**
   * Checks an export without trusting whoever made it: the checkpoint's signature, that every event
   * is the leaf its inclusion proof proves at its index, that each event belongs to the subject,
   * and that the events marked accepted form one unbroken chain (sequence numbers 0, 1, 2, ... each
   * naming the previous event's hash). What it cannot check alone is that the log holds no further
   * event for the subject: that rests on the full replay the export reports (see docs/audit.md).
   *
   * @throws VerificationException naming the first check that failed
   */
  public static Verified verify(byte[] export, String origin, NoteVerifier logKey)
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
    List<KeyEvent> events = new ArrayList<>();
    long chain = 0;
    Hash previous = Hash.ZERO;
    long lastLeaf = -1;
    for (JsonNode x : o.path("events")) {
      long leaf = x.path("leafIndex").asLong(-1);
      if (leaf <= lastLeaf) {
        throw new VerificationException(
            "event leaf index " + leaf + " does not follow leaf index " + lastLeaf);
      }
      lastLeaf = leaf;
      KeyEvent e;
      try {
        e = EventCodec.decode(Base64.getDecoder().decode(x.path("encoded").asText()));
      } catch (EventFormatException | IllegalArgumentException ex) {
        throw new VerificationException("event at leaf " + leaf + ": " + ex.getMessage(), ex);
      }
      if (!e.subject().equals(subject)) {
        throw new VerificationException(
            "event at leaf " + leaf + " is for subject " + e.subject() + ", not " + subject);
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
            "event at leaf " + leaf + " is not proven in the checkpoint: " + ex.getMessage(), ex);
      }
      if (x.path("accepted").asBoolean(false)) {
        if (e.sequence() != chain || !e.body().previousHash().equals(previous)) {
          throw new VerificationException(
              "accepted event at leaf "
                  + leaf
                  + " has sequence "
                  + e.sequence()
                  + " and previous hash "
                  + e.body().previousHash()
                  + "; the chain expects sequence "
                  + chain
                  + " and previous hash "
                  + previous);
        }
        chain++;
        previous = e.leafHash();
      }
      events.add(e);
    }
    return new Verified(cp, subject, events, chain);
  }
}
