package org.rcskt.verifier.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.VerificationException;
import org.rcskt.verifier.checkpoint.Checkpoint;
import org.rcskt.verifier.checkpoint.SignedCheckpoint;
import org.rcskt.verifier.map.MapHashes;
import org.rcskt.verifier.map.MapProof;
import org.rcskt.verifier.map.MapRootEntry;
import org.rcskt.verifier.map.SubjectLeaf;
import org.rcskt.verifier.merkle.InclusionProof;
import org.rcskt.verifier.merkle.InclusionProofException;
import org.rcskt.verifier.merkle.Merkle;

/**
 * Checks the completeness part of a subject answer (docs/api.md, {@code GET /v1/subjects}): the
 * checkpoint's last leaf is a MAP_ROOT entry, proven by inclusion, and the subject's map proof
 * verifies against its root. What it proves is the subject's latest state as of the checkpoint.
 */
final class Completeness {
  private Completeness() {}

  /** A verified completeness proof: the map's root and the subject's leaf in it, if any. */
  record Proven(Hash mapRoot, Optional<SubjectLeaf> latest) {}

  static Proven verify(String path, JsonNode answer, SignedCheckpoint cp, Hash subject)
      throws ResponseException {
    Checkpoint c = cp.checkpoint();
    long size = c.treeSize();
    JsonNode m = answer.get("mapRoot");
    Hash mapRoot;
    if (size == 0) {
      if (m != null && !m.isNull()) {
        throw new ResponseException(path, -1, "the empty tree has no map root leaf", null);
      }
      mapRoot = MapHashes.EMPTY;
    } else {
      if (m == null || !m.isObject()) {
        throw new ResponseException(
            path, -1, "field \"mapRoot\" is missing or not an object", null);
      }
      JsonNode li = m.get("leafIndex");
      if (li == null || !li.canConvertToExactIntegral() || li.asLong() != size - 1) {
        throw new ResponseException(
            path,
            -1,
            "mapRoot.leafIndex must be " + (size - 1) + ", the checkpoint's last leaf",
            null);
      }
      byte[] entry = base64(path, m, "entry", "mapRoot.entry", MapRootEntry.SIZE);
      MapRootEntry e;
      try {
        e = MapRootEntry.decode(entry);
      } catch (VerificationException ex) {
        throw new ResponseException(
            path, size - 1, "mapRoot.entry is not a map root: " + ex.getMessage(), ex);
      }
      if (e.treeSize() != size) {
        throw new ResponseException(
            path,
            size - 1,
            "mapRoot.entry completes tree size " + e.treeSize() + ", not " + size,
            null);
      }
      List<Hash> proof = LogClient.parseProof(path, m, "inclusionProof", "mapRoot.inclusionProof");
      try {
        InclusionProof.verify(size - 1, size, Merkle.leafHash(entry), proof, c.rootHash());
      } catch (InclusionProofException ex) {
        throw new ResponseException(
            path,
            size - 1,
            "mapRoot.inclusionProof of the map root leaf does not verify against tree size "
                + size
                + ": "
                + ex.getMessage(),
            ex);
      }
      mapRoot = e.mapRoot();
    }
    byte[] mp = base64(path, answer, "completeness", "completeness", MapProof.MAX_ENCODED_SIZE);
    try {
      return new Proven(mapRoot, MapProof.verify(mp, mapRoot, subject));
    } catch (VerificationException ex) {
      throw new ResponseException(
          path, -1, "field \"completeness\" does not verify: " + ex.getMessage(), ex);
    }
  }

  /**
   * Checks the events listed (all pages) against the latest state the last page proved.
   *
   * @throws StaleAnswerException if they end before or elsewhere than the map says
   */
  static void checkEvents(
      String path, Hash subject, SignedCheckpoint cp, Proven proven, List<LoggedEvent> events)
      throws StaleAnswerException {
    if (proven.latest().isEmpty()) {
      if (!events.isEmpty()) {
        throw new StaleAnswerException(
            path,
            subject,
            cp,
            0,
            null,
            events.size(),
            "the log's map proves the subject has no events, but "
                + events.size()
                + " were listed");
      }
      return;
    }
    SubjectLeaf leaf = proven.latest().get();
    Hash lastShown = events.isEmpty() ? null : events.get(events.size() - 1).event().leafHash();
    if (events.size() != leaf.nextSequence() || !leaf.lastEventHash().equals(lastShown)) {
      throw new StaleAnswerException(
          path,
          subject,
          cp,
          leaf.nextSequence(),
          leaf.lastEventHash(),
          events.size(),
          "the log's map proves the subject's latest event is sequence "
              + (leaf.nextSequence() - 1)
              + " with hash "
              + leaf.lastEventHash()
              + ", but the answer lists "
              + events.size()
              + " events"
              + (lastShown == null ? "" : " ending with " + lastShown)
              + ": a stale or incomplete answer");
    }
  }

  /** Decodes {@code node.field}, named {@code label} in errors, of at most {@code maxBytes}. */
  private static byte[] base64(String path, JsonNode node, String field, String label, int maxBytes)
      throws ResponseException {
    JsonNode v = node.get(field);
    if (v == null || !v.isTextual() || v.asText().length() > (maxBytes + 2) / 3 * 4) {
      throw new ResponseException(
          path, -1, "field \"" + label + "\" is missing, not a string or too long", null);
    }
    try {
      return Base64.getDecoder().decode(v.asText());
    } catch (IllegalArgumentException e) {
      throw new ResponseException(path, -1, "field \"" + label + "\" is not base64", e);
    }
  }
}
