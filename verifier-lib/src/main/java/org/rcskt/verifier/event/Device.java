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
 */
public record Device(
    String deviceId, PublicKeyInfo publicKey, boolean attested, boolean recovered) {
  public Device {
    String p = EventFormat.deviceIdProblem(deviceId);
    if (p != null) {
      throw new IllegalArgumentException("deviceId: " + p);
    }
    if (publicKey == null) {
      throw new IllegalArgumentException("publicKey: missing");
    }
  }
}
