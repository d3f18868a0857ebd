package org.rcskt.verifier.client;

import java.io.IOException;
import java.util.Optional;

/**
 * Where a {@link LogClient} keeps the latest checkpoint it has verified for one log, so that after
 * a restart it still refuses a checkpoint older than, or inconsistent with, what it has already
 * seen.
 *
 * <p>Contract for implementations: {@link #save} is durable once it returns and atomic (a crash
 * leaves either the previous checkpoint or the new one, never a mix); {@link #load} returns exactly
 * the bytes last saved. Implementations need not be thread-safe: a {@link LogClient} serializes its
 * calls.
 */
public interface CheckpointStore {
  /**
   * The signed checkpoint last saved, byte for byte as the log served it, or empty if none was.
   *
   * @throws IOException if the stored checkpoint cannot be read
   */
  Optional<byte[]> load() throws IOException;

  /**
   * Replaces the stored checkpoint with {@code signedCheckpoint}.
   *
   * @param signedCheckpoint a signed checkpoint note the caller has verified
   * @throws IOException if it cannot be stored; the previous checkpoint then remains
   */
  void save(byte[] signedCheckpoint) throws IOException;
}
