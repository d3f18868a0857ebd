package org.rcskt.verifier.note;

import java.util.List;

/**
 * A note whose signatures from known keys all verified, with at least one such signature. The text
 * may be trusted as far as the verifying keys are trusted.
 */
public final class VerifiedNote {
  private final Note note;
  private final List<NoteVerifier> verifiers;
  private final List<NoteSignature> verifiedSignatures;
  private final List<NoteSignature> unverifiedSignatures;

  VerifiedNote(
      Note note,
      List<NoteVerifier> verifiers,
      List<NoteSignature> verifiedSignatures,
      List<NoteSignature> unverifiedSignatures) {
    this.note = note;
    this.verifiers = List.copyOf(verifiers);
    this.verifiedSignatures = List.copyOf(verifiedSignatures);
    this.unverifiedSignatures = List.copyOf(unverifiedSignatures);
  }

  /** The parsed note, with all its signature lines. */
  public Note note() {
    return note;
  }

  /** The verified text, including its final newline. */
  public String body() {
    return note.body();
  }

  /** A copy of the verified text's bytes. */
  public byte[] bodyBytes() {
    return note.bodyBytes();
  }

  /** The known verifiers whose signature verified, each once, in signature-line order. */
  public List<NoteVerifier> verifiers() {
    return verifiers;
  }

  /** Whether a signature from {@code v}'s key (same name and key ID) verified. */
  public boolean isVerifiedBy(NoteVerifier v) {
    for (NoteVerifier x : verifiers) {
      if (x.keyId() == v.keyId() && x.name().equals(v.name())) {
        return true;
      }
    }
    return false;
  }

  /** The first verified signature line from {@code v}'s key, or {@code null}. */
  public NoteSignature signatureFrom(NoteVerifier v) {
    for (NoteSignature s : verifiedSignatures) {
      if (s.isFrom(v)) {
        return s;
      }
    }
    return null;
  }

  /** The first signature line from each verifying key, in the order of {@link #verifiers()}. */
  public List<NoteSignature> verifiedSignatures() {
    return verifiedSignatures;
  }

  /**
   * The signature lines from unknown keys, in order, with exact duplicate lines collapsed. They
   * were not checked.
   */
  public List<NoteSignature> unverifiedSignatures() {
    return unverifiedSignatures;
  }
}
