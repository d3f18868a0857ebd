package org.rcskt.verifier.crypto;

import java.security.SecureRandom;
import java.util.Arrays;
import org.bouncycastle.crypto.digests.SHA512Digest;

/**
 * Ed25519 (RFC 8032, pure). Every signature check in the project goes through here; signing is
 * Bouncy Castle's low-level implementation.
 *
 * <p>What is accepted is fixed by docs/protocol.md section 7.1 (docs/design/0007-strict-ed25519.md
 * says why): only signatures that both the cofactored and the cofactorless equation accept, with
 * canonical encodings, a public key in the prime-order subgroup, an R that is not of small order
 * and S below the group order, so that every mainstream verifier agrees with the log. Bouncy
 * Castle's own verification is cofactored, so the equation is computed by {@link Ed25519Group}.
 *
 * <p>A {@link PublicKey} decodes and validates its point once, including the subgroup check (about
 * one scalar multiplication) and the tables its verifications use, so hold on to it: repeated
 * verifications with the same key (a log's checkpoints, a carrier's attestations) cost only the
 * equation. Ports must match these rules exactly (see {@code Ed25519EdgeCasesTest}).
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
    private final Ed25519Group.KeyTables tables;

    private PublicKey(byte[] encoded, Ed25519Group.KeyTables tables) {
      this.encoded = encoded;
      this.tables = tables;
    }

    /**
     * Decodes and validates a 32-byte public key (docs/protocol.md section 7.1): y below p, not the
     * x = 0 encoding with the sign bit set, a curve point, not of small order, and in the
     * prime-order subgroup ([L]A is the identity, so no small-order component either).
     *
     * @throws IllegalArgumentException if the length is wrong or the key breaks one of these rules;
     *     the message says which
     */
    public static PublicKey of(byte[] encoded) {
      return decode(encoded, true);
    }

    private static PublicKey decode(byte[] encoded, boolean checkSubgroup) {
      if (encoded == null || encoded.length != PUBLIC_KEY_SIZE) {
        throw new IllegalArgumentException(
            "Ed25519 public key must be "
                + PUBLIC_KEY_SIZE
                + " bytes, got "
                + (encoded == null ? 0 : encoded.length));
      }
      if (!Ed25519Group.isCanonicalY(encoded, 0)) {
        throw new IllegalArgumentException("Ed25519 public key is not canonical: y >= p");
      }
      if (Ed25519Group.isNegativeZeroX(encoded, 0)) {
        throw new IllegalArgumentException(
            "Ed25519 public key is not canonical: x = 0 with the sign bit set");
      }
      Ed25519Group.Ext a = Ed25519Group.decode(encoded);
      if (a == null) {
        throw new IllegalArgumentException("Ed25519 public key is not a valid curve point");
      }
      if (Ed25519Group.isSmallOrderEncoding(encoded, 0)) {
        throw new IllegalArgumentException("Ed25519 public key is of small order");
      }
      Ed25519Group.KeyTables tables = Ed25519Group.tables(a);
      if (checkSubgroup && !Ed25519Group.isTorsionFree(tables)) {
        throw new IllegalArgumentException(
            "Ed25519 public key has a small-order component: [L]A is not the identity");
      }
      return new PublicKey(encoded.clone(), tables);
    }

    /** Verifies {@code signature} over all of {@code message}; false for a wrong-size signature. */
    public boolean verify(byte[] message, byte[] signature) {
      return verify(message, 0, message.length, signature, 0);
    }

    /**
     * Verifies the 64-byte signature at {@code sig[sigOff..]} over {@code message[off..off+len)} by
     * the rules of docs/protocol.md section 7.1. Returns false (never throws) when the signature
     * does not fit in {@code sig}.
     */
    public boolean verify(byte[] message, int off, int len, byte[] sig, int sigOff) {
      if (sigOff < 0 || sig.length - sigOff < SIGNATURE_SIZE) {
        return false;
      }
      if (!Ed25519Group.isReducedScalar(sig, sigOff + 32)
          || !Ed25519Group.isCanonicalY(sig, sigOff)
          || Ed25519Group.isNegativeZeroX(sig, sigOff)
          || Ed25519Group.isSmallOrderEncoding(sig, sigOff)) {
        return false;
      }
      byte[] k = challenge(sig, sigOff, message, off, len);
      return Ed25519Group.cofactorlessEquation(sig, sigOff, k, tables);
    }

    /** k = SHA-512(R || A || M) mod L. */
    private byte[] challenge(byte[] sig, int sigOff, byte[] message, int off, int len) {
      SHA512Digest d = new SHA512Digest();
      d.update(sig, sigOff, 32);
      d.update(encoded, 0, PUBLIC_KEY_SIZE);
      d.update(message, off, len);
      byte[] h = new byte[64];
      d.doFinal(h, 0);
      return Ed25519Group.reduce512(h);
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
      // [s]B is in the prime-order subgroup by construction: skip the subgroup check.
      return new KeyPair(seed.clone(), PublicKey.decode(pub, false));
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
