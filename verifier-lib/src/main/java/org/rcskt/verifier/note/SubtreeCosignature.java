package org.rcskt.verifier.note;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;

import java.time.Clock;
import org.rcskt.verifier.checkpoint.Checkpoint;
import org.rcskt.verifier.checkpoint.CheckpointFormatException;
import org.rcskt.verifier.crypto.MlDsa44;

/**
 * ML-DSA-44 cosignatures of checkpoints (C2SP tlog-cosignature, signature type {@code 0x06}): the
 * post-quantum signature line the log adds to its checkpoints next to its Ed25519 one, and that any
 * cosigner may use.
 *
 * <p>The signature bytes on the note line (after the 4-byte key ID) are an 8-byte big-endian POSIX
 * timestamp followed by a 2,420-byte ML-DSA-44 signature (FIPS 204, pure, empty context) over the
 * {@code cosigned_message} structure:
 *
 * <pre>
 * "subtree/v1\n\0" || u8 len || cosigner name || u64 timestamp || u8 len || log origin
 *     || u64 start (0 for a checkpoint) || u64 end (the tree size) || root hash (32 bytes)
 * </pre>
 *
 * The key ID is {@code SHA-256(name || 0x0A || 0x06 || 1,312-byte public key)[:4]}. Extension lines
 * of the checkpoint are not signed.
 */
public final class SubtreeCosignature {
  /** Timestamp (8 bytes) plus the ML-DSA-44 signature. */
  public static final int SIGNATURE_SIZE = 8 + MlDsa44.SIGNATURE_SIZE;

  private static final byte[] LABEL = "subtree/v1\n\0".getBytes(US_ASCII);

  private SubtreeCosignature() {}

  /**
   * The {@code cosigned_message} for the checkpoint {@code body} by cosigner {@code name} at {@code
   * timestamp}, or null when the body is not a checkpoint or a name is over 255 bytes.
   */
  static byte[] signedMessage(String name, long timestamp, byte[] body) {
    Checkpoint cp;
    try {
      cp = Checkpoint.parse(body);
    } catch (CheckpointFormatException e) {
      return null;
    }
    byte[] n = name.getBytes(UTF_8);
    byte[] o = cp.origin().getBytes(UTF_8);
    if (n.length < 1 || n.length > 255 || o.length < 1 || o.length > 255) {
      return null;
    }
    byte[] m = new byte[LABEL.length + 1 + n.length + 8 + 1 + o.length + 8 + 8 + 32];
    int p = 0;
    System.arraycopy(LABEL, 0, m, p, LABEL.length);
    p += LABEL.length;
    m[p++] = (byte) n.length;
    System.arraycopy(n, 0, m, p, n.length);
    p += n.length;
    p = u64(m, p, timestamp);
    m[p++] = (byte) o.length;
    System.arraycopy(o, 0, m, p, o.length);
    p += o.length;
    p = u64(m, p, 0);
    p = u64(m, p, cp.treeSize());
    cp.rootHash().copyTo(m, p);
    return m;
  }

  private static int u64(byte[] m, int p, long v) {
    for (int i = 7; i >= 0; i--) {
      m[p + i] = (byte) v;
      v >>>= 8;
    }
    return p + 8;
  }

  /** Verifies ML-DSA-44 cosignatures by one key. Immutable and thread-safe. */
  public static final class Verifier implements NoteVerifier {
    private final String name;
    private final int keyId;
    private final MlDsa44.PublicKey publicKey;

    private Verifier(String name, int keyId, MlDsa44.PublicKey publicKey) {
      this.name = name;
      this.keyId = keyId;
      this.publicKey = publicKey;
    }

    /**
     * The verifier for {@code publicKey} under {@code name}.
     *
     * @throws IllegalArgumentException if the name is not a valid key name
     */
    public static Verifier of(String name, MlDsa44.PublicKey publicKey) {
      NoteKeys.requireValidName(name);
      return new Verifier(
          name, NoteKeys.keyId(name, NoteKeys.TYPE_ML_DSA_44, publicKey.encoded()), publicKey);
    }

    /**
     * Parses a verifier key {@code name+keyid+base64(0x06 || 1,312-byte public key)}.
     *
     * @throws KeyFormatException if the string is malformed, the key has the wrong length or the
     *     key ID does not match
     * @throws UnsupportedAlgorithmException if the type byte is one this library does not verify
     */
    public static Verifier fromVerifierKey(String vkey)
        throws KeyFormatException, UnsupportedAlgorithmException {
      NoteKeys.ParsedKey k = NoteKeys.parseVerifierKey(vkey);
      k.requireType(NoteKeys.TYPE_ML_DSA_44, "verifier key");
      return fromParsed(k);
    }

