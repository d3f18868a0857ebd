package org.rcskt.verifier.crypto;

import org.bouncycastle.crypto.CipherParameters;
import org.bouncycastle.crypto.CryptoException;
import org.bouncycastle.crypto.params.MLDSAPrivateKeyParameters;
import org.bouncycastle.crypto.params.MLDSAPublicKeyParameters;
import org.bouncycastle.crypto.params.ParametersWithContext;
import org.bouncycastle.crypto.signers.MLDSASigner;

/** What {@link MlDsa65} and {@link MlDsa44} share: the Bouncy Castle calls and the key classes. */
final class MlDsaImpl {
  private static final byte[] NO_CONTEXT = new byte[0];

  /** The longest context string FIPS 204 allows. */
  static final int MAX_CONTEXT_SIZE = 255;

  private MlDsaImpl() {}

  static CipherParameters withContext(CipherParameters key, byte[] context) {
    if (context == null || context.length == 0) {
      return key;
    }
    if (context.length > MAX_CONTEXT_SIZE) {
      throw new IllegalArgumentException(
          "ML-DSA context is " + context.length + " bytes, more than " + MAX_CONTEXT_SIZE);
    }
    return new ParametersWithContext(key, context);
  }

  /** FIPS 204 ML-DSA.Verify (pure) of {@code sig} over {@code message[off..off+len)}. */
  static boolean verify(
      MLDSAPublicKeyParameters key, byte[] message, int off, int len, byte[] context, byte[] sig) {
    if (context != null && context.length > MAX_CONTEXT_SIZE) {
      return false;
    }
    MLDSASigner v = new MLDSASigner();
    v.init(false, withContext(key, context));
    v.update(message, off, len);
    return v.verifySignature(sig);
  }

  /** The deterministic FIPS 204 signature (rnd = 32 zero bytes) of {@code message}. */
  static byte[] sign(MLDSAPrivateKeyParameters key, byte[] message, byte[] context) {
    MLDSASigner s = new MLDSASigner();
    s.init(true, withContext(key, context));
    s.update(message, 0, message.length);
    try {
      return s.generateSignature();
    } catch (CryptoException e) {
      throw new IllegalStateException("ML-DSA signing failed", e);
    }
  }

  /** A public key of one ML-DSA parameter set. Immutable and thread-safe. */
  abstract static class PublicKeyBase {
    private final byte[] encoded;
    private final MLDSAPublicKeyParameters params;
    private final int signatureSize;
    private final String name;

    PublicKeyBase(
        org.bouncycastle.crypto.params.MLDSAParameters set,
        byte[] encoded,
        int signatureSize,
        String name) {
      this.encoded = encoded;
      this.params = new MLDSAPublicKeyParameters(set, encoded);
      this.signatureSize = signatureSize;
      this.name = name;
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
      if (sigLen != signatureSize || sigOff < 0 || sig.length - sigOff < signatureSize) {
        return false;
      }
      byte[] s =
          sigOff == 0 && sig.length == signatureSize
              ? sig
              : java.util.Arrays.copyOfRange(sig, sigOff, sigOff + signatureSize);
      return MlDsaImpl.verify(params, message, off, len, context, s);
    }

    /** A copy of the encoded bytes. */
    public byte[] encoded() {
      return encoded.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o != null
          && o.getClass() == getClass()
          && java.util.Arrays.equals(encoded, ((PublicKeyBase) o).encoded);
    }

    @Override
    public int hashCode() {
      return java.util.Arrays.hashCode(encoded);
    }

    @Override
    public String toString() {
      return name
          + "PublicKey["
          + java.util.HexFormat.of().formatHex(encoded, 0, 8)
          + "..("
          + encoded.length
          + " bytes)]";
    }
  }

  /** A private key of one ML-DSA parameter set (its 32-byte seed). */
  abstract static class KeyPairBase {
    private final byte[] seed;
    private final MLDSAPrivateKeyParameters secret;

    KeyPairBase(org.bouncycastle.crypto.params.MLDSAParameters set, byte[] seed) {
      this.seed = seed;
      this.secret = new MLDSAPrivateKeyParameters(set, seed);
    }

    /** The encoded public key the seed gives. */
    byte[] publicKeyBytes() {
      return secret.getPublicKey();
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

    /** A copy of the 32-byte seed. Handle with care: it is the private key. */
    public byte[] seed() {
      return seed.clone();
    }
  }

  /** A 32-byte seed, checked. */
  static byte[] seed(byte[] seed, String name) {
    if (seed == null || seed.length != 32) {
      throw new IllegalArgumentException(
          name + " seed must be 32 bytes, got " + (seed == null ? 0 : seed.length));
    }
    return seed.clone();
  }

  /** {@code bytes[off..off+len)} as a public key encoding of {@code size} bytes. */
  static byte[] keyBytes(byte[] bytes, int off, int len, int size, String name) {
    if (bytes == null || len != size) {
      throw new IllegalArgumentException(
          name + " public key must be " + size + " bytes, got " + len);
    }
    return java.util.Arrays.copyOfRange(bytes, off, off + len);
  }
}
