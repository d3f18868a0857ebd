package org.rcskt.monitor.map;

import java.util.List;
import java.util.Optional;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.checkpoint.Checkpoint;
import org.rcskt.verifier.map.MapHashes;
import org.rcskt.verifier.map.MapProof;
import org.rcskt.verifier.map.MapProofException;
import org.rcskt.verifier.map.MapRootEntry;
import org.rcskt.verifier.map.MapRootFormatException;
import org.rcskt.verifier.map.SubjectLeaf;
import org.rcskt.verifier.merkle.InclusionProof;
import org.rcskt.verifier.merkle.InclusionProofException;
import org.rcskt.verifier.merkle.Merkle;

/**
 * Checks the map part of a lookup answer (docs/api.md, {@code GET /v1/keys}; docs/protocol.md
 * section 16) against the answer's checkpoint, whose signature the caller has verified: the
 * checkpoint's last leaf (size N > 0: leaf N - 1) is a {@code MAP_ROOT} entry with tree size N,
 * proven by inclusion, and the completeness proof of the index verifies against its map root. A
 * pure function, as verifier-lib's client does it.
 *
 * <p>The messages name the failed check and tree sizes, never proof bytes: a lookup is about a
 * phone number, and its parts stay out of alerts and logs.
 */
public final class LookupProof {
  private LookupProof() {}

  /**
   * What a verified answer proves.
   *
   * @param mapRootEntry the {@code MAP_ROOT} entry of the checkpoint's last leaf; null for the
   *     empty tree
   * @param mapRoot its map root ({@link MapHashes#EMPTY} for the empty tree)
   * @param latest the subject's leaf in that map; empty when the map proves it has no events
   */
  public record Proven(byte[] mapRootEntry, Hash mapRoot, Optional<SubjectLeaf> latest) {}

  /** An answer whose map part does not verify; the message names the check. */
  public static final class RefusedException extends Exception {
    private static final long serialVersionUID = 1L;

    RefusedException(String message) {
      super(message);
    }
  }

  /**
   * Verifies a map root leaf and completeness proof for subject {@code index} against checkpoint
   * {@code c}.
   *
   * @param mapRootEntry the entry served as the checkpoint's last leaf; null if none was served
   * @param leafIndex the leaf index served with it
   * @param inclusionProof its inclusion proof as served
   * @param completeness the encoded map proof as served; null if none
   * @throws RefusedException naming the failed check
   */
  public static Proven verify(
      Checkpoint c,
      Hash index,
      byte[] mapRootEntry,
      long leafIndex,
      List<Hash> inclusionProof,
      byte[] completeness)
      throws RefusedException {
    long size = c.treeSize();
    byte[] entry = null;
    Hash mapRoot;
    if (size == 0) {
      if (mapRootEntry != null) {
        throw new RefusedException("the answer gives a map root leaf for the empty tree");
      }
      mapRoot = MapHashes.EMPTY;
    } else {
      if (mapRootEntry == null) {
        throw new RefusedException(
            "the answer gives no map root leaf for its checkpoint of size " + size);
      }
      if (leafIndex != size - 1) {
        throw new RefusedException(
            "the map root leaf index is "
                + leafIndex
                + ", not "
                + (size - 1)
                + ", the last leaf of its checkpoint");
      }
      entry = mapRootEntry.clone();
      MapRootEntry e;
      try {
        e = MapRootEntry.decode(entry);
      } catch (MapRootFormatException ex) {
        throw new RefusedException("leaf " + (size - 1) + " is not a MAP_ROOT entry");
      }
      if (e.treeSize() != size) {
        throw new RefusedException(
            "the MAP_ROOT entry at leaf "
                + (size - 1)
                + " completes tree size "
                + e.treeSize()
                + ", not "
                + size);
      }
      try {
        InclusionProof.verify(size - 1, size, Merkle.leafHash(entry), inclusionProof, c.rootHash());
      } catch (InclusionProofException ex) {
        throw new RefusedException(
            "the MAP_ROOT entry at leaf "
                + (size - 1)
                + " is not proven in the tree of size "
                + size
                + " of its checkpoint");
      }
      mapRoot = e.mapRoot();
    }
    byte[] proof = completeness;
    if (proof == null || proof.length > MapProof.MAX_ENCODED_SIZE) {
      throw new RefusedException("the answer has no completeness proof of bounded size");
    }
    try {
      return new Proven(entry, mapRoot, MapProof.verify(proof, mapRoot, index));
    } catch (MapProofException ex) {
      throw new RefusedException(
          "the completeness proof does not verify against the map root of tree size " + size);
    }
  }
}
