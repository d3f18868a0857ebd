package org.rcskt.verifier.note;

import java.util.List;
import java.util.stream.Collectors;
import org.rcskt.verifier.VerificationException;

/**
 * A well-formed note none of whose signatures comes from a known key, or (for checkpoints) one that
 * lacks the signature of the one key that must be present. The note's text must be ignored.
 */
public class UnverifiedNoteException extends VerificationException {
  private static final long serialVersionUID = 1L;

  private final transient Note note;

  public UnverifiedNoteException(String message, Note note) {
    super(message);
    this.note = note;
  }

  /** The parsed but unverified note; its text must not be trusted. */
  public Note note() {
    return note;
  }

  static UnverifiedNoteException noKnownKey(Note note, NoteVerifiers known) {
    return new UnverifiedNoteException(
        "note has no signature from a known key: signed by "
            + describe(note.signatures().stream().map(NoteSignature::keyLabel).distinct().toList())
            + ", known keys "
            + describe(known.asList().stream().map(NoteKeys::label).toList()),
        note);
  }

  private static String describe(List<String> labels) {
    return labels.stream().collect(Collectors.joining(", ", "[", "]"));
  }
}
