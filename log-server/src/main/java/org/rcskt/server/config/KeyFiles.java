package org.rcskt.server.config;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Key files: one key string (a C2SP signer or verifier key) per file, written once with owner-only
 * permissions and never rewritten.
 */
public final class KeyFiles {
  private static final Set<PosixFilePermission> OWNER_ONLY =
      PosixFilePermissions.fromString("rw-------");

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
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw new ConfigException("cannot read key file " + file + ": " + e.getMessage(), e);
    }
    if (text.isEmpty() || text.contains("\n")) {
      throw new ConfigException("key file " + file + " must hold exactly one key line");
    }
    return text;
  }

  /**
   * Writes {@code key} to a new file {@code file}, readable and writable by the owner only.
   *
   * @throws FileAlreadyExistsException if the file exists (it is never overwritten)
   * @throws ConfigException if the file cannot be written
   */
  public static void write(Path file, String key) throws FileAlreadyExistsException {
    Path dir = file.toAbsolutePath().getParent();
    Path tmp = dir.resolve(file.getFileName() + ".tmp");
    try {
      Files.createDirectories(dir);
      Files.deleteIfExists(tmp);
      FileAttribute<?>[] attrs =
          posix(dir)
              ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)}
              : new FileAttribute<?>[0];
      Files.createFile(tmp, attrs);
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ch.write(java.nio.ByteBuffer.wrap((key + "\n").getBytes(StandardCharsets.UTF_8)));
        ch.force(true);
      }
      if (Files.exists(file)) {
        Files.delete(tmp);
        throw new FileAlreadyExistsException(file.toString());
      }
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
    } catch (FileAlreadyExistsException e) {
      throw e;
    } catch (IOException e) {
      throw new ConfigException("cannot write key file " + file + ": " + e.getMessage(), e);
    }
  }

  /** True when {@code file} is readable or writable by anyone but its owner. */
  public static boolean isShared(Path file) {
    try {
      if (!posix(file)) {
        return false;
      }
      Set<PosixFilePermission> p = Files.getPosixFilePermissions(file);
      return p.stream()
          .anyMatch(x -> !OWNER_ONLY.contains(x) && x != PosixFilePermission.OWNER_EXECUTE);
    } catch (IOException e) {
      return false;
    }
  }

  private static boolean posix(Path p) {
    return p.getFileSystem().supportedFileAttributeViews().contains("posix");
  }
}
