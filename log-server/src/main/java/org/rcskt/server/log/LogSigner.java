package org.rcskt.server.log;

import org.rcskt.verifier.Hash;
import org.rcskt.verifier.VerificationException;

/** Signs the log's checkpoints and checks the ones it signed before (at startup). */
public interface LogSigner {
  /** The log's origin: the first checkpoint line and the signature's key name. */
  String origin();

  /** The signed checkpoint note (C2SP tlog-checkpoint in a C2SP signed note) for this tree. */
  byte[] sign(long treeSize, Hash rootHash);

  /**
   * Opens a signed checkpoint this signer made.
   *
   * @throws VerificationException if the note is malformed, for another origin, or not signed by
   *     this signer's key
   */
  TreeHead open(byte[] signedCheckpoint) throws VerificationException;
}
