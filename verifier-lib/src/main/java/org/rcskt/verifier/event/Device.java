package org.rcskt.verifier.event;

/**
 * One active device of a subject.
 *
 * @param deviceId the device id from the REGISTER or ROTATE that installed the key
 * @param publicKey the device's current key
 * @param attested whether a carrier vouched for the key: its REGISTER or ROTATE carried a carrier
 *     attestation, or it was rotated, with the old key's signature, from an attested key. False
 *     marks a trust-on-first-use registration and its descendants
 * @param recovered whether the key was installed by a recovery: a carrier-signed ROTATE without the
 *     replaced key's signature. Clients should warn about such a key
 * @param kexKeys the key-agreement keys the device published with its current identity key (a KEYS
 *     event), in ascending order of algorithm; a ROTATE clears them
 * @param deviceAttestation what the device attestation evidence of the key's REGISTER or ROTATE
 *     showed, or null when it carried none
 */
public record Device(
    String deviceId,
    PublicKeyInfo publicKey,
    boolean attested,
    boolean recovered,
    java.util.List<KexKey> kexKeys,
    AttestationMark deviceAttestation) {
  /** A device without key-agreement keys or device attestation. */
  public Device(String deviceId, PublicKeyInfo publicKey, boolean attested, boolean recovered) {
    this(deviceId, publicKey, attested, recovered, java.util.List.of(), null);
  }

  /** A device without device attestation. */
  public Device(
      String deviceId,
      PublicKeyInfo publicKey,
      boolean attested,
      boolean recovered,
      java.util.List<KexKey> kexKeys) {
    this(deviceId, publicKey, attested, recovered, kexKeys, null);
  }

  /** This device with {@code keys} as its key-agreement keys. */
  public Device withKexKeys(java.util.List<KexKey> keys) {
    return new Device(deviceId, publicKey, attested, recovered, keys, deviceAttestation);
  }

  public Device {
    kexKeys = java.util.List.copyOf(kexKeys);
    String p = EventFormat.deviceIdProblem(deviceId);
    if (p != null) {
      throw new IllegalArgumentException("deviceId: " + p);
    }
    if (publicKey == null) {
      throw new IllegalArgumentException("publicKey: missing");
    }
  }
}
