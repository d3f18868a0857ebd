package org.rcskt.verifier.checkpoint;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.rcskt.verifier.note.CosignatureV1Verifier;
import org.rcskt.verifier.note.InvalidNoteSignatureException;
import org.rcskt.verifier.note.Note;
import org.rcskt.verifier.note.NoteFormatException;
import org.rcskt.verifier.note.NoteKeys;
import org.rcskt.verifier.note.NoteSignature;
import org.rcskt.verifier.note.NoteVerifier;
import org.rcskt.verifier.note.NoteVerifiers;
import org.rcskt.verifier.note.Notes;
import org.rcskt.verifier.note.SubtreeCosignature;
import org.rcskt.verifier.note.UnverifiedNoteException;
import org.rcskt.verifier.note.VerifiedNote;

/**
 * A checkpoint verified as signed by its log: the raw signed note, the parsed {@link Checkpoint},
 * the {@link Note}, and the cosignatures that verified from the caller's cosigners.
 *
 * <p>Verification requires the log key's name to equal the origin (C2SP tlog-checkpoint recommends
 * it; this project requires it), the checkpoint's origin line to equal the expected origin, a valid
 * signature from the log key, and valid signatures from every other known key present. Unknown
 * signatures are ignored.
 */
public final class SignedCheckpoint {
  private final byte[] raw;
  private final Checkpoint checkpoint;
  private final VerifiedNote verifiedNote;
  private final List<Cosignature> cosignatures;

  private SignedCheckpoint(
      byte[] raw,
      Checkpoint checkpoint,
      VerifiedNote verifiedNote,
      List<Cosignature> cosignatures) {
    this.raw = raw;
    this.checkpoint = checkpoint;
    this.verifiedNote = verifiedNote;
    this.cosignatures = cosignatures;
  }

  /**
   * Verifies a signed checkpoint from the log named {@code expectedOrigin}, signed by {@code
   * logKey}.
   *
   * @throws IllegalArgumentException if {@code logKey}'s name is not {@code expectedOrigin}
   * @throws NoteFormatException if {@code raw} is not a well-formed signed note
   * @throws CheckpointFormatException if the note text is not a well-formed checkpoint
   * @throws OriginMismatchException if the checkpoint's origin is not {@code expectedOrigin}
   * @throws InvalidNoteSignatureException if the log's signature does not verify
   * @throws UnverifiedNoteException if there is no signature from {@code logKey}
   */
  public static SignedCheckpoint verify(byte[] raw, String expectedOrigin, NoteVerifier logKey)
      throws NoteFormatException,
          CheckpointFormatException,
          OriginMismatchException,
          InvalidNoteSignatureException,
          UnverifiedNoteException {
    return verify(raw, expectedOrigin, logKey, NoteVerifiers.empty());
  }

  /**
   * Verifies a signed checkpoint as {@link #verify(byte[], String, NoteVerifier)} does, and also
   * every signature from a key in {@code cosigners}; those that verify are listed in {@link
   * #cosignatures()}. Checking a quorum of them is the caller's policy.
   *
   * @throws IllegalArgumentException if {@code logKey}'s name is not {@code expectedOrigin}, or a
   *     cosigner has the same name and key ID as the log key
   * @throws NoteFormatException if {@code raw} is not a well-formed signed note
   * @throws CheckpointFormatException if the note text is not a well-formed checkpoint
   * @throws OriginMismatchException if the checkpoint's origin is not {@code expectedOrigin}
   * @throws InvalidNoteSignatureException if the log's or a known cosigner's signature does not
   *     verify
   * @throws UnverifiedNoteException if there is no signature from {@code logKey}
   */
  public static SignedCheckpoint verify(
      byte[] raw, String expectedOrigin, NoteVerifier logKey, NoteVerifiers cosigners)
      throws NoteFormatException,
          CheckpointFormatException,
          OriginMismatchException,
          InvalidNoteSignatureException,
          UnverifiedNoteException {
    Objects.requireNonNull(raw, "raw");
    Objects.requireNonNull(cosigners, "cosigners");
    if (!logKey.name().equals(expectedOrigin)) {
      throw new IllegalArgumentException(
          "log key name \""
              + logKey.name()
              + "\" differs from the expected origin \""
              + expectedOrigin
              + "\"");
    }
    // Syntax and origin first: they are cheap, and a checkpoint for another log is reported as such
    // rather than as a signature failure.
    Note note = Note.parse(raw);
    Checkpoint checkpoint = Checkpoint.parse(note.body());
    if (!checkpoint.origin().equals(expectedOrigin)) {
      throw new OriginMismatchException(expectedOrigin, checkpoint.origin());
    }
    VerifiedNote verified = Notes.open(note, cosigners.with(logKey));
    if (!verified.isVerifiedBy(logKey)) {
      throw new UnverifiedNoteException(
          "checkpoint for "
              + Checkpoint.abbreviate(expectedOrigin)
              + " has no signature from the log key "
              + NoteKeys.label(logKey.name(), logKey.keyId())
              + "; signed by "
              + note.signatures().stream().map(NoteSignature::keyLabel).distinct().toList(),
          note);
    }
    List<Cosignature> cosigs = new ArrayList<>(verified.verifiers().size() - 1);
    List<NoteVerifier> by = verified.verifiers();
    for (int i = 0; i < by.size(); i++) {
      NoteVerifier v = by.get(i);
      if (v.keyId() == logKey.keyId() && v.name().equals(logKey.name())) {
        continue;
      }
      NoteSignature s = verified.verifiedSignatures().get(i);
      long ts =
          v instanceof CosignatureV1Verifier || v instanceof SubtreeCosignature.Verifier
              ? CosignatureV1Verifier.readTimestamp(s.signature())
              : Cosignature.NO_TIMESTAMP;
      cosigs.add(new Cosignature(v.name(), v.keyId(), ts));
    }
    return new SignedCheckpoint(raw.clone(), checkpoint, verified, List.copyOf(cosigs));
  }

  /**
   * Whether this checkpoint, already verified with the log key, also carries a valid signature line
   * by {@code key} (a key other than the log's, such as the log's ML-DSA-44 key); only that line is
   * checked.
   *
   * @throws InvalidNoteSignatureException if a line by {@code key} does not verify
   */
  public boolean signedBy(NoteVerifier key) throws InvalidNoteSignatureException {
    Note note = verifiedNote.note();
    byte[] body = note.bodyBytes();
    List<NoteSignature> sigs = note.signatures();
    for (int i = 0; i < sigs.size(); i++) {
      NoteSignature s = sigs.get(i);
      if (s.name().equals(key.name()) && s.keyId() == key.keyId()) {
        if (!key.verify(body, s.signature())) {
          throw new InvalidNoteSignatureException(s.name(), s.keyId(), i + 1);
        }
        return true;
      }
    }
    return false;
  }

  /** The parsed checkpoint. */
  public Checkpoint checkpoint() {
    return checkpoint;
  }

  /** The parsed note, with every signature line (including unknown ones). */
  public Note note() {
    return verifiedNote.note();
  }

  /** Which known keys verified. */
  public VerifiedNote verifiedNote() {
    return verifiedNote;
  }

  /** Verified cosignatures from the caller's cosigners, in signature-line order. */
  public List<Cosignature> cosignatures() {
    return cosignatures;
  }

  /** A copy of the signed note exactly as received. */
  public byte[] raw() {
    return raw.clone();
  }

  @Override
  public String toString() {
    return "SignedCheckpoint[" + checkpoint + ", cosignatures=" + cosignatures.size() + "]";
  }
}
