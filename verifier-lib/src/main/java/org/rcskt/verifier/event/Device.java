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
 */
public record Device(
    String deviceId,
    PublicKeyInfo publicKey,
    boolean attested,
    boolean recovered,
    java.util.List<KexKey> kexKeys) {
  /** A device without key-agreement keys. */
  public Device(String deviceId, PublicKeyInfo publicKey, boolean attested, boolean recovered) {
    this(deviceId, publicKey, attested, recovered, java.util.List.of());
  }

  /** This device with {@code keys} as its key-agreement keys. */
  public Device withKexKeys(java.util.List<KexKey> keys) {
    return new Device(deviceId, publicKey, attested, recovered, keys);
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
