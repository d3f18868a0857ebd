package org.rcskt.verifier.vrf;

import java.util.Base64;

/**
 * The text forms of a log's VRF keys (docs/protocol.md, appendix on the ECVRF), shaped like C2SP
 * signed-note keys so that they sit in the same kind of one-line key file:
 *
 * <ul>
 *   <li>public: {@code <name>+ECVRF-EDWARDS25519-SHA512-TAI+<base64 of the 32-byte public key>}
 *   <li>secret: {@code PRIVATE+VRF+<name>+ECVRF-EDWARDS25519-SHA512-TAI+<base64 of the 32-byte
 *       secret key>}
 * </ul>
 *
 * <p>The name is a label (the log's origin by convention); it takes no part in the VRF. The suite
 * name is spelled out so that a key of another suite can never be read as this one.
 */
public final class VrfKeys {
  /** The suite's name in the key strings. */
  public static final String SUITE = "ECVRF-EDWARDS25519-SHA512-TAI";

  private static final String SECRET_PREFIX = "PRIVATE+VRF+";

  private VrfKeys() {}

  /** A parsed public key string. */
  public record PublicKey(String name, byte[] key) {
    public PublicKey {
      key = key.clone();
    }

    @Override
    public byte[] key() {
      return key.clone();
    }

    /** The key's text form. */
    public String format() {
      return name + "+" + SUITE + "+" + Base64.getEncoder().encodeToString(key);
    }
  }

  /** The text form of a secret key with its label. */
  public static String formatSecret(String name, byte[] secretKey) {
    checkName(name);
    if (secretKey.length != EcVrf.SECRET_KEY_SIZE) {
      throw new IllegalArgumentException(
          "ECVRF secret key must be " + EcVrf.SECRET_KEY_SIZE + " bytes, got " + secretKey.length);
    }
    return SECRET_PREFIX + name + "+" + SUITE + "+" + Base64.getEncoder().encodeToString(secretKey);
  }

  /**
   * The 32-byte secret key in a secret key string.
   *
   * @throws IllegalArgumentException if the string is not of the form above
   */
  public static byte[] parseSecret(String text) {
    if (!text.startsWith(SECRET_PREFIX)) {
      throw new IllegalArgumentException("a VRF secret key starts with " + SECRET_PREFIX);
    }
    String[] parts = text.substring(SECRET_PREFIX.length()).split("\\+", 3);
    byte[] key = decode(parts, "secret");
    if (key.length != EcVrf.SECRET_KEY_SIZE) {
      throw new IllegalArgumentException(
          "a VRF secret key holds " + EcVrf.SECRET_KEY_SIZE + " bytes, got " + key.length);
    }
    return key;
  }

  /** The label of a secret key string (its public key string carries the same). */
  public static String secretName(String text) {
    parseSecret(text);
    return text.substring(SECRET_PREFIX.length()).split("\\+", 2)[0];
  }

  /**
   * Parses and validates a public key string: a key {@link EcVrf#verify} accepts.
   *
   * @throws VrfVerificationException if the key is not a valid ECVRF public key
   * @throws IllegalArgumentException if the string is not of the form above
   */
  public static PublicKey parsePublic(String text) throws VrfVerificationException {
    String[] parts = text.split("\\+", 3);
    byte[] key = decode(parts, "public");
    EcVrf.validatePublicKey(key);
    return new PublicKey(parts[0], key);
  }

  private static byte[] decode(String[] parts, String what) {
    if (parts.length != 3 || !parts[1].equals(SUITE)) {
      throw new IllegalArgumentException(
          "a VRF " + what + " key is <name>+" + SUITE + "+<base64>; got another form");
    }
    checkName(parts[0]);
    byte[] key;
    try {
      key = Base64.getDecoder().decode(parts[2]);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("a VRF " + what + " key's data is not base64", e);
    }
    if (!Base64.getEncoder().encodeToString(key).equals(parts[2])) {
      throw new IllegalArgumentException("a VRF " + what + " key's base64 is not canonical");
    }
    return key;
  }

  private static void checkName(String name) {
    if (name.isEmpty() || name.chars().anyMatch(c -> c <= ' ' || c == '+' || c >= 0x7f)) {
      throw new IllegalArgumentException(
          "a VRF key name must be non-empty printable ASCII without spaces or '+', got \""
              + name
              + "\"");
    }
  }
}
