package org.rcskt.verifier.crypto;

import java.security.SecureRandom;
import java.util.Arrays;
import org.bouncycastle.crypto.params.MLDSAParameters;
import org.bouncycastle.crypto.params.MLDSAPrivateKeyParameters;
import org.bouncycastle.crypto.params.MLDSAPublicKeyParameters;

/**
 * ML-DSA-65 (FIPS 204), pure mode, through Bouncy Castle's lightweight API.
 *
 * <p>Keys are made from a 32-byte seed (FIPS 204 ML-DSA.KeyGen_internal with that seed as xi) and
 * signatures are deterministic (FIPS 204 section 3.4: rnd is 32 zero bytes), so the same key and
 * message always give the same bytes; that is what makes the project's vectors reproducible, and a
 * device that prefers hedged signing produces signatures that verify the same way. A context string
 * of 0 to 255 bytes is part of what is signed (FIPS 204 algorithm 2: the message signed internally
 * is {@code 0x00 || len(ctx) || ctx || M}); an empty one is the FIPS 204 default.
 *
 * <p>Every 1,952-byte string is the encoding of some public key (rho and ten-bit coefficients of
 * t1, all values allowed), so a key never fails to decode; a signature whose encoding is not
 * canonical (a hint out of order, coefficients out of range) does not verify.
 */
public final class MlDsa65 {
  /** Public key length in bytes. */
  public static final int PUBLIC_KEY_SIZE = 1952;

  /** Signature length in bytes. */
  public static final int SIGNATURE_SIZE = 3309;

  /** Seed (private key) length in bytes. */
  public static final int SEED_SIZE = 32;

  /** The longest context string FIPS 204 allows. */
  public static final int MAX_CONTEXT_SIZE = MlDsaImpl.MAX_CONTEXT_SIZE;

  private static final MLDSAParameters PARAMS = MLDSAParameters.ml_dsa_65;
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final byte[] NO_CONTEXT = new byte[0];

  private MlDsa65() {}

  /** An ML-DSA-65 public key. Immutable and safe to share between threads. */
  public static final class PublicKey {
    private final byte[] encoded;
    private final MLDSAPublicKeyParameters params;

    private PublicKey(byte[] encoded, MLDSAPublicKeyParameters params) {
      this.encoded = encoded;
      this.params = params;
    }

    /**
     * The key with this 1,952-byte encoding.
     *
     * @throws IllegalArgumentException if the length is wrong
     */
    public static PublicKey of(byte[] encoded) {
      return of(encoded, 0, encoded == null ? 0 : encoded.length);
    }

    /**
     * The key encoded at {@code bytes[off..off+len)}.
     *
     * @throws IllegalArgumentException if {@code len} is not 1,952
     */
    public static PublicKey of(byte[] bytes, int off, int len) {
      if (bytes == null || len != PUBLIC_KEY_SIZE) {
        throw new IllegalArgumentException(
            "ML-DSA-65 public key must be " + PUBLIC_KEY_SIZE + " bytes, got " + len);
      }
      byte[] encoded = Arrays.copyOfRange(bytes, off, off + len);
      return new PublicKey(encoded, new MLDSAPublicKeyParameters(PARAMS, encoded));
    }

    /** Verifies {@code signature} over {@code message} with the empty context. */
    public boolean verify(byte[] message, byte[] signature) {
      return verify(message, 0, message.length, NO_CONTEXT, signature, 0, signature.length);
    }

    /**
     * Verifies the signature at {@code sig[sigOff..sigOff+sigLen)} over {@code
     * message[off..off+len)} under {@code context}. Returns false (never throws) for a signature of
     * the wrong length or a context longer than 255 bytes.
     */
    public boolean verify(
        byte[] message, int off, int len, byte[] context, byte[] sig, int sigOff, int sigLen) {
      if (sigLen != SIGNATURE_SIZE || sigOff < 0 || sig.length - sigOff < SIGNATURE_SIZE) {
        return false;
      }
      byte[] s =
          sigOff == 0 && sig.length == SIGNATURE_SIZE
              ? sig
              : Arrays.copyOfRange(sig, sigOff, sigOff + SIGNATURE_SIZE);
      return MlDsaImpl.verify(params, message, off, len, context, s);
    }

    /** A copy of the 1,952 encoded bytes. */
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
      return "MlDsa65PublicKey["
          + java.util.HexFormat.of().formatHex(encoded, 0, 8)
          + "..("
          + PUBLIC_KEY_SIZE
          + " bytes)]";
    }
  }

  /** An ML-DSA-65 private key (its 32-byte seed) with its public key. */
  public static final class KeyPair {
    private final byte[] seed;
    private final MLDSAPrivateKeyParameters secret;
    private final PublicKey publicKey;

    private KeyPair(byte[] seed) {
      this.seed = seed;
      this.secret = new MLDSAPrivateKeyParameters(PARAMS, seed);
      byte[] pub = secret.getPublicKey();
      this.publicKey = new PublicKey(pub, new MLDSAPublicKeyParameters(PARAMS, pub));
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
      if (seed == null || seed.length != SEED_SIZE) {
        throw new IllegalArgumentException(
            "ML-DSA-65 seed must be "
                + SEED_SIZE
                + " bytes, got "
                + (seed == null ? 0 : seed.length));
      }
      return new KeyPair(seed.clone());
    }

    /** The deterministic signature of {@code message} with the empty context. */
    public byte[] sign(byte[] message) {
      return sign(message, NO_CONTEXT);
    }

    /**
     * The deterministic signature of {@code message} under {@code context} (0 to 255 bytes).
     *
     * @throws IllegalArgumentException if the context is longer than 255 bytes
     */
    public byte[] sign(byte[] message, byte[] context) {
      return MlDsaImpl.sign(secret, message, context);
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
      return "MlDsa65KeyPair[public=" + publicKey + "]";
    }
  }
}
