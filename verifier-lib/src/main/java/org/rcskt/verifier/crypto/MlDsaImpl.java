package org.rcskt.verifier.crypto;

import org.bouncycastle.crypto.CipherParameters;
import org.bouncycastle.crypto.CryptoException;
import org.bouncycastle.crypto.params.MLDSAPrivateKeyParameters;
import org.bouncycastle.crypto.params.MLDSAPublicKeyParameters;
import org.bouncycastle.crypto.params.ParametersWithContext;
import org.bouncycastle.crypto.signers.MLDSASigner;

/** The Bouncy Castle calls {@link MlDsa65} and {@link MlDsa44} share. */
final class MlDsaImpl {
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
}
