package org.rcskt.verifier.note;

import java.time.Clock;
import org.rcskt.verifier.crypto.Ed25519;

/**
 * Produces Ed25519 witness cosignatures, {@code cosignature/v1} (C2SP tlog-cosignature, signature
 * type {@code 0x04}), stamped with the current time from a {@link Clock}. Thread-safe.
 *
 * <p>A cosignature states that, at the stamped time, the checkpoint is the largest consistent one
 * the cosigner has seen for that log: only sign after checking consistency.
 */
public final class CosignatureV1Signer implements NoteSigner {
  private final String name;
  private final int keyId;
  private final Ed25519.KeyPair keyPair;
  private final Clock clock;

  private CosignatureV1Signer(String name, int keyId, Ed25519.KeyPair keyPair, Clock clock) {
    this.name = name;
    this.keyId = keyId;
    this.keyPair = keyPair;
    this.clock = clock;
  }

  /**
   * A cosigner for {@code keyPair} under {@code name}, stamping times from {@code clock}.
   *
   * @throws IllegalArgumentException if the name is not a valid key name
   */
  public static CosignatureV1Signer of(String name, Ed25519.KeyPair keyPair, Clock clock) {
    NoteKeys.requireValidName(name);
    int id = NoteKeys.keyId(name, NoteKeys.TYPE_COSIGNATURE_V1, keyPair.publicKey().encoded());
    return new CosignatureV1Signer(name, id, keyPair, clock);
  }

  /**
   * Parses a signer key {@code PRIVATE+KEY+name+keyid+base64(0x04 || 32-byte seed)}, checking the
   * key ID against the derived public key.
   *
   * @throws KeyFormatException if the string is malformed, the seed is not 32 bytes, the key ID
   *     does not match, or the type is {@code 0x01}
   * @throws UnsupportedAlgorithmException if the type byte is one this library does not support
   */
  public static CosignatureV1Signer fromSignerKey(String skey, Clock clock)
      throws KeyFormatException, UnsupportedAlgorithmException {
    NoteKeys.ParsedKey k = NoteKeys.parseSignerKey(skey);
    k.requireType(NoteKeys.TYPE_COSIGNATURE_V1, "signer key");
    k.requireLength(Ed25519.SEED_SIZE, "signer key");
    Ed25519.KeyPair kp = Ed25519.KeyPair.fromSeed(k.material);
    java.util.Arrays.fill(k.material, (byte) 0);
    k.requireKeyId(
        NoteKeys.keyId(k.name, NoteKeys.TYPE_COSIGNATURE_V1, kp.publicKey().encoded()),
        "signer key");
    return new CosignatureV1Signer(k.name, k.keyId, kp, clock);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public int keyId() {
    return keyId;
  }

  /**
   * Cosigns {@code body} at the clock's current second.
   *
   * @throws IllegalArgumentException as for {@link #sign(byte[], long)}
   */
  @Override
  public byte[] sign(byte[] body) {
    return sign(body, clock.instant().getEpochSecond());
  }

  /**
   * Cosigns {@code body} stamped with {@code timestamp} and returns {@code timestamp (8 bytes, big
   * endian) || Ed25519 signature}.
   *
   * @throws IllegalArgumentException if the timestamp is negative or the body is not at least three
   *     newline-terminated lines (origin, tree size, root hash)
   */
  public byte[] sign(byte[] body, long timestamp) {
    if (timestamp < 0) {
      throw new IllegalArgumentException("cosignature timestamp " + timestamp + " is negative");
    }
    int lines = 0;
    for (byte b : body) {
      lines += b == '\n' ? 1 : 0;
    }
    if (lines < 3 || body[body.length - 1] != '\n') {
      throw new IllegalArgumentException(
          "cosigned text must be a checkpoint body of at least 3 newline-terminated lines");
    }
    byte[] message = CosignatureV1Verifier.signedMessage(timestamp, body);
    byte[] out = new byte[CosignatureV1Verifier.SIGNATURE_SIZE];
    for (int i = 7; i >= 0; i--) {
      out[i] = (byte) timestamp;
      timestamp >>>= 8;
    }
    System.arraycopy(keyPair.sign(message), 0, out, 8, Ed25519.SIGNATURE_SIZE);
    return out;
  }

  /** The matching verifier. */
  public CosignatureV1Verifier verifier() {
    return CosignatureV1Verifier.of(name, keyPair.publicKey());
  }

  /** The public verifier key string (type {@code 0x04}). */
  public String verifierKey() {
    return verifier().verifierKey();
  }

  /** The secret signer key string (type {@code 0x04}). */
  public String signerKey() {
    return Ed25519NoteSigner.signerKey(name, keyId, NoteKeys.TYPE_COSIGNATURE_V1, keyPair.seed());
  }

  @Override
  public String toString() {
    return "CosignatureV1Signer[" + NoteKeys.label(name, keyId) + "]";
  }
}
