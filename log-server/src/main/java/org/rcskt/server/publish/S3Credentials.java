package org.rcskt.server.publish;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.rcskt.server.config.ConfigException;

/**
 * An S3 access key, read from a file of two lines: the access key id, then the secret access key.
 * Neither is ever put in a message or a log line; {@link #toString()} shows the id only.
 *
 * @param accessKeyId the access key id, not secret
 * @param secretAccessKey the secret access key
 */
public record S3Credentials(String accessKeyId, String secretAccessKey) {
  /** The largest credentials file read. */
  public static final int MAX_FILE_BYTES = 4096;

  /** The longest key id or secret accepted. */
  public static final int MAX_FIELD_LENGTH = 1024;

  private static final System.Logger LOG = System.getLogger(S3Credentials.class.getName());

  /**
   * Reads the credentials in {@code file}; warns when the file is readable by others than its
   * owner.
   *
   * @throws ConfigException if the file cannot be read or is not two lines of printable ASCII
   *     without spaces; the message names the file and the line, never their content
   */
  public static S3Credentials read(Path file) {
    byte[] raw;
    try (InputStream in = Files.newInputStream(file)) {
      raw = in.readNBytes(MAX_FILE_BYTES + 1);
    } catch (IOException e) {
      throw new ConfigException(
          "cannot read the publish credentials file "
              + file
              + (e instanceof java.nio.file.NoSuchFileException
                  ? ": there is no such file"
                  : ": " + e.getMessage()),
          e);
    }
    if (raw.length > MAX_FILE_BYTES) {
      throw new ConfigException(
          "the publish credentials file " + file + " is larger than " + MAX_FILE_BYTES + " bytes");
    }
    List<String> lines = new ArrayList<>();
    for (String l : new String(raw, StandardCharsets.US_ASCII).split("\n", -1)) {
      lines.add(l.endsWith("\r") ? l.substring(0, l.length() - 1) : l);
    }
    while (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
      lines.remove(lines.size() - 1);
    }
    if (lines.size() != 2) {
      throw new ConfigException(
          "the publish credentials file "
              + file
              + " must have two lines, the access key id and then the secret access key; it has "
              + lines.size());
    }
    check(file, 1, "access key id", lines.get(0));
    check(file, 2, "secret access key", lines.get(1));
    if (org.rcskt.server.config.KeyFiles.isShared(file)) {
      LOG.log(
          System.Logger.Level.WARNING,
          "the publish credentials file "
              + file
              + " is readable by others than its owner; chmod 600 it");
    }
    return new S3Credentials(lines.get(0), lines.get(1));
  }

  private static void check(Path file, int line, String what, String v) {
    if (v.isEmpty() || v.length() > MAX_FIELD_LENGTH) {
      throw new ConfigException(
          "line "
              + line
              + " of the publish credentials file "
              + file
              + " ("
              + what
              + ") must be 1 to "
              + MAX_FIELD_LENGTH
              + " characters");
    }
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c <= ' ' || c >= 0x7f) {
        throw new ConfigException(
            "line "
                + line
                + " of the publish credentials file "
                + file
                + " ("
                + what
                + ") has a space, a control or a non-ASCII character at position "
                + (i + 1));
      }
    }
  }

  @Override
  public String toString() {
    return "S3Credentials[accessKeyId=" + accessKeyId + ", secretAccessKey=<hidden>]";
  }
}
