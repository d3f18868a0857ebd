package org.rcskt.verifier.attestation;

/** The kinds of device attestation evidence, with their code in the evidence encoding. */
public enum Platform {
  /** An Android Key Attestation certificate chain. */
  ANDROID_KEY_ATTESTATION(1),
  /** An Apple App Attest attestation object. */
  APPLE_APP_ATTEST(2);

  private final int code;

  Platform(int code) {
    this.code = code;
  }

  /** The evidence encoding's {@code format} byte. */
  public int code() {
    return code;
  }

  /** The platform with {@code code}, or null. */
  public static Platform ofCode(int code) {
    for (Platform p : values()) {
      if (p.code == code) {
        return p;
      }
    }
    return null;
  }
}
