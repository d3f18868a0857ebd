package org.rcskt.verifier.crypto;

import java.security.SecureRandom;
import java.util.Arrays;
import org.bouncycastle.math.ec.rfc8032.Ed25519.PublicPoint;

/**
 * Ed25519 (RFC 8032, pure) through Bouncy Castle's low-level implementation, which verifies several
 * times faster than the JDK provider. Every signature check in the project goes through here.
 *
 * <p>A {@link PublicKey} decodes and validates its point once, so repeated verifications with the
 * same key (a log's checkpoints, a carrier's attestations) skip the decompression.
 *
 * <p>What is accepted is fixed by docs/protocol.md section 7.1 and is Bouncy Castle's behaviour:
 * keys of small order and non-canonical encodings are rejected, S must be below the group order,
 * and the equation is the cofactored one, so a signature with a small-order component in R or in
 * the key verifies. Ports must match this exactly (see {@code Ed25519EdgeCasesTest}).
 */
public final class Ed25519 {
  /** Public key length in bytes. */
  public static final int PUBLIC_KEY_SIZE = 32;

  /** Seed (private key) length in bytes. */
  public static final int SEED_SIZE = 32;

  /** Signature length in bytes. */
  public static final int SIGNATURE_SIZE = 64;

  private static final SecureRandom RANDOM = new SecureRandom();

  private Ed25519() {}

  /** A validated Ed25519 public key. Immutable and safe to share between threads. */
  public static final class PublicKey {
    private final byte[] encoded;
    private final PublicPoint point;

    private PublicKey(byte[] encoded, PublicPoint point) {
      this.encoded = encoded;
      this.point = point;
    }

    /**
     * Decodes and validates a 32-byte public key.
     *
     * @throws IllegalArgumentException if the length is wrong or the bytes are not a valid point
     */
    public static PublicKey of(byte[] encoded) {
      if (encoded == null || encoded.length != PUBLIC_KEY_SIZE) {
        throw new IllegalArgumentException(
            "Ed25519 public key must be "
                + PUBLIC_KEY_SIZE
                + " bytes, got "
                + (encoded == null ? 0 : encoded.length));
      }
      PublicPoint p =
          org.bouncycastle.math.ec.rfc8032.Ed25519.validatePublicKeyPartialExport(encoded, 0);
      if (p == null) {
        throw new IllegalArgumentException("Ed25519 public key is not a valid curve point");
      }
      return new PublicKey(encoded.clone(), p);
    }

    /** Verifies {@code signature} over all of {@code message}; false for a wrong-size signature. */
    public boolean verify(byte[] message, byte[] signature) {
      return verify(message, 0, message.length, signature, 0);
    }

    /**
     * Verifies the 64-byte signature at {@code sig[sigOff..]} over {@code message[off..off+len)}.
     * Returns false (never throws) when the signature does not fit in {@code sig}.
     */
    public boolean verify(byte[] message, int off, int len, byte[] sig, int sigOff) {
      if (sigOff < 0 || sig.length - sigOff < SIGNATURE_SIZE) {
        return false;
      }
      return org.bouncycastle.math.ec.rfc8032.Ed25519.verify(sig, sigOff, point, message, off, len);
    }

    /** A copy of the 32 encoded bytes. */
    public byte[] encoded() {
      return encoded.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof PublicKey && Arrays.equals(encoded, ((PublicKey) o).encoded);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(encoded);
    }

    @Override
    public String toString() {
      return "Ed25519PublicKey[" + java.util.HexFormat.of().formatHex(encoded) + "]";
    }
  }

  /** An Ed25519 private key (its 32-byte seed) with its public key. */
  public static final class KeyPair {
    private final byte[] seed;
    private final PublicKey publicKey;

    private KeyPair(byte[] seed, PublicKey publicKey) {
      this.seed = seed;
      this.publicKey = publicKey;
    }

    /** A fresh key pair from a {@link SecureRandom}. */
    public static KeyPair generate() {
      return generate(RANDOM);
    }

    /** A key pair from {@code random}; tests pass a seeded generator for reproducible keys. */
    public static KeyPair generate(java.util.Random random) {
      byte[] seed = new byte[SEED_SIZE];
      random.nextBytes(seed);
      return fromSeed(seed);
    }

    /**
     * The key pair for a 32-byte seed.
     *
     * @throws IllegalArgumentException if {@code seed} is not 32 bytes
     */
    public static KeyPair fromSeed(byte[] seed) {
      if (seed == null || seed.length != SEED_SIZE) {
        throw new IllegalArgumentException(
            "Ed25519 seed must be "
                + SEED_SIZE
                + " bytes, got "
                + (seed == null ? 0 : seed.length));
      }
      byte[] pub = new byte[PUBLIC_KEY_SIZE];
      org.bouncycastle.math.ec.rfc8032.Ed25519.generatePublicKey(seed, 0, pub, 0);
      return new KeyPair(seed.clone(), PublicKey.of(pub));
    }

    /** Signs all of {@code message}; returns the 64-byte signature. */
    public byte[] sign(byte[] message) {
      return sign(message, 0, message.length);
    }

    /** Signs {@code message[off..off+len)}; returns the 64-byte signature. */
    public byte[] sign(byte[] message, int off, int len) {
      byte[] sig = new byte[SIGNATURE_SIZE];
      org.bouncycastle.math.ec.rfc8032.Ed25519.sign(
          seed, 0, publicKey.encoded, 0, message, off, len, sig, 0);
      return sig;
    }

    public PublicKey publicKey() {
      return publicKey;
    }

    /** A copy of the 32-byte seed. Handle with care: it is the private key. */
    public byte[] seed() {
      return seed.clone();
    }

    @Override
    public String toString() {
      return "Ed25519KeyPair[public=" + publicKey + "]";
    }
  }
}
