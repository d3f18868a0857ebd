package org.rcskt.verifier.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * Small-file persistence (a client's latest verified checkpoint and pinned keys, key files): a
 * write either fully replaces the old content or leaves it untouched, and is on disk when the call
 * returns; a read refuses a file larger than the caller's bound.
 */
public final class AtomicFiles {
  private AtomicFiles() {}

  /**
   * Replaces {@code target} with {@code content}: writes a temporary file in the same directory,
   * forces it to disk, renames it over {@code target} atomically, then forces the directory so the
   * rename itself survives a crash (where the platform allows opening a directory).
   *
   * @throws IOException if the directory is not writable, the file system cannot rename atomically,
   *     or any write or force fails; unless the directory force failed (after the rename), {@code
   *     target} then still holds its previous content
   */
  public static void write(Path target, byte[] content) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
    boolean moved = false;
    try {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ByteBuffer buf = ByteBuffer.wrap(content);
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        ch.force(true);
      }
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        throw new IOException("file system cannot replace " + target + " atomically", e);
      }
      moved = true;
      forceDirectory(dir);
    } finally {
      if (!moved) {
        Files.deleteIfExists(tmp);
      }
    }
  }

  /**
   * Reads all of {@code file}, or empty if it does not exist.
   *
   * @param maxBytes the largest content accepted; a longer file is refused without being read
   * @throws IOException if the file is longer than {@code maxBytes} or cannot be read
   */
  public static Optional<byte[]> read(Path file, int maxBytes) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      byte[] data = in.readNBytes(maxBytes + 1);
      if (data.length > maxBytes) {
        throw new IOException(file + " is larger than the limit of " + maxBytes + " bytes");
      }
      return Optional.of(data);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  /**
   * Forces {@code dir} so that a rename in it is durable. Linux and the other POSIX systems need
   * this, and a directory that cannot be opened or forced there is an I/O error like any other: the
   * caller must not report the write as durable. Windows cannot open a directory at all and makes
   * the rename durable itself, so there this does nothing.
   */
  public static void forceDirectory(Path dir) throws IOException {
    if (WINDOWS) {
      return;
    }
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }

  private static final boolean WINDOWS =
      System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).startsWith("windows");
}
