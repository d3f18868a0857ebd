package org.rcskt.monitor.evidence;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Evidence bundles as files {@code <dir>/<id>.json}, each written to a temporary file, forced to
 * disk and renamed into place, so a bundle an alert points to is always complete.
 */
public final class EvidenceStore {
  private final Path dir;

  public EvidenceStore(Path dir) throws IOException {
    this.dir = dir;
    Files.createDirectories(dir);
  }

  /** The directory. */
  public Path dir() {
    return dir;
  }

  /** The file of bundle {@code id}. */
  public Path path(String id) {
    return dir.resolve(id + ".json");
  }

  /**
   * Writes {@code e} unless a bundle with its id exists.
   *
   * @return the file
   */
  public Path write(Evidence e, long detectedAtMs) throws IOException {
    Path target = path(e.id());
    if (Files.exists(target)) {
      return target;
    }
    Path tmp = dir.resolve(e.id() + ".json.tmp");
    try (FileChannel ch =
        FileChannel.open(
            tmp,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      ch.write(java.nio.ByteBuffer.wrap(e.toJson(detectedAtMs)));
      ch.force(true);
    }
    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException ignored) {
      // Some file systems cannot sync a directory; the rename is still atomic.
    }
    return target;
  }
}
