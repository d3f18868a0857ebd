package org.rcskt.verifier.note;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * A signed note (C2SP signed-note, "Format"): a text of one or more lines each ending in a newline,
 * a blank line, and one or more signature lines. Parsing checks the syntax only; {@link Notes#open}
 * checks signatures.
 *
 * <p>Parsing is strict: the note must be valid UTF-8 with no control character other than newline,
 * at most {@value #MAX_SIZE} bytes long, with at most {@value #MAX_SIGNATURES} signature lines,
 * each {@code U+2014 EM DASH, space, key name, space, base64(4-byte key ID || signature)} where the
 * base64 is canonical and padded and decodes to at least 5 bytes. A parsed note formats back to
 * exactly the bytes it was parsed from.
 */
public final class Note {
  /** The largest note accepted, in bytes: 1 MiB. */
  public static final int MAX_SIZE = 1 << 20;

  /** The most signature lines a note may carry (the Go reference's limit). */
  public static final int MAX_SIGNATURES = 100;

  /** The fewest bytes a decoded signature may have: a 4-byte key ID and one signature byte. */
  public static final int MIN_SIGNATURE_BYTES = 5;

  static final byte[] SIGNATURE_PREFIX = "\u2014 ".getBytes(UTF_8);

  private final byte[] body;
  private final String text;
  private final List<NoteSignature> signatures;

  private Note(byte[] body, String text, List<NoteSignature> signatures) {
    this.body = body;
    this.text = text;
    this.signatures = signatures;
  }

  /**
   * A note with {@code body} and {@code signatures}, for building a note in code.
   *
   * @throws IllegalArgumentException if the body is not a valid note text (see {@link #checkBody}),
   *     there are no signatures or more than {@value #MAX_SIGNATURES}
   */
  public static Note of(String body, List<NoteSignature> signatures) {
    byte[] bytes = checkBody(body);
    if (signatures.isEmpty() || signatures.size() > MAX_SIGNATURES) {
      throw new IllegalArgumentException(
          "a note needs 1 to " + MAX_SIGNATURES + " signatures, got " + signatures.size());
    }
    Note n = new Note(bytes, body, List.copyOf(signatures));
    if (n.formattedSize() > MAX_SIZE) {
      throw new IllegalArgumentException(
          "note would be " + n.formattedSize() + " bytes, larger than the limit of " + MAX_SIZE);
    }
    return n;
  }

  /**
   * Checks that {@code body} can be the text of a note and returns its UTF-8 bytes: non-empty,
   * ending in a newline, no control character other than newline, no unpaired surrogate, at most
   * {@value #MAX_SIZE} bytes.
   *
   * @throws IllegalArgumentException naming the first problem found
   */
  public static byte[] checkBody(String body) {
    if (body == null || body.isEmpty()) {
      throw new IllegalArgumentException("note text is empty");
    }
    if (body.charAt(body.length() - 1) != '\n') {
      throw new IllegalArgumentException("note text does not end with a newline");
    }
    for (int i = 0; i < body.length(); i++) {
      char c = body.charAt(i);
      if (c < 0x20 && c != '\n') {
        throw new IllegalArgumentException(
            String.format("note text contains control character 0x%02x at index %d", (int) c, i));
      }
      if (Character.isHighSurrogate(c)
          && i + 1 < body.length()
          && Character.isLowSurrogate(body.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        throw new IllegalArgumentException(
            "note text contains an unpaired surrogate at index " + i);
      }
    }
    byte[] bytes = body.getBytes(UTF_8);
    if (bytes.length > MAX_SIZE) {
      throw new IllegalArgumentException(
          "note text is " + bytes.length + " bytes, larger than the limit of " + MAX_SIZE);
    }
    return bytes;
  }

  /**
   * Parses a note given as text.
   *
   * @throws NoteFormatException as for {@link #parse(byte[])}, or if the string holds an unpaired
   *     surrogate (which has no UTF-8 encoding)
   */
  public static Note parse(String note) throws NoteFormatException {
    for (int i = 0; i < note.length(); i++) {
      char c = note.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < note.length()
          && Character.isLowSurrogate(note.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        throw new NoteFormatException("note contains an unpaired surrogate at index " + i);
      }
    }
    return parse(note.getBytes(UTF_8));
  }

  /**
   * Parses a note. The array is not retained.
   *
   * @throws NoteFormatException with a message naming the first rule broken: size, UTF-8, control
   *     characters, missing blank line, missing signatures, missing final newline, a malformed
   *     signature line, or more than {@value #MAX_SIGNATURES} signatures
   */
  public static Note parse(byte[] note) throws NoteFormatException {
    int len = note.length;
    if (len > MAX_SIZE) {
      throw new NoteFormatException(
          "note is " + len + " bytes, larger than the limit of " + MAX_SIZE + " bytes");
    }
    checkText(note);
    int split = lastBlankLine(note);
    if (split < 0) {
      throw new NoteFormatException(
          "note has no blank line separating the text from the signatures");
    }
    int sigStart = split + 2;
    if (sigStart == len) {
      throw new NoteFormatException("note has no signature lines after the blank line");
    }
    if (note[len - 1] != '\n') {
      throw new NoteFormatException("note does not end with a newline");
    }
    List<NoteSignature> sigs = new ArrayList<>(4);
    int p = sigStart;
    while (p < len) {
      int lineNo = sigs.size() + 1;
      if (lineNo > MAX_SIGNATURES) {
        throw new NoteFormatException("note has more than " + MAX_SIGNATURES + " signatures");
      }
      int nl = indexOf(note, (byte) '\n', p, len);
      sigs.add(parseSignatureLine(note, p, nl, lineNo));
      p = nl + 1;
    }
    byte[] body = Arrays.copyOf(note, split + 1);
    return new Note(body, new String(body, UTF_8), Collections.unmodifiableList(sigs));
  }

  private static NoteSignature parseSignatureLine(byte[] b, int start, int end, int lineNo)
      throws NoteFormatException {
    if (end - start < SIGNATURE_PREFIX.length
        || !Arrays.equals(
            b,
            start,
            start + SIGNATURE_PREFIX.length,
            SIGNATURE_PREFIX,
            0,
            SIGNATURE_PREFIX.length)) {
      throw new NoteFormatException(
          "signature line " + lineNo + " does not start with an em dash (U+2014) and a space");
    }
    int nameStart = start + SIGNATURE_PREFIX.length;
    int space = indexOf(b, (byte) ' ', nameStart, end);
    if (space < 0) {
      throw new NoteFormatException(
          "signature line " + lineNo + " has no space between the key name and the signature");
    }
    String name = new String(b, nameStart, space - nameStart, UTF_8);
    String problem = NoteKeys.nameProblem(name);
    if (problem != null) {
      throw new NoteFormatException("signature line " + lineNo + " key name " + problem);
    }
    byte[] raw = CanonicalBase64.decode(b, space + 1, end);
    if (raw == null) {
      throw new NoteFormatException(
          "signature line " + lineNo + " signature is not canonical padded base64");
    }
    if (raw.length < MIN_SIGNATURE_BYTES) {
      throw new NoteFormatException(
          "signature line "
              + lineNo
              + " signature is "
              + raw.length
              + " bytes, fewer than the minimum of "
              + MIN_SIGNATURE_BYTES
              + " (a 4-byte key ID and a signature)");
    }
    int keyId =
        (raw[0] & 0xff) << 24 | (raw[1] & 0xff) << 16 | (raw[2] & 0xff) << 8 | raw[3] & 0xff;
    return NoteSignature.wrap(name, keyId, Arrays.copyOfRange(raw, 4, raw.length));
  }

  /**
   * Validates UTF-8 (no overlong forms, surrogates or code points above U+10FFFF) and rejects
   * control characters other than newline, in one pass with an ASCII fast path.
   */
  private static void checkText(byte[] b) throws NoteFormatException {
    int i = 0;
    int n = b.length;
    while (i < n) {
      int c = b[i];
      if (c >= 0x20) {
        i++;
        continue;
      }
      if (c == '\n') {
        i++;
        continue;
      }
      if (c >= 0) {
        throw new NoteFormatException(
            String.format("note contains control character 0x%02x at byte offset %d", c, i));
      }
      int lead = c & 0xff;
      int need;
      int min;
      int cp;
      if (lead >= 0xc2 && lead <= 0xdf) {
        need = 1;
        min = 0x80;
        cp = lead & 0x1f;
      } else if (lead >= 0xe0 && lead <= 0xef) {
        need = 2;
        min = 0x800;
        cp = lead & 0x0f;
      } else if (lead >= 0xf0 && lead <= 0xf4) {
        need = 3;
        min = 0x10000;
        cp = lead & 0x07;
      } else {
        throw notUtf8(i);
      }
      if (i + need >= n) {
        throw notUtf8(i);
      }
      for (int k = 1; k <= need; k++) {
        int cont = b[i + k] & 0xff;
        if ((cont & 0xc0) != 0x80) {
          throw notUtf8(i);
        }
        cp = (cp << 6) | (cont & 0x3f);
      }
      if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
        throw notUtf8(i);
      }
      i += need + 1;
    }
  }

  private static NoteFormatException notUtf8(int offset) {
    return new NoteFormatException("note is not valid UTF-8 at byte offset " + offset);
  }

  /** The index of the first newline of the last "\n\n" in {@code b}, or -1. */
  private static int lastBlankLine(byte[] b) {
    for (int i = b.length - 2; i >= 0; i--) {
      if (b[i] == '\n' && b[i + 1] == '\n') {
        return i;
      }
    }
    return -1;
  }

  private static int indexOf(byte[] b, byte v, int from, int to) {
    for (int i = from; i < to; i++) {
      if (b[i] == v) {
        return i;
      }
    }
    return -1;
  }

  /** The note text, including its final newline. */
  public String body() {
    return text;
  }

  /** A copy of the note text's UTF-8 bytes: what the signatures sign. */
  public byte[] bodyBytes() {
    return body.clone();
  }

  /** The text bytes without a copy, for verifiers inside the package. */
  byte[] bodyBytesShared() {
    return body;
  }

  /** The signature lines in order, as parsed (duplicates included). Unmodifiable. */
  public List<NoteSignature> signatures() {
    return signatures;
  }

  /** The encoded note: text, blank line, signature lines. */
  public byte[] format() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(formattedSize());
    out.writeBytes(body);
    out.write('\n');
    for (NoteSignature s : signatures) {
      out.writeBytes(SIGNATURE_PREFIX);
      out.writeBytes(s.name().getBytes(UTF_8));
      out.write(' ');
      out.writeBytes(s.encodedSignature().getBytes(UTF_8));
      out.write('\n');
    }
    return out.toByteArray();
  }

  private int formattedSize() {
    int size = body.length + 1;
    for (NoteSignature s : signatures) {
      int raw = 4 + s.signatureBytes().length;
      size += SIGNATURE_PREFIX.length + s.name().getBytes(UTF_8).length + 1;
      size += (raw + 2) / 3 * 4 + 1;
    }
    return size;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Note
        && Arrays.equals(body, ((Note) o).body)
        && signatures.equals(((Note) o).signatures);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(body) * 31 + signatures.hashCode();
  }

  /** The encoded note as a string. */
  @Override
  public String toString() {
    return new String(format(), UTF_8);
  }
}
