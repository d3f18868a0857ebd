package org.rcskt.server.log;

import org.rcskt.verifier.Hash;
import org.rcskt.verifier.VerificationException;
import org.rcskt.verifier.checkpoint.CheckpointSigner;
import org.rcskt.verifier.checkpoint.SignedCheckpoint;
import org.rcskt.verifier.note.Ed25519NoteSigner;
import org.rcskt.verifier.note.Ed25519NoteVerifier;

/** A {@link LogSigner} with an Ed25519 signed-note key named after the origin. */
public final class NoteLogSigner implements LogSigner {
  private final CheckpointSigner signer;
  private final Ed25519NoteVerifier verifier;

  /**
   * @throws IllegalArgumentException if the key name is not a valid origin
   */
  public NoteLogSigner(Ed25519NoteSigner key) {
    this.signer = CheckpointSigner.of(key);
    this.verifier = key.verifier();
  }

  @Override
  public String origin() {
    return signer.origin();
  }

  /** The C2SP verifier key string of the log's signatures. */
  public String verifierKey() {
    return verifier.verifierKey();
  }

  public Ed25519NoteVerifier verifier() {
    return verifier;
  }

  @Override
  public byte[] sign(long treeSize, Hash rootHash) {
    return signer.sign(treeSize, rootHash);
  }

  @Override
  public TreeHead open(byte[] signedCheckpoint) throws VerificationException {
    SignedCheckpoint c = SignedCheckpoint.verify(signedCheckpoint, signer.origin(), verifier);
    return new TreeHead(c.checkpoint().treeSize(), c.checkpoint().rootHash(), signedCheckpoint);
  }
}
