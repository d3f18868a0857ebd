package org.rcskt.verifier.checkpoint;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.util.List;
import java.util.Objects;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.note.CanonicalBase64;
import org.rcskt.verifier.note.Ed25519NoteSigner;
import org.rcskt.verifier.note.NoteKeys;
import org.rcskt.verifier.note.NoteSigner;

/**
 * Signs checkpoints for one log: produces the signed note {@code <origin>\n<size>\n<root>\n\n—
 * <origin> base64(keyId || signature)\n}. The key name must be the origin. Thread-safe if the
 * signer is.
 *
 * <p>The hot path ({@link #sign(long, Hash)}) writes the body and the note into exact-size arrays
 * with no intermediate strings. The caller must never sign two inconsistent checkpoints (C2SP
 * tlog-checkpoint "Signatures"); this class does not track history.
 */
public final class CheckpointSigner {
  private static final int HASH_B64 = CanonicalBase64.encodedLength(Hash.SIZE);

  private final String origin;
  private final NoteSigner signer;
  private final byte[] originLine;
  private final byte[] signatureLinePrefix;
  private final List<NoteSigner> more;

  private CheckpointSigner(NoteSigner signer, List<NoteSigner> more) {
    this.origin = signer.name();
    this.signer = signer;
    this.originLine = (origin + "\n").getBytes(UTF_8);
    this.signatureLinePrefix = ("\n\u2014 " + origin + " ").getBytes(UTF_8);
    this.more = List.copyOf(more);
  }

  /**
   * This signer with {@code extra} adding one more signature line to every checkpoint, after the
   * lines already made (the log's post-quantum signature, a cosignature by the log itself).
   *
   * @throws IllegalArgumentException if the extra signer's name is not a valid key name
   */
  public CheckpointSigner withSigner(NoteSigner extra) {
    NoteKeys.requireValidName(extra.name());
    List<NoteSigner> all = new java.util.ArrayList<>(more);
    all.add(extra);
    return new CheckpointSigner(signer, all);
  }

  /**
   * A checkpoint signer for the log named by {@code signer.name()}.
   *
   * @throws IllegalArgumentException if the signer's name is not a valid key name
   */
  public static CheckpointSigner of(NoteSigner signer) {
    NoteKeys.requireValidName(signer.name());
    return new CheckpointSigner(signer, List.of());
  }

  /**
   * A checkpoint signer for {@code origin}.
   *
   * @throws IllegalArgumentException if {@code signer.name()} is not {@code origin}
   */
  public static CheckpointSigner of(String origin, NoteSigner signer) {
    if (!Objects.equals(origin, signer.name())) {
      throw new IllegalArgumentException(
          "signer key name \"" + signer.name() + "\" differs from the origin \"" + origin + "\"");
    }
    return of(signer);
  }

  /** The origin, which is also the key name. */
  public String origin() {
    return origin;
  }

  /** The key ID written on every signature line. */
  public int keyId() {
    return signer.keyId();
  }

  /**
   * Signs the checkpoint {@code (origin, treeSize, rootHash)}.
   *
   * @return the signed note bytes, ready to serve
   * @throws IllegalArgumentException if {@code treeSize} is negative
   */
  public byte[] sign(long treeSize, Hash rootHash) {
    if (treeSize < 0) {
      throw new IllegalArgumentException("tree size " + treeSize + " is negative");
    }
    int digits = digits(treeSize);
    byte[] body = new byte[originLine.length + digits + 1 + HASH_B64 + 1];
    System.arraycopy(originLine, 0, body, 0, originLine.length);
    int p = originLine.length + digits;
    long v = treeSize;
    for (int i = p - 1; i >= originLine.length; i--) {
      body[i] = (byte) ('0' + (int) (v % 10));
      v /= 10;
    }
    body[p++] = '\n';
    byte[] hash = new byte[Hash.SIZE];
    rootHash.copyTo(hash, 0);
    p += CanonicalBase64.encode(hash, 0, Hash.SIZE, body, p);
    body[p] = '\n';
    return signBody(body);
  }

  /**
   * Signs {@code checkpoint}, extension lines included.
   *
   * @throws IllegalArgumentException if its origin is not this signer's origin
   */
  public byte[] sign(Checkpoint checkpoint) {
    if (!checkpoint.origin().equals(origin)) {
      throw new IllegalArgumentException(
          "checkpoint origin \""
              + Checkpoint.abbreviate(checkpoint.origin())
              + "\" differs from the signer's origin \""
              + origin
              + "\"");
    }
    if (checkpoint.extensions().isEmpty()) {
      return sign(checkpoint.treeSize(), checkpoint.rootHash());
    }
    return signBody(checkpoint.formatBytes());
  }

  private byte[] signBody(byte[] body) {
    byte[] sig =
        signer instanceof Ed25519NoteSigner
            ? ((Ed25519NoteSigner) signer).sign(body, 0, body.length)
            : signer.sign(body.clone());
    int keyId = signer.keyId();
    byte[] raw = new byte[4 + sig.length];
    raw[0] = (byte) (keyId >>> 24);
    raw[1] = (byte) (keyId >>> 16);
    raw[2] = (byte) (keyId >>> 8);
    raw[3] = (byte) keyId;
    System.arraycopy(sig, 0, raw, 4, sig.length);
    int b64 = CanonicalBase64.encodedLength(raw.length);
    byte[] out = new byte[body.length + signatureLinePrefix.length + b64 + 1];
    System.arraycopy(body, 0, out, 0, body.length);
    System.arraycopy(signatureLinePrefix, 0, out, body.length, signatureLinePrefix.length);
    int p = body.length + signatureLinePrefix.length;
    p += CanonicalBase64.encode(raw, 0, raw.length, out, p);
    out[p] = '\n';
    if (more.isEmpty()) {
      return out;
    }
    java.io.ByteArrayOutputStream note = new java.io.ByteArrayOutputStream(out.length + 4096);
    note.writeBytes(out);
    for (NoteSigner extra : more) {
      byte[] esig = extra.sign(body.clone());
      int id = extra.keyId();
      byte[] eraw = new byte[4 + esig.length];
      eraw[0] = (byte) (id >>> 24);
      eraw[1] = (byte) (id >>> 16);
      eraw[2] = (byte) (id >>> 8);
      eraw[3] = (byte) id;
      System.arraycopy(esig, 0, eraw, 4, esig.length);
      note.writeBytes(("\u2014 " + extra.name() + " ").getBytes(UTF_8));
      note.writeBytes(java.util.Base64.getEncoder().encode(eraw));
      note.write('\n');
    }
    return note.toByteArray();
  }

  private static int digits(long v) {
    int d = 1;
    while (v >= 10) {
      v /= 10;
      d++;
    }
    return d;
  }

  @Override
  public String toString() {
    return "CheckpointSigner[" + NoteKeys.label(origin, signer.keyId()) + "]";
  }
}
