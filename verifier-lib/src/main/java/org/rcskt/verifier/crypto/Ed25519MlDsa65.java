package org.rcskt.verifier.crypto;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The Ed25519 + ML-DSA-65 hybrid signature of docs/protocol.md section 7.2: both parts sign the
 * same domain-separated message, the signature is the Ed25519 signature followed by the ML-DSA-65
 * one, and it is valid only when both are.
 *
 * <pre>
 * M'  = "rcskt/v1/hybrid/ed25519-ml-dsa-65" || 0x00 || M
 * sig = Ed25519.Sign(ed_sk, M') || ML-DSA-65.Sign(ml_sk, M', ctx = "rcskt/v1/hybrid/ed25519-ml-dsa-65")
 * </pre>
 *
 * <p>The label keeps either half from standing alone: an Ed25519-only key's signatures cover the
 * message itself, never a string starting with this label, and a lone ML-DSA-65 key signs with the
 * empty context, which FIPS 204 makes part of what is signed. docs/design/0012-post-quantum.md
 * compares this with the IETF composite signatures.
 */
public final class Ed25519MlDsa65 {
  /** The domain-separation label, also the ML-DSA context. */
  public static final byte[] LABEL =
      "rcskt/v1/hybrid/ed25519-ml-dsa-65".getBytes(StandardCharsets.US_ASCII);

  /** Public key length: the Ed25519 key, then the ML-DSA-65 key. */
  public static final int PUBLIC_KEY_SIZE = Ed25519.PUBLIC_KEY_SIZE + MlDsa65.PUBLIC_KEY_SIZE;

  /** Signature length: the Ed25519 signature, then the ML-DSA-65 signature. */
  public static final int SIGNATURE_SIZE = Ed25519.SIGNATURE_SIZE + MlDsa65.SIGNATURE_SIZE;

  private Ed25519MlDsa65() {}

  /** M' for message {@code m}: the label, a zero byte, then {@code m}. */
  public static byte[] hybridMessage(byte[] m) {
    byte[] out = new byte[LABEL.length + 1 + m.length];
    System.arraycopy(LABEL, 0, out, 0, LABEL.length);
    System.arraycopy(m, 0, out, LABEL.length + 1, m.length);
    return out;
  }

  /** A hybrid public key: both halves decoded and validated. Immutable and thread-safe. */
  public static final class PublicKey {
    private final Ed25519.PublicKey ed25519;
    private final MlDsa65.PublicKey mlDsa;

    private PublicKey(Ed25519.PublicKey ed25519, MlDsa65.PublicKey mlDsa) {
      this.ed25519 = ed25519;
      this.mlDsa = mlDsa;
    }

    /**
     * Decodes the 1,984-byte hybrid key; its Ed25519 half must pass every check of {@link
     * Ed25519.PublicKey#of}.
     *
     * @throws IllegalArgumentException if the length is wrong or the Ed25519 half is not a valid
     *     key; the message says which half
     */
    public static PublicKey of(byte[] encoded) {
      if (encoded == null || encoded.length != PUBLIC_KEY_SIZE) {
        throw new IllegalArgumentException(
            "Ed25519 + ML-DSA-65 public key must be "
                + PUBLIC_KEY_SIZE
                + " bytes, got "
                + (encoded == null ? 0 : encoded.length));
      }
      Ed25519.PublicKey ed;
      try {
        ed = Ed25519.PublicKey.of(Arrays.copyOf(encoded, Ed25519.PUBLIC_KEY_SIZE));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("the Ed25519 half: " + e.getMessage(), e);
      }
      return new PublicKey(
          ed, MlDsa65.PublicKey.of(encoded, Ed25519.PUBLIC_KEY_SIZE, MlDsa65.PUBLIC_KEY_SIZE));
    }

    /** The pair made of these two keys. */
    public static PublicKey of(Ed25519.PublicKey ed25519, MlDsa65.PublicKey mlDsa) {
      return new PublicKey(ed25519, mlDsa);
    }

