package org.rcskt.verifier.note;

import static java.nio.charset.StandardCharsets.US_ASCII;

import org.rcskt.verifier.crypto.Ed25519;

/**
 * Verifies Ed25519 witness cosignatures, {@code cosignature/v1} (C2SP tlog-cosignature, signature
 * type {@code 0x04}).
 *
 * <p>The signature bytes on the note line (after the 4-byte key ID) are an 8-byte big-endian POSIX
 * timestamp followed by a 64-byte Ed25519 signature over {@code "cosignature/v1\ntime
 * <timestamp>\n" || checkpoint body}. The key ID is {@code SHA-256(name || 0x0A || 0x04 || public
 * key)[:4]}, and the verifier key string uses type byte {@code 0x04}.
 */
public final class CosignatureV1Verifier implements NoteVerifier {
  /** Timestamp (8 bytes) plus Ed25519 signature (64 bytes). */
  public static final int SIGNATURE_SIZE = 8 + Ed25519.SIGNATURE_SIZE;

  private static final byte[] HEADER = "cosignature/v1\ntime ".getBytes(US_ASCII);

  private final String name;
  private final int keyId;
  private final Ed25519.PublicKey publicKey;

  private CosignatureV1Verifier(String name, int keyId, Ed25519.PublicKey publicKey) {
    this.name = name;
    this.keyId = keyId;
    this.publicKey = publicKey;
  }

  /**
   * The cosignature verifier for {@code publicKey} under {@code name}.
   *
   * @throws IllegalArgumentException if the name is not a valid key name
   */
  public static CosignatureV1Verifier of(String name, Ed25519.PublicKey publicKey) {
    NoteKeys.requireValidName(name);
    return new CosignatureV1Verifier(
        name, NoteKeys.keyId(name, NoteKeys.TYPE_COSIGNATURE_V1, publicKey.encoded()), publicKey);
  }

  /**
   * Parses a verifier key {@code name+keyid+base64(0x04 || 32-byte public key)}.
   *
   * @throws KeyFormatException if the string is malformed, the key is not 32 bytes or not a valid
   *     point, the key ID does not match, or the type is {@code 0x01} (a plain Ed25519 note key,
   *     whose key ID differs)
   * @throws UnsupportedAlgorithmException if the type byte is one this library does not verify
   */
  public static CosignatureV1Verifier fromVerifierKey(String vkey)
      throws KeyFormatException, UnsupportedAlgorithmException {
    NoteKeys.ParsedKey k = NoteKeys.parseVerifierKey(vkey);
    k.requireType(NoteKeys.TYPE_COSIGNATURE_V1, "verifier key");
    return fromParsed(k);
  }

  static CosignatureV1Verifier fromParsed(NoteKeys.ParsedKey k) throws KeyFormatException {
    return new CosignatureV1Verifier(k.name, k.keyId, k.ed25519PublicKey());
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public int keyId() {
    return keyId;
  }

  public Ed25519.PublicKey publicKey() {
    return publicKey;
  }

  /** The verifier key string {@code name+keyid+base64(0x04 || public key)}. */
  public String verifierKey() {
    return NoteKeys.verifierKey(name, keyId, NoteKeys.TYPE_COSIGNATURE_V1, publicKey.encoded());
  }

  @Override
  public boolean verify(byte[] body, byte[] signature) {
    if (signature.length != SIGNATURE_SIZE) {
      return false;
    }
    long timestamp = readTimestamp(signature);
    if (timestamp < 0) {
      // Above 2^63 - 1, which the spec forbids.
      return false;
    }
    byte[] message = signedMessage(timestamp, body);
    return publicKey.verify(message, 0, message.length, signature, 8);
  }

  /**
   * The timestamp of a cosignature, in seconds since the epoch.
   *
   * @throws IllegalArgumentException if {@code signature} (the bytes after the key ID) is not
   *     {@value #SIGNATURE_SIZE} bytes or the timestamp exceeds 2^63 - 1
   */
  public static long timestamp(NoteSignature signature) {
    byte[] s = signature.signatureBytes();
    if (s.length != SIGNATURE_SIZE) {
      throw new IllegalArgumentException(
          "cosignature from "
              + signature.keyLabel()
              + " is "
              + s.length
              + " bytes, expected "
              + SIGNATURE_SIZE);
    }
    long t = readTimestamp(s);
    if (t < 0) {
      throw new IllegalArgumentException(
          "cosignature from " + signature.keyLabel() + " has a timestamp above 2^63 - 1");
    }
    return t;
  }

  /**
   * The big-endian timestamp in the first 8 bytes of a timestamped signature (negative: over 2^63 -
   * 1).
   */
  public static long readTimestamp(byte[] s) {
    long t = 0;
    for (int i = 0; i < 8; i++) {
      t = (t << 8) | (s[i] & 0xff);
    }
    return t;
  }

  /** {@code "cosignature/v1\ntime " || decimal timestamp || "\n" || body}. */
  static byte[] signedMessage(long timestamp, byte[] body) {
    byte[] digits = Long.toString(timestamp).getBytes(US_ASCII);
    byte[] m = new byte[HEADER.length + digits.length + 1 + body.length];
    System.arraycopy(HEADER, 0, m, 0, HEADER.length);
    System.arraycopy(digits, 0, m, HEADER.length, digits.length);
    m[HEADER.length + digits.length] = '\n';
    System.arraycopy(body, 0, m, HEADER.length + digits.length + 1, body.length);
    return m;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CosignatureV1Verifier
        && ((CosignatureV1Verifier) o).name.equals(name)
        && ((CosignatureV1Verifier) o).publicKey.equals(publicKey);
  }

  @Override
  public int hashCode() {
    return name.hashCode() * 31 + publicKey.hashCode() + 4;
  }

  @Override
  public String toString() {
    return verifierKey();
  }
}
