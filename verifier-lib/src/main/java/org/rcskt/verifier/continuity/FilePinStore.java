package org.rcskt.verifier.continuity;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.crypto.Ed25519;
import org.rcskt.verifier.event.KeyAlgorithm;
import org.rcskt.verifier.event.PublicKeyInfo;
import org.rcskt.verifier.io.AtomicFiles;

/**
 * A {@link PinStore} with one small text file per contact in a directory, named by the subject
 * index in hex and replaced atomically on each write.
 *
 * <p>File format (UTF-8, every line ending in a newline):
 *
 * <pre>
 * rcskt-pin v1
 * subject &lt;64 hex digits&gt;
 * key &lt;64 hex digits: the Ed25519 public key&gt;
 * sequence &lt;decimal&gt;
 * leaf &lt;decimal&gt;
 * event &lt;64 hex digits&gt;
 * </pre>
 *
 * <p>A pin of an ML-DSA-65 or hybrid key is written as {@code rcskt-pin v2}, the same lines but
 * {@code key <algorithm name> <hex>}, for example {@code key ED25519_ML_DSA_65 5199ba...}. Ed25519
 * pins stay in the v1 form, so files written before post-quantum keys read and write alike.
 */
public final class FilePinStore implements PinStore {
  /** The largest pin file read; a valid one is about 250 bytes, 4,200 for a hybrid key. */
  public static final int MAX_PIN_FILE_BYTES = 8192;

  private static final String HEADER = "rcskt-pin v1";
  private static final String HEADER_V2 = "rcskt-pin v2";
  private static final String[] FIELDS = {"subject", "key", "sequence", "leaf", "event"};
  private static final HexFormat HEX = HexFormat.of();

  private final Path directory;

  /**
   * A store in {@code directory}, created on the first write.
   *
   * @throws NullPointerException if {@code directory} is null
   */
  public FilePinStore(Path directory) {
    this.directory = Objects.requireNonNull(directory, "directory");
  }

  @Override
  public Optional<Pin> get(Hash subjectIndex) throws IOException {
    Path file = fileFor(subjectIndex);
    Optional<byte[]> data = AtomicFiles.read(file, MAX_PIN_FILE_BYTES);
    if (data.isEmpty()) {
      return Optional.empty();
    }
    Pin pin = parse(file, new String(data.get(), StandardCharsets.UTF_8));
    if (!pin.subjectIndex().equals(subjectIndex)) {
      throw new IOException(
          file + " holds the pin for subject " + pin.subjectIndex() + ", not " + subjectIndex);
    }
    return Optional.of(pin);
  }

  @Override
  public void put(Pin pin) throws IOException {
    AtomicFiles.write(fileFor(pin.subjectIndex()), format(pin).getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public void remove(Hash subjectIndex) throws IOException {
    Files.deleteIfExists(fileFor(subjectIndex));
  }

  /** The directory this store uses. */
  public Path directory() {
    return directory;
  }

  private Path fileFor(Hash subjectIndex) {
    return directory.resolve(subjectIndex.toHex() + ".pin");
  }

  static String format(Pin pin) {
    boolean v1 = pin.key().algorithm() == KeyAlgorithm.ED25519;
    return (v1 ? HEADER : HEADER_V2)
        + "\nsubject "
        + pin.subjectIndex().toHex()
        + "\nkey "
        + (v1 ? "" : pin.key().algorithm().name() + " ")
        + HEX.formatHex(pin.key().key())
        + "\nsequence "
        + pin.sequence()
        + "\nleaf "
        + pin.leafIndex()
        + "\nevent "
        + pin.eventHash().toHex()
        + "\n";
  }

  static Pin parse(Path file, String text) throws IOException {
    if (!text.endsWith("\n")) {
      throw new IOException(file + ": pin file does not end with a newline");
    }
    String[] lines = text.split("\n", -1);
    // split leaves one empty string after the final newline
    if (lines.length != FIELDS.length + 2) {
      throw new IOException(
          file
              + ": pin file has "
              + (lines.length - 1)
              + " lines, expected "
              + (FIELDS.length + 1));
    }
    boolean v1 = lines[0].equals(HEADER);
    if (!v1 && !lines[0].equals(HEADER_V2)) {
      throw new IOException(
          file + ": first line is not \"" + HEADER + "\" or \"" + HEADER_V2 + "\"");
    }
    String[] values = new String[FIELDS.length];
    for (int i = 0; i < FIELDS.length; i++) {
      String line = lines[i + 1];
      String prefix = FIELDS[i] + " ";
      if (!line.startsWith(prefix)) {
        throw new IOException(
            file + ": line " + (i + 2) + " does not start with \"" + prefix + "\"");
      }
      values[i] = line.substring(prefix.length());
    }
    try {
      PublicKeyInfo key;
      if (v1) {
        key = PublicKeyInfo.ed25519(Ed25519.PublicKey.of(HEX.parseHex(values[1])));
      } else {
        int space = values[1].indexOf(' ');
        if (space < 0) {
          throw new IllegalArgumentException("the key line has no algorithm name");
        }
        KeyAlgorithm alg = KeyAlgorithm.valueOf(values[1].substring(0, space));
        key = PublicKeyInfo.of(alg, HEX.parseHex(values[1].substring(space + 1)), 0);
      }
      return new Pin(
          Hash.fromHex(values[0]),
          key,
          Long.parseLong(values[2]),
          Long.parseLong(values[3]),
          Hash.fromHex(values[4]));
    } catch (IllegalArgumentException e) {
      throw new IOException(file + ": corrupt pin: " + e.getMessage(), e);
    }
  }
}
