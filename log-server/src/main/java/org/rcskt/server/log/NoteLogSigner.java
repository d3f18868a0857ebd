package org.rcskt.server.log;

import org.rcskt.verifier.Hash;
import org.rcskt.verifier.VerificationException;
import org.rcskt.verifier.checkpoint.CheckpointSigner;
import org.rcskt.verifier.checkpoint.SignedCheckpoint;
import org.rcskt.verifier.note.Ed25519NoteSigner;
import org.rcskt.verifier.note.Ed25519NoteVerifier;

/**
 * A {@link LogSigner} with an Ed25519 signed-note key named after the origin and, optionally, an
 * ML-DSA-44 one (C2SP tlog-cosignature type 0x06) adding a post-quantum signature line to every
 * checkpoint.
 */
public final class NoteLogSigner implements LogSigner {
  private final CheckpointSigner signer;
  private final Ed25519NoteVerifier verifier;
  private final org.rcskt.verifier.note.SubtreeCosignature.Verifier postQuantum;

  /**
   * @throws IllegalArgumentException if the key name is not a valid origin
   */
  public NoteLogSigner(Ed25519NoteSigner key) {
    this(key, null);
  }

  /**
   * A signer whose checkpoints carry the Ed25519 line of {@code key}, then the ML-DSA-44 line of
   * {@code postQuantumKey} (when not null).
   *
   * @throws IllegalArgumentException if a key name is not the origin
   */
  public NoteLogSigner(
      Ed25519NoteSigner key, org.rcskt.verifier.note.SubtreeCosignature.Signer postQuantumKey) {
    CheckpointSigner s = CheckpointSigner.of(key);
    if (postQuantumKey != null) {
      if (!postQuantumKey.name().equals(key.name())) {
        throw new IllegalArgumentException(
            "the post-quantum key is named \""
                + postQuantumKey.name()
                + "\", not the origin \""
                + key.name()
                + "\"");
      }
      s = s.withSigner(postQuantumKey);
    }
    this.signer = s;
    this.verifier = key.verifier();
    this.postQuantum = postQuantumKey == null ? null : postQuantumKey.verifier();
  }

  /** The ML-DSA-44 verifier of the post-quantum signature line, or null when there is none. */
  public org.rcskt.verifier.note.SubtreeCosignature.Verifier postQuantumVerifier() {
    return postQuantum;
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
