package org.rcskt.server.config;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;
import org.rcskt.verifier.note.KeyFileIo;

/**
 * Key files: one key string (a C2SP signer or verifier key) per file, written once with owner-only
 * permissions and never rewritten.
 */
public final class KeyFiles {
  private KeyFiles() {}

  /** The contents of a key file and whether this call created it. */
  public record KeyFile(Path path, String key, boolean created) {}

  /**
   * Reads the key in {@code file}, or, when the file does not exist, writes {@code generate.get()}
   * to it (owner read/write only, synced, atomically renamed into place) and returns that.
   *
   * @throws ConfigException if the file cannot be read or written, or is empty
   */
  public static KeyFile readOrCreate(Path file, Supplier<String> generate) {
    if (Files.exists(file)) {
      return new KeyFile(file, read(file), false);
    }
    String key = generate.get();
    try {
      write(file, key);
    } catch (FileAlreadyExistsException e) {
      // Another process created it first: its key wins, ours was never used.
      return new KeyFile(file, read(file), false);
    }
    return new KeyFile(file, key, true);
  }

  /**
   * Reads the single key line of {@code file}.
   *
   * @throws ConfigException if the file cannot be read or holds no key
   */
  public static String read(Path file) {
    try {
      return KeyFileIo.read(file);
    } catch (IOException e) {
      throw new ConfigException(
          e.getMessage().startsWith("key file ")
              ? e.getMessage()
              : "cannot read key file " + file + ": " + e.getMessage(),
          e);
    }
  }

  /**
   * Writes {@code key} to a new file {@code file}, readable and writable by the owner only.
   *
   * @throws FileAlreadyExistsException if the file exists (it is never overwritten)
   * @throws ConfigException if the file cannot be written
   */
  public static void write(Path file, String key) throws FileAlreadyExistsException {
    try {
      KeyFileIo.write(file, key);
    } catch (FileAlreadyExistsException e) {
      throw e;
    } catch (IOException e) {
      throw new ConfigException("cannot write key file " + file + ": " + e.getMessage(), e);
    }
  }

  /** True when {@code file} is readable or writable by anyone but its owner. */
  public static boolean isShared(Path file) {
    return KeyFileIo.isShared(file);
  }
}