    static Verifier fromParsed(NoteKeys.ParsedKey k) throws KeyFormatException {
      k.requireLength(MlDsa44.PUBLIC_KEY_SIZE, "verifier key");
      k.requireKeyId(NoteKeys.keyId(k.name, k.type, k.material), "verifier key");
      return new Verifier(k.name, k.keyId, MlDsa44.PublicKey.of(k.material));
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public int keyId() {
      return keyId;
    }

    public MlDsa44.PublicKey publicKey() {
      return publicKey;
    }

    /** The verifier key string {@code name+keyid+base64(0x06 || public key)}. */
    public String verifierKey() {
      return NoteKeys.verifierKey(name, keyId, NoteKeys.TYPE_ML_DSA_44, publicKey.encoded());
    }

    @Override
    public boolean verify(byte[] body, byte[] signature) {
      if (signature.length != SIGNATURE_SIZE) {
        return false;
      }
      long timestamp = CosignatureV1Verifier.readTimestamp(signature);
      if (timestamp < 0) {
        return false;
      }
      byte[] message = signedMessage(name, timestamp, body);
      return message != null
          && publicKey.verify(
              message, 0, message.length, null, signature, 8, MlDsa44.SIGNATURE_SIZE);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Verifier
          && ((Verifier) o).name.equals(name)
          && ((Verifier) o).publicKey.equals(publicKey);
    }

    @Override
    public int hashCode() {
      return name.hashCode() * 31 + publicKey.hashCode() + 6;
    }

    @Override
    public String toString() {
      return "SubtreeCosignature.Verifier[" + NoteKeys.label(name, keyId) + "]";
    }
  }

  /** Makes ML-DSA-44 cosignatures of checkpoints. Thread-safe. */
  public static final class Signer implements NoteSigner {
    private final String name;
    private final MlDsa44.KeyPair key;
    private final Verifier verifier;
    private final Clock clock;

    private Signer(String name, MlDsa44.KeyPair key, Clock clock) {
      this.name = name;
      this.key = key;
      this.verifier = Verifier.of(name, key.publicKey());
      this.clock = clock;
    }

    /**
     * A signer named {@code name} with {@code key}, stamping each cosignature with {@code clock}.
     *
     * @throws IllegalArgumentException if the name is not a valid key name or over 255 bytes
     */
    public static Signer of(String name, MlDsa44.KeyPair key, Clock clock) {
      NoteKeys.requireValidName(name);
      if (name.getBytes(UTF_8).length > 255) {
        throw new IllegalArgumentException("an ML-DSA-44 cosigner name is at most 255 bytes");
      }
      return new Signer(name, key, clock);
    }

    /**
     * Reads a signer key {@code PRIVATE+KEY+name+keyid+base64(0x06 || 32-byte seed)} (this
     * project's form: C2SP defines no signer key encoding for ML-DSA; the key ID is that of the
     * public key the seed gives).
     *
     * @throws KeyFormatException if the string is malformed, not of type 0x06, the seed is not 32
     *     bytes or the key ID does not match
     */
    public static Signer fromSignerKey(String skey, Clock clock) throws KeyFormatException {
      NoteKeys.ParsedKey k = NoteKeys.parseSignerKey(skey);
      if (k.type != NoteKeys.TYPE_ML_DSA_44) {
        throw new KeyFormatException(
            "signer key "
                + k.label()
                + " has signature type "
                + NoteKeys.typeLabel(k.type)
                + ", expected "
                + NoteKeys.typeLabel(NoteKeys.TYPE_ML_DSA_44));
      }
      k.requireLength(MlDsa44.SEED_SIZE, "signer key");
      MlDsa44.KeyPair pair = MlDsa44.KeyPair.fromSeed(k.material);
      java.util.Arrays.fill(k.material, (byte) 0);
      k.requireKeyId(
          NoteKeys.keyId(k.name, NoteKeys.TYPE_ML_DSA_44, pair.publicKey().encoded()),
          "signer key");
      return of(k.name, pair, clock);
    }

    /** The signer key string of this key. Handle with care: it holds the private key. */
    public String signerKey() {
      return "PRIVATE+KEY+"
          + NoteKeys.verifierKey(name, verifier.keyId(), NoteKeys.TYPE_ML_DSA_44, key.seed());
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public int keyId() {
      return verifier.keyId();
    }

    public Verifier verifier() {
      return verifier;
    }

    /**
     * The cosignature of the checkpoint {@code body}: the timestamp (now, in seconds) and the
     * ML-DSA-44 signature of its {@code cosigned_message}.
     *
     * @throws IllegalArgumentException if the body is not a checkpoint, or its origin is over 255
     *     bytes
     */
    @Override
    public byte[] sign(byte[] body) {
      long timestamp = clock.millis() / 1000;
      byte[] message = signedMessage(name, timestamp, body);
      if (message == null) {
        throw new IllegalArgumentException(
            "an ML-DSA-44 cosignature covers a checkpoint whose origin is 1 to 255 bytes");
      }
      byte[] sig = key.sign(message);
      byte[] out = new byte[SIGNATURE_SIZE];
      long t = timestamp;
      for (int i = 7; i >= 0; i--) {
        out[i] = (byte) t;
        t >>>= 8;
      }
      System.arraycopy(sig, 0, out, 8, sig.length);
      return out;
    }
  }
}
