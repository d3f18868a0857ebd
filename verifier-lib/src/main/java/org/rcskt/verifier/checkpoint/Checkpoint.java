package org.rcskt.verifier.checkpoint;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.note.CanonicalBase64;

/**
 * A transparency log checkpoint (C2SP tlog-checkpoint "Note text"): the log's origin, its tree size
 * and the RFC 6962 root hash at that size, plus optional opaque extension lines kept verbatim.
 * Immutable value; says nothing about signatures (see {@link SignedCheckpoint}).
 *
 * <p>The body is {@code <origin>\n<tree size>\n<base64 root hash>\n} followed by zero or more
 * {@code <extension line>\n}. Parsing is strict: at most {@value #MAX_BODY_SIZE} bytes, no control
 * characters other than newline; non-empty origin (which may contain spaces: the spec only
 * recommends against them); tree size in ASCII decimal without sign or leading zeros, at most
 * {@link Long#MAX_VALUE}; root hash canonical padded base64 of exactly 32 bytes; non-empty
 * extension lines. {@link #format()} returns exactly the parsed text.
 */
public final class Checkpoint {
  /** The largest checkpoint body accepted, in bytes (64 KiB). */
  public static final int MAX_BODY_SIZE = 64 * 1024;

  private final String origin;
  private final long treeSize;
  private final Hash rootHash;
  private final List<String> extensions;

  private Checkpoint(String origin, long treeSize, Hash rootHash, List<String> extensions) {
    this.origin = origin;
    this.treeSize = treeSize;
    this.rootHash = rootHash;
    this.extensions = extensions;
  }

  /**
   * A checkpoint without extension lines.
   *
   * @throws IllegalArgumentException if the origin is empty or holds a control character, or the
   *     tree size is negative
   */
  public static Checkpoint of(String origin, long treeSize, Hash rootHash) {
    return of(origin, treeSize, rootHash, List.of());
  }

  /**
   * A checkpoint with extension lines.
   *
   * @throws IllegalArgumentException if the origin or an extension line is empty or holds a control
   *     character, the tree size is negative, or the body would exceed {@value #MAX_BODY_SIZE}
   *     bytes
   */
  public static Checkpoint of(
      String origin, long treeSize, Hash rootHash, List<String> extensions) {
    Objects.requireNonNull(rootHash, "rootHash");
    checkLine(origin, "origin");
    if (treeSize < 0) {
      throw new IllegalArgumentException("tree size " + treeSize + " is negative");
    }
    for (int i = 0; i < extensions.size(); i++) {
      checkLine(extensions.get(i), "extension line " + (i + 1));
    }
    Checkpoint c = new Checkpoint(origin, treeSize, rootHash, List.copyOf(extensions));
    int size = c.formatBytes().length;
    if (size > MAX_BODY_SIZE) {
      throw new IllegalArgumentException(
          "checkpoint body would be " + size + " bytes, larger than " + MAX_BODY_SIZE);
    }
    return c;
  }

