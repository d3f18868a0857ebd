package org.rcskt.verifier.crypto;

import java.security.SecureRandom;
import org.bouncycastle.crypto.params.MLDSAParameters;

/**
 * ML-DSA-44 (FIPS 204), pure mode, through Bouncy Castle's lightweight API. It signs the log's
 * post-quantum checkpoint line (C2SP tlog-cosignature type 0x06); device and anchor keys use {@link
 * MlDsa65}.
 *
 * <p>Keys are made from a 32-byte seed (FIPS 204 ML-DSA.KeyGen_internal with that seed as xi) and
 * signatures are deterministic (FIPS 204 section 3.4: rnd is 32 zero bytes), so the same key and
 * message always give the same bytes; that is what makes the project's vectors reproducible, and a
 * signer that prefers hedged signing produces signatures that verify the same way. A context string
 * of 0 to 255 bytes is part of what is signed (FIPS 204 algorithm 2: the message signed internally
 * is {@code 0x00 || len(ctx) || ctx || M}); an empty one is the FIPS 204 default.
 *
 * <p>Every 1,312-byte string is the encoding of some public key (rho and ten-bit coefficients of
 * t1, all values allowed), so a key never fails to decode; a signature whose encoding is not
 * canonical (a hint out of order, coefficients out of range) does not verify.
 */
public final class MlDsa44 {
  /** Public key length in bytes. */
  public static final int PUBLIC_KEY_SIZE = 1312;

  /** Signature length in bytes. */
  public static final int SIGNATURE_SIZE = 2420;

  /** Seed (private key) length in bytes. */
  public static final int SEED_SIZE = 32;

  /** The longest context string FIPS 204 allows. */
  public static final int MAX_CONTEXT_SIZE = MlDsaImpl.MAX_CONTEXT_SIZE;

  private static final MLDSAParameters PARAMS = MLDSAParameters.ml_dsa_44;
  private static final SecureRandom RANDOM = new SecureRandom();

  private MlDsa44() {}

  /** An ML-DSA-44 public key. Immutable and safe to share between threads. */
  public static final class PublicKey extends MlDsaImpl.PublicKeyBase {
    private PublicKey(byte[] encoded) {
      super(PARAMS, encoded, SIGNATURE_SIZE, "MlDsa44");
    }

    /**
     * The key with this 1,312-byte encoding.
     *
     * @throws IllegalArgumentException if the length is wrong
     */
    public static PublicKey of(byte[] encoded) {
      return of(encoded, 0, encoded == null ? 0 : encoded.length);
    }

    /**
     * The key encoded at {@code bytes[off..off+len)}.
     *
     * @throws IllegalArgumentException if {@code len} is not 1,312
     */
    public static PublicKey of(byte[] bytes, int off, int len) {
      return new PublicKey(MlDsaImpl.keyBytes(bytes, off, len, PUBLIC_KEY_SIZE, "ML-DSA-44"));
    }
  }

  /** An ML-DSA-44 private key (its 32-byte seed) with its public key. */
  public static final class KeyPair extends MlDsaImpl.KeyPairBase {
    private final PublicKey publicKey;

    private KeyPair(byte[] seed) {
      super(PARAMS, seed);
      this.publicKey = new PublicKey(publicKeyBytes());
    }

    /** A fresh key pair from a {@link SecureRandom}. */
    public static KeyPair generate() {
      return generate(RANDOM);
    }

    /** A key pair from {@code random}; tests pass a seeded generator for reproducible keys. */
    public static KeyPair generate(java.util.Random random) {
      byte[] seed = new byte[SEED_SIZE];
      random.nextBytes(seed);
      return new KeyPair(seed);
    }

    /**
     * The key pair for a 32-byte seed (FIPS 204 ML-DSA.KeyGen_internal(xi = seed)).
     *
     * @throws IllegalArgumentException if {@code seed} is not 32 bytes
     */
    public static KeyPair fromSeed(byte[] seed) {
      return new KeyPair(MlDsaImpl.seed(seed, "ML-DSA-44"));
    }

    public PublicKey publicKey() {
      return publicKey;
    }

    @Override
    public String toString() {
      return "MlDsa44KeyPair[public=" + publicKey + "]";
    }
  }
}
