package org.rcskt.verifier.client;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import org.rcskt.verifier.io.AtomicFiles;

/** A {@link CheckpointStore} in one file, replaced atomically on each save. */
public final class FileCheckpointStore implements CheckpointStore {
  /**
   * The largest checkpoint accepted: a body of a few lines plus at most 100 signature lines, with
   * room to spare.
   */
  public static final int MAX_CHECKPOINT_BYTES = 64 * 1024;

  private final Path file;

  /**
   * A store kept in {@code file}; the file and its directory are created on the first save.
   *
   * @throws NullPointerException if {@code file} is null
   */
  public FileCheckpointStore(Path file) {
    this.file = Objects.requireNonNull(file, "file");
  }

  @Override
  public Optional<byte[]> load() throws IOException {
    return AtomicFiles.read(file, MAX_CHECKPOINT_BYTES);
  }

  @Override
  public void save(byte[] signedCheckpoint) throws IOException {
    if (signedCheckpoint.length > MAX_CHECKPOINT_BYTES) {
      throw new IllegalArgumentException(
          "checkpoint is "
              + signedCheckpoint.length
              + " bytes, larger than the limit of "
              + MAX_CHECKPOINT_BYTES);
    }
    AtomicFiles.write(file, signedCheckpoint);
  }

  /** The file this store uses. */
  public Path file() {
    return file;
  }
}
