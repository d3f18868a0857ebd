package org.rcskt.verifier.note;

import org.rcskt.verifier.VerificationException;

/**
 * A signature line whose key name and key ID match a known verifier, but whose signature does not
 * verify over the note text. The whole note is rejected: a known key vouching for different text
 * means the note was altered or the key is misused.
 */
public class InvalidNoteSignatureException extends VerificationException {
  private static final long serialVersionUID = 1L;

  private final String keyName;
  private final int keyId;
  private final int lineNumber;

  public InvalidNoteSignatureException(String keyName, int keyId, int lineNumber) {
    super(
        "signature line "
            + lineNumber
            + " from known key "
            + keyName
            + "+"
            + NoteKeys.keyIdHex(keyId)
            + " does not verify over the note text");
    this.keyName = keyName;
    this.keyId = keyId;
    this.lineNumber = lineNumber;
  }

  public String keyName() {
    return keyName;
  }

  public int keyId() {
    return keyId;
  }

  /** The 1-based position of the failing line among the note's signature lines. */
  public int lineNumber() {
    return lineNumber;
  }
}
