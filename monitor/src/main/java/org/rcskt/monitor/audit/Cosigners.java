package org.rcskt.monitor.audit;

import java.util.List;

/**
 * Which witnesses cosigned the audited checkpoint (C2SP tlog-cosignature), as the report states it:
 * the witnesses the auditor named, those whose cosignature on the checkpoint verified, and how many
 * of the checkpoint's other signature lines nothing checked.
 *
 * @param given the names of the witness keys given with {@code --witness}, in order
 * @param cosignedBy the names among {@code given} whose cosignature verified, in the same order
 * @param uncheckedSignatureLines signature lines besides the log's and the verified cosignatures:
 *     lines of witnesses not given, or lines that did not verify
 */
public record Cosigners(List<String> given, List<String> cosignedBy, int uncheckedSignatureLines) {
  public Cosigners {
    given = List.copyOf(given);
    cosignedBy = List.copyOf(cosignedBy);
    if (uncheckedSignatureLines < 0) {
      throw new IllegalArgumentException("uncheckedSignatureLines " + uncheckedSignatureLines);
    }
  }

  /** No witness given and no other signature line: what a report built without them states. */
  public static final Cosigners NONE = new Cosigners(List.of(), List.of(), 0);
}
