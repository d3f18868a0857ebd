package org.rcskt.verifier.attestation;

/** Device attestation evidence failed a check; {@link #check()} says which. */
public final class AttestationException extends Exception {
  private static final long serialVersionUID = 1L;

  private final AttestationCheck check;

  /**
   * @param check the check that failed
   * @param detail what was wrong, in one line, for the log's answer and the audit
   */
  public AttestationException(AttestationCheck check, String detail) {
    super(check.wireName() + ": " + detail);
    this.check = check;
  }

  /** The check that failed. */
  public AttestationCheck check() {
    return check;
  }
}