  private static void checkLine(String line, String what) {
    if (line == null || line.isEmpty()) {
      throw new IllegalArgumentException("checkpoint " + what + " is empty");
    }
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c < 0x20) {
        throw new IllegalArgumentException(
            String.format("checkpoint %s contains control character 0x%02x", what, (int) c));
      }
      if (Character.isSurrogate(c)) {
        if (Character.isHighSurrogate(c)
            && i + 1 < line.length()
            && Character.isLowSurrogate(line.charAt(i + 1))) {
          i++;
        } else {
          throw new IllegalArgumentException(
              "checkpoint " + what + " contains an unpaired surrogate");
        }
      }
    }
  }

  /**
   * Parses a checkpoint body given as UTF-8 bytes.
   *
   * @throws CheckpointFormatException if the bytes are not valid UTF-8, or as for {@link
   *     #parse(String)}
   */
  public static Checkpoint parse(byte[] body) throws CheckpointFormatException {
    if (body.length > MAX_BODY_SIZE) {
      throw tooLarge(body.length);
    }
    String text;
    try {
      text =
          UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(body))
              .toString();
    } catch (CharacterCodingException e) {
      throw new CheckpointFormatException("checkpoint body is not valid UTF-8");
    }
    return parse(text);
  }

  /**
   * Parses a checkpoint body (a note's text, including its final newline).
   *
   * @throws CheckpointFormatException naming the first rule broken; see the class description
   */
  public static Checkpoint parse(String body) throws CheckpointFormatException {
    int n = body.length();
    // A UTF-16 char encodes to at least one UTF-8 byte, so this bounds the work before measuring.
    if (n > MAX_BODY_SIZE) {
      throw tooLarge(utf8Length(body));
    }
    int bytes = utf8Length(body);
    if (bytes > MAX_BODY_SIZE) {
      throw tooLarge(bytes);
    }
    if (n == 0 || body.charAt(n - 1) != '\n') {
      throw new CheckpointFormatException("checkpoint body does not end with a newline");
    }
    List<String> lines = new ArrayList<>(3);
    int start = 0;
    for (int i = 0; i < n; i++) {
      char c = body.charAt(i);
      if (c == '\n') {
        lines.add(body.substring(start, i));
        start = i + 1;
      } else if (c < 0x20) {
        throw new CheckpointFormatException(
            String.format(
                "checkpoint line %d contains control character 0x%02x", lines.size() + 1, (int) c));
      } else if (Character.isSurrogate(c)) {
        if (Character.isHighSurrogate(c)
            && i + 1 < n
            && Character.isLowSurrogate(body.charAt(i + 1))) {
          i++;
        } else {
          throw new CheckpointFormatException(
              "checkpoint line " + (lines.size() + 1) + " contains an unpaired surrogate");
        }
      }
    }
    if (lines.size() < 3) {
      throw new CheckpointFormatException(
          "checkpoint body has "
              + lines.size()
              + (lines.size() == 1 ? " line" : " lines")
              + ", expected at least 3 (origin, tree size, root hash)");
    }
    String origin = lines.get(0);
    if (origin.isEmpty()) {
      throw new CheckpointFormatException("checkpoint origin line is empty");
    }
    long treeSize = parseTreeSize(lines.get(1));
    Hash rootHash = parseRootHash(lines.get(2));
    List<String> extensions = lines.subList(3, lines.size());
    for (int i = 0; i < extensions.size(); i++) {
      if (extensions.get(i).isEmpty()) {
        throw new CheckpointFormatException(
            "checkpoint extension line " + (i + 1) + " (body line " + (i + 4) + ") is empty");
      }
    }
    return new Checkpoint(origin, treeSize, rootHash, List.copyOf(extensions));
  }

  private static long parseTreeSize(String s) throws CheckpointFormatException {
    if (s.isEmpty()) {
      throw new CheckpointFormatException("checkpoint tree size line is empty");
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        throw new CheckpointFormatException(
            "checkpoint tree size \""
                + abbreviate(s)
                + "\" is not a decimal number (only the digits 0-9 are allowed)");
      }
    }
    if (s.length() > 1 && s.charAt(0) == '0') {
      throw new CheckpointFormatException(
          "checkpoint tree size \"" + abbreviate(s) + "\" has a leading zero");
    }
    long v = 0;
    for (int i = 0; i < s.length(); i++) {
      int d = s.charAt(i) - '0';
      if (v > (Long.MAX_VALUE - d) / 10) {
        throw new CheckpointFormatException(
            "checkpoint tree size "
                + abbreviate(s)
                + " is larger than the maximum of "
                + Long.MAX_VALUE);
      }
      v = v * 10 + d;
    }
    return v;
  }

  private static Hash parseRootHash(String s) throws CheckpointFormatException {
    byte[] raw = CanonicalBase64.decode(s);
    if (raw == null) {
      throw new CheckpointFormatException(
          "checkpoint root hash \"" + abbreviate(s) + "\" is not canonical padded base64");
    }
    if (raw.length != Hash.SIZE) {
      throw new CheckpointFormatException(
          "checkpoint root hash is " + raw.length + " bytes, expected " + Hash.SIZE);
    }
    return Hash.of(raw);
  }

  private static CheckpointFormatException tooLarge(int size) {
    return new CheckpointFormatException(
        "checkpoint body is " + size + " bytes, larger than the limit of " + MAX_BODY_SIZE);
  }

  private static int utf8Length(String s) {
    int len = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        len++;
      } else if (c < 0x800) {
        len += 2;
      } else if (Character.isHighSurrogate(c)
          && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        len += 4;
        i++;
      } else {
        len += 3;
      }
    }
    return len;
  }

  /** Values quoted in messages are cut to 64 characters so that a hostile input stays bounded. */
  static String abbreviate(String s) {
    return s.length() <= 64 ? s : s.substring(0, 64) + "...";
  }

  /** The log's origin: the first line, a unique name for the log. */
  public String origin() {
    return origin;
  }

  /** The number of leaves in the tree. */
  public long treeSize() {
    return treeSize;
  }

  /** The RFC 6962 Merkle tree root hash at {@link #treeSize()}. */
  public Hash rootHash() {
    return rootHash;
  }

  /** The extension lines, verbatim, without their newlines. Unmodifiable; usually empty. */
  public List<String> extensions() {
    return extensions;
  }

  /** The checkpoint body, the text a log signs, including its final newline. */
  public String format() {
    StringBuilder sb = new StringBuilder(origin.length() + 70);
    sb.append(origin).append('\n').append(treeSize).append('\n');
    sb.append(rootHash.toBase64()).append('\n');
    for (String e : extensions) {
      sb.append(e).append('\n');
    }
    return sb.toString();
  }

  /** The checkpoint body as UTF-8 bytes. */
  public byte[] formatBytes() {
    return format().getBytes(UTF_8);
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof Checkpoint)) {
      return false;
    }
    Checkpoint c = (Checkpoint) o;
    return treeSize == c.treeSize
        && origin.equals(c.origin)
        && rootHash.equals(c.rootHash)
        && extensions.equals(c.extensions);
  }

  @Override
  public int hashCode() {
    return Objects.hash(origin, treeSize, rootHash, extensions);
  }

  @Override
  public String toString() {
    return "Checkpoint["
        + abbreviate(origin)
        + ", treeSize="
        + treeSize
        + ", root="
        + rootHash
        + "]";
  }
}