    /**
     * Checks {@code sig} over {@code message}: null when both halves verify, otherwise which one
     * does not (the Ed25519 half is checked first: it is the cheaper one).
     */
    public String problem(byte[] message, byte[] sig) {
      if (sig.length != SIGNATURE_SIZE) {
        return "is " + sig.length + " bytes; Ed25519 + ML-DSA-65 signatures are " + SIGNATURE_SIZE;
      }
      byte[] m = hybridMessage(message);
      if (!ed25519.verify(m, 0, m.length, sig, 0)) {
        return "does not verify: its Ed25519 half is not a valid signature";
      }
      if (!mlDsa.verify(
          m, 0, m.length, LABEL, sig, Ed25519.SIGNATURE_SIZE, MlDsa65.SIGNATURE_SIZE)) {
        return "does not verify: its ML-DSA-65 half is not a valid signature";
      }
      return null;
    }

    /** Whether {@code sig} is a valid hybrid signature over {@code message}. */
    public boolean verify(byte[] message, byte[] sig) {
      return problem(message, sig) == null;
    }

    public Ed25519.PublicKey ed25519() {
      return ed25519;
    }

    public MlDsa65.PublicKey mlDsa() {
      return mlDsa;
    }

    /** The 1,984 encoded bytes. */
    public byte[] encoded() {
      byte[] out = new byte[PUBLIC_KEY_SIZE];
      System.arraycopy(ed25519.encoded(), 0, out, 0, Ed25519.PUBLIC_KEY_SIZE);
      System.arraycopy(mlDsa.encoded(), 0, out, Ed25519.PUBLIC_KEY_SIZE, MlDsa65.PUBLIC_KEY_SIZE);
      return out;
    }
  }

  /** A hybrid key pair: an Ed25519 and an ML-DSA-65 key pair, each with its own seed. */
  public static final class KeyPair {
    private final Ed25519.KeyPair ed25519;
    private final MlDsa65.KeyPair mlDsa;
    private final PublicKey publicKey;

    private KeyPair(Ed25519.KeyPair ed25519, MlDsa65.KeyPair mlDsa) {
      this.ed25519 = ed25519;
      this.mlDsa = mlDsa;
      this.publicKey = new PublicKey(ed25519.publicKey(), mlDsa.publicKey());
    }

    /** The pair of these two key pairs. */
    public static KeyPair of(Ed25519.KeyPair ed25519, MlDsa65.KeyPair mlDsa) {
      return new KeyPair(ed25519, mlDsa);
    }

    /** Fresh keys from a {@link java.security.SecureRandom}. */
    public static KeyPair generate() {
      return new KeyPair(Ed25519.KeyPair.generate(), MlDsa65.KeyPair.generate());
    }

    /** Keys from {@code random}; tests pass a seeded generator for reproducible keys. */
    public static KeyPair generate(java.util.Random random) {
      Ed25519.KeyPair ed = Ed25519.KeyPair.generate(random);
      return new KeyPair(ed, MlDsa65.KeyPair.generate(random));
    }

    /** The hybrid signature of {@code message}: Ed25519 over M', then ML-DSA-65 over M'. */
    public byte[] sign(byte[] message) {
      byte[] m = hybridMessage(message);
      byte[] out = new byte[SIGNATURE_SIZE];
      System.arraycopy(ed25519.sign(m), 0, out, 0, Ed25519.SIGNATURE_SIZE);
      System.arraycopy(
          mlDsa.sign(m, LABEL), 0, out, Ed25519.SIGNATURE_SIZE, MlDsa65.SIGNATURE_SIZE);
      return out;
    }

    public PublicKey publicKey() {
      return publicKey;
    }

    public Ed25519.KeyPair ed25519() {
      return ed25519;
    }

    public MlDsa65.KeyPair mlDsa() {
      return mlDsa;
    }

    @Override
    public String toString() {
      return "Ed25519MlDsa65KeyPair[" + ed25519.publicKey() + ", " + mlDsa.publicKey() + "]";
    }
  }
}
