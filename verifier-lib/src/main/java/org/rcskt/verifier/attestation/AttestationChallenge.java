package org.rcskt.verifier.attestation;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The 32 bytes device attestation evidence must commit to, which bind it to one event's key on one
 * device of one number (docs/protocol.md, "Device attestation"):
 *
 * <pre>
 * SHA-256("rcskt/v1/device-attestation" || 0x00 || subject[32]
 *         || uint8 len || carrier_id || uint8 len || device_id
 *         || key_id[32] || uint64 timestamp_ms)
 * </pre>
 *
 * <p>Android puts it in the attestation challenge ({@code setAttestationChallenge}); Apple uses it
 * as the {@code clientDataHash} of {@code attestKey}. Evidence made for another number, carrier,
 * device, key or moment does not carry it.
 */
public final class AttestationChallenge {
  private AttestationChallenge() {}

  /** The domain separation label. */
  public static final String LABEL = "rcskt/v1/device-attestation";

  /**
   * The challenge.
   *
   * @param subject the 32-byte subject index
   * @param carrierId the event's carrier id (1 to 64 ASCII bytes)
   * @param deviceId the event's device id (1 to 64 ASCII bytes)
   * @param keyId the 32-byte key id of the key the event introduces
   * @param timestampMs the event's timestamp
   */
  public static byte[] of(
      byte[] subject, String carrierId, String deviceId, byte[] keyId, long timestampMs) {
    if (subject.length != 32 || keyId.length != 32) {
      throw new IllegalArgumentException("subject and keyId must be 32 bytes");
    }
    MessageDigest d = sha256();
    d.update(LABEL.getBytes(StandardCharsets.US_ASCII));
    d.update((byte) 0);
    d.update(subject);
    ascii8(d, carrierId);
    ascii8(d, deviceId);
    d.update(keyId);
    for (int i = 7; i >= 0; i--) {
      d.update((byte) (timestampMs >>> (8 * i)));
    }
    return d.digest();
  }

  private static void ascii8(MessageDigest d, String s) {
    byte[] b = s.getBytes(StandardCharsets.US_ASCII);
    if (b.length < 1 || b.length > 64) {
      throw new IllegalArgumentException("identifiers are 1 to 64 bytes");
    }
    d.update((byte) b.length);
    d.update(b);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
