package org.rcskt.verifier.event;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.vrf.EcVrf;
import org.rcskt.verifier.vrf.VrfVerificationException;

/**
 * Subject indexes (docs/protocol.md, "Subjects"). The log never sees a phone number in an event,
 * only its index, and the index is the output of the log's VRF (RFC 9381,
 * ECVRF-EDWARDS25519-SHA512-TAI) over the number: only the holder of the VRF secret key can compute
 * it, and anyone with the VRF public key can check an index the log hands out together with its
 * proof. Carrier subjects stay plain hashes of their public carrier id.
 */
public final class PhoneNumbers {
  private PhoneNumbers() {}

  /** The fewest digits an accepted E.164 number may have after the '+'. */
  public static final int MIN_DIGITS = 8;

  /** The most digits E.164 allows after the '+'. */
  public static final int MAX_DIGITS = 15;

  /**
   * The VRF input for a phone number: {@link EventFormat#PHONE_SUBJECT_LABEL} || the number's
   * ASCII, '+' included.
   *
   * @throws IllegalArgumentException naming the first problem with {@code e164}
   */
  public static byte[] vrfInput(String e164) {
    validate(e164);
    byte[] label = EventFormat.PHONE_SUBJECT_LABEL;
    byte[] number = e164.getBytes(StandardCharsets.US_ASCII);
    byte[] alpha = Arrays.copyOf(label, label.length + number.length);
    System.arraycopy(number, 0, alpha, label.length, number.length);
    return alpha;
  }

  /** The subject index a VRF output names: its first 32 bytes. */
  public static Hash indexOfOutput(byte[] beta) {
    if (beta.length != EcVrf.OUTPUT_SIZE) {
      throw new IllegalArgumentException(
          "VRF output must be " + EcVrf.OUTPUT_SIZE + " bytes, got " + beta.length);
    }
    return Hash.of(Arrays.copyOf(beta, Hash.SIZE));
  }

  /** A phone number's index and the VRF proof that it is the log's output for that number. */
  public record ProvenIndex(Hash index, byte[] proof) {
    public ProvenIndex {
      Objects.requireNonNull(index, "index");
      proof = proof.clone();
    }

    @Override
    public byte[] proof() {
      return proof.clone();
    }
  }

  /**
   * Computes a number's subject index with the log's VRF secret key, and its proof. Only the log
   * (and tests) can call this.
   *
   * @throws IllegalArgumentException naming the first problem with {@code e164}
   */
  public static ProvenIndex prove(byte[] vrfSecretKey, String e164) {
    byte[] pi = EcVrf.prove(vrfSecretKey, vrfInput(e164));
    try {
      return new ProvenIndex(indexOfOutput(EcVrf.proofToHash(pi)), pi);
    } catch (VrfVerificationException e) {
      throw new IllegalStateException("a proof just made does not decode", e);
    }
  }

  /** The subject index of {@code e164} under the VRF secret key (see {@link #prove}). */
  public static Hash subjectIndex(byte[] vrfSecretKey, String e164) {
    return prove(vrfSecretKey, e164).index();
  }

  /**
   * Checks a VRF proof for {@code e164} under the log's VRF public key and returns the index it
   * proves.
   *
   * @throws IllegalArgumentException if {@code e164} is not a strict E.164 number
   * @throws VrfVerificationException if the key or the proof is not valid for this number
   */
  public static Hash verifiedIndex(byte[] vrfPublicKey, String e164, byte[] proof)
      throws VrfVerificationException {
    return indexOfOutput(EcVrf.verify(vrfPublicKey, vrfInput(e164), proof));
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
