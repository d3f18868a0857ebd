package org.rcskt.server.publish;

import java.util.List;
import org.rcskt.server.log.TreeHead;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.VerificationException;
import org.rcskt.verifier.checkpoint.Checkpoint;
import org.rcskt.verifier.checkpoint.SignedCheckpoint;
import org.rcskt.verifier.merkle.ConsistencyProof;
import org.rcskt.verifier.merkle.ConsistencyProofException;
import org.rcskt.verifier.merkle.Merkle;
import org.rcskt.verifier.note.NoteVerifier;

/**
 * Checks the checkpoint found in the bucket at start against the log: it must be signed by the
 * log's key for the log's origin, no larger than the log's tree, and a prefix of it (RFC 9162
 * consistency). Only then may the publisher trust the bucket to hold every tile of that tree and go
 * on from there.
 */
final class BucketCheckpoint {
  private BucketCheckpoint() {}

  /**
   * The tree size of {@code raw}, the bucket's checkpoint, once verified against {@code log}.
   *
   * @throws PublishConflictException if the checkpoint is not this log's, or not consistent with
   *     it; the message says which
   */
  static long verify(byte[] raw, String origin, NoteVerifier logKey, LogSource log)
      throws PublishConflictException {
    Checkpoint c;
    try {
      c = SignedCheckpoint.verify(raw, origin, logKey).checkpoint();
    } catch (VerificationException e) {
      throw new PublishConflictException(
          "the bucket's checkpoint is not one of this log's (origin "
              + origin
              + "): "
              + clip(e.getMessage()),
          e);
    }
    TreeHead head = log.head();
    long size = c.treeSize();
    if (size > head.treeSize()) {
      throw new PublishConflictException(
          "the bucket's checkpoint is for tree size "
              + size
              + ", larger than the log's "
              + head.treeSize()
              + ": the log was restored from an older backup, or the bucket is another log's");
    }
    if (size == 0) {
      if (!c.rootHash().equals(Merkle.emptyRoot())) {
        throw new PublishConflictException(
            "the bucket's checkpoint is for the empty tree but its root hash is not the empty"
                + " tree's");
      }
      return 0;
    }
    List<Hash> proof = size == head.treeSize() ? List.of() : log.consistency(size, head.treeSize());
    try {
      ConsistencyProof.verify(size, head.treeSize(), c.rootHash(), head.rootHash(), proof);
    } catch (ConsistencyProofException e) {
      throw new PublishConflictException(
          "the bucket's checkpoint (tree size "
              + size
              + ", root "
              + c.rootHash().toBase64()
              + ") is not consistent with the log's tree of size "
              + head.treeSize()
              + ": "
              + clip(e.getMessage()),
          e);
    }
    return size;
  }

  private static String clip(String s) {
    if (s == null) {
      return "";
    }
    return s.length() <= 300 ? s : s.substring(0, 300) + "...";
  }
}
