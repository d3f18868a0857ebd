package org.rcskt.verifier.event;

import java.nio.charset.StandardCharsets;
import org.rcskt.verifier.Hash;

/**
 * Subject indexes (docs/protocol.md, "Subjects"). The log never sees a phone number, only its
 * index. The index is a plain hash, so anyone can hash every possible number and recognize it: it
 * hides nothing from a determined observer. A later format version can replace it with a VRF output
 * without ambiguity, since every event names its version.
 */
public final class PhoneNumbers {
  private PhoneNumbers() {}

  /** The fewest digits an accepted E.164 number may have after the '+'. */
  public static final int MIN_DIGITS = 8;

  /** The most digits E.164 allows after the '+'. */
  public static final int MAX_DIGITS = 15;

  /**
   * The subject index of an E.164 phone number: SHA-256({@link EventFormat#PHONE_SUBJECT_LABEL} ||
   * the number's ASCII, '+' included).
   *
   * @param e164 '+' then 8 to 15 digits, the first not 0; no spaces or other separators
   * @throws IllegalArgumentException naming the first problem with {@code e164}
   */
  public static Hash subjectIndex(String e164) {
    validate(e164);
    return Hash.sha256(EventFormat.PHONE_SUBJECT_LABEL, e164.getBytes(StandardCharsets.US_ASCII));
  }

  /**
   * Checks that {@code e164} is a strictly formatted E.164 number.
   *
   * @throws IllegalArgumentException naming the first problem
   */
  public static void validate(String e164) {
    if (e164 == null || e164.isEmpty()) {
      throw new IllegalArgumentException("phone number is empty");
    }
    if (e164.charAt(0) != '+') {
      throw new IllegalArgumentException("phone number must start with '+'");
    }
    int digits = e164.length() - 1;
    for (int i = 1; i < e164.length(); i++) {
      char c = e164.charAt(i);
      if (c < '0' || c > '9') {
        throw new IllegalArgumentException(
            "phone number has a character that is not a digit at position " + i);
      }
    }
    if (digits < MIN_DIGITS || digits > MAX_DIGITS) {
      throw new IllegalArgumentException(
          "phone number must have "
              + MIN_DIGITS
              + " to "
              + MAX_DIGITS
              + " digits after '+', got "
              + digits);
    }
    if (e164.charAt(1) == '0') {
      throw new IllegalArgumentException("phone number's first digit (country code) must not be 0");
    }
  }

  /**
   * The subject of a carrier's ANCHOR events: SHA-256({@link EventFormat#CARRIER_SUBJECT_LABEL} ||
   * carrier id). Each carrier's anchors form their own sequence chain under this subject.
   *
   * @throws IllegalArgumentException if {@code carrierId} is not a valid carrier id
   */
  public static Hash carrierSubject(String carrierId) {
    String p = EventFormat.carrierIdProblem(carrierId);
    if (p != null) {
      throw new IllegalArgumentException("carrierId: " + p);
    }
    return Hash.sha256(
        EventFormat.CARRIER_SUBJECT_LABEL, carrierId.getBytes(StandardCharsets.US_ASCII));
  }
}
