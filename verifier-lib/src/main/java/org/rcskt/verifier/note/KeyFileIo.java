package org.rcskt.verifier.note;

import java.io.IOException;
import java.nio.ByteBuffer;
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
import org.rcskt.verifier.io.AtomicFiles;

/**
 * Key files as the log server and the monitor keep them: one key string (a signer, verifier or VRF
 * key) per file, written once with owner-only permissions and never rewritten.
 */
public final class KeyFileIo {
  /** The largest key file read: a key line is well under a kilobyte. */
  public static final int MAX_SIZE = 4096;

  private static final Set<PosixFilePermission> OWNER_ONLY =
      PosixFilePermissions.fromString("rw-------");

  private KeyFileIo() {}

  /**
   * Reads the single key line of {@code file}.
   *
   * @throws IOException if the file cannot be read, is larger than {@link #MAX_SIZE}, or does not
   *     hold exactly one non-empty line (the message says which)
   */
  public static String read(Path file) throws IOException {
    if (Files.size(file) > MAX_SIZE) {
      throw new IOException("key file " + file + " is larger than " + MAX_SIZE + " bytes");
    }
    String text = Files.readString(file, StandardCharsets.UTF_8).strip();
    if (text.isEmpty() || text.contains("\n")) {
      throw new IOException("key file " + file + " must hold exactly one key line");
    }
    return text;
  }

  /**
   * Writes {@code key} and a newline to a new file {@code file}, readable and writable by the owner
   * only: synced, atomically renamed into place, then the directory synced.
   *
   * @throws FileAlreadyExistsException if the file exists (it is never overwritten)
   * @throws IOException if the file cannot be written
   */
  public static void write(Path file, String key) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Path tmp = dir.resolve(file.getFileName() + ".tmp");
    Files.createDirectories(dir);
    Files.deleteIfExists(tmp);
    FileAttribute<?>[] attrs =
        posix(dir)
            ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)}
            : new FileAttribute<?>[0];
    Files.createFile(tmp, attrs);
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap((key + "\n").getBytes(StandardCharsets.UTF_8)));
      ch.force(true);
    }
    if (Files.exists(file)) {
      Files.delete(tmp);
      throw new FileAlreadyExistsException(file.toString());
    }
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
    // The rename is durable only once the directory is: a crash could otherwise lose a key that
    // was already printed and handed out.
    AtomicFiles.forceDirectory(dir);
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
