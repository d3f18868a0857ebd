package org.rcskt.verifier.note;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Opening (parse and verify) and signing of notes, following C2SP signed-note "Signatures".
 *
 * <p>When opening: a signature line whose (name, key ID) is unknown is ignored; every line whose
 * (name, key ID) is known is verified, and one that fails rejects the whole note; if no known key
 * verified, the note is rejected.
 */
public final class Notes {
  private Notes() {}

  /**
   * Parses {@code note} and verifies it against {@code known}.
   *
   * @throws NoteFormatException if the note is malformed (including more than {@value
   *     Note#MAX_SIGNATURES} signatures or more than {@value Note#MAX_SIZE} bytes)
   * @throws InvalidNoteSignatureException if a signature from a known key does not verify
   * @throws UnverifiedNoteException if no signature is from a known key
   */
  public static VerifiedNote open(byte[] note, NoteVerifiers known)
      throws NoteFormatException, InvalidNoteSignatureException, UnverifiedNoteException {
    return open(Note.parse(note), known);
  }

  /**
   * Verifies an already-parsed note against {@code known}.
   *
   * @throws InvalidNoteSignatureException if a signature from a known key does not verify
   * @throws UnverifiedNoteException if no signature is from a known key
   */
  public static VerifiedNote open(Note note, NoteVerifiers known)
      throws InvalidNoteSignatureException, UnverifiedNoteException {
    List<NoteSignature> sigs = note.signatures();
    // Find the known lines first, so a note from unknown keys costs no signature checks.
    NoteVerifier[] match = new NoteVerifier[sigs.size()];
    boolean anyKnown = false;
    for (int i = 0; i < match.length; i++) {
      NoteSignature s = sigs.get(i);
      match[i] = known.lookup(s.name(), s.keyId());
      anyKnown |= match[i] != null;
    }
    if (!anyKnown) {
      throw UnverifiedNoteException.noKnownKey(note, known);
    }
    byte[] body = note.bodyBytesShared();
    List<NoteVerifier> verifiers = new ArrayList<>(2);
    List<NoteSignature> verified = new ArrayList<>(2);
    List<NoteSignature> unverified = new ArrayList<>(0);
    Set<NoteSignature> seenUnknown = new HashSet<>();
    for (int i = 0; i < match.length; i++) {
      NoteSignature s = sigs.get(i);
      NoteVerifier v = match[i];
      if (v == null) {
        if (seenUnknown.add(s)) {
          unverified.add(s);
        }
        continue;
      }
      if (!v.verify(body, s.signatureBytes())) {
        throw new InvalidNoteSignatureException(s.name(), s.keyId(), i + 1);
      }
      if (!verifiers.contains(v)) {
        verifiers.add(v);
        verified.add(s);
      }
    }
    return new VerifiedNote(note, verifiers, verified, unverified);
  }

  /**
   * Signs {@code body} with each signer, in order, and returns the encoded note.
   *
   * @throws IllegalArgumentException if the body is not a valid note text ({@link Note#checkBody}),
   *     no signer is given, more than {@value Note#MAX_SIGNATURES}, or a signer refuses the body
   */
  public static byte[] sign(String body, NoteSigner... signers) {
    return Note.of(body, signatures(Note.checkBody(body), signers)).format();
  }

  /**
   * Adds signatures to {@code note}: its existing lines come first, minus any made by the same key
   * (name and key ID) as one of {@code signers}, then the new lines in order.
   *
   * @throws IllegalArgumentException if no signer is given or the result would have more than
   *     {@value Note#MAX_SIGNATURES} signatures
   */
  public static Note sign(Note note, NoteSigner... signers) {
    List<NoteSignature> fresh = signatures(note.bodyBytes(), signers);
    List<NoteSignature> all = new ArrayList<>(note.signatures().size() + fresh.size());
    for (NoteSignature old : note.signatures()) {
      boolean replaced = false;
      for (NoteSigner s : signers) {
        replaced |= old.keyId() == s.keyId() && old.name().equals(s.name());
      }
      if (!replaced) {
        all.add(old);
      }
    }
    all.addAll(fresh);
    return Note.of(note.body(), all);
  }

  /**
   * Parses an encoded note, adds signatures as {@link #sign(Note, NoteSigner...)} does, and returns
   * the encoded result. Existing signatures are not verified: a cosigner must {@link #open} the
   * note first.
   *
   * @throws NoteFormatException if {@code signedNote} is malformed
   * @throws IllegalArgumentException as for {@link #sign(Note, NoteSigner...)}
   */
  public static byte[] addSignatures(byte[] signedNote, NoteSigner... signers)
      throws NoteFormatException {
    return sign(Note.parse(signedNote), signers).format();
  }

  private static List<NoteSignature> signatures(byte[] body, NoteSigner[] signers) {
    if (signers.length == 0) {
      throw new IllegalArgumentException("no signers given");
    }
    List<NoteSignature> out = new ArrayList<>(signers.length);
    for (NoteSigner s : signers) {
      NoteKeys.requireValidName(s.name());
      // Each signer sees its own copy: a misbehaving signer cannot alter what the next one signs.
      byte[] sig = s.sign(signers.length == 1 ? body : Arrays.copyOf(body, body.length));
      out.add(NoteSignature.of(s.name(), s.keyId(), sig));
    }
    return out;
  }
}
