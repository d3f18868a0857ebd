package org.rcskt.server.testing;

import java.net.URI;
import java.util.Optional;
import org.rcskt.verifier.VerificationException;
import org.rcskt.verifier.client.CheckpointStore;
import org.rcskt.verifier.client.LogClient;
import org.rcskt.verifier.note.NoteVerifiers;

/** verifier-lib clients of a test server, each remembering its checkpoint in memory. */
public final class Clients {
  private Clients() {}

  /** A checkpoint store in memory, empty at first. */
  public static final class MemoryCheckpointStore implements CheckpointStore {
    private volatile byte[] saved;

    @Override
    public Optional<byte[]> load() {
      byte[] s = saved;
      return s == null ? Optional.empty() : Optional.of(s.clone());
    }

    @Override
    public void save(byte[] signedCheckpoint) {
      saved = signedCheckpoint.clone();
    }
  }

  /**
   * A client of the log at {@code baseUrl} with the log key {@code verifierKey} and the VRF public
   * key {@code vrfPublicKey}, starting from no checkpoint.
   */
  public static LogClient of(
      String baseUrl, String origin, String verifierKey, byte[] vrfPublicKey) {
    try {
      return LogClient.builder(
              URI.create(baseUrl),
              origin,
              NoteVerifiers.parse(verifierKey),
              new MemoryCheckpointStore())
          .vrfKey(vrfPublicKey)
          .build();
    } catch (VerificationException e) {
      throw new IllegalArgumentException("not a verifier key: " + verifierKey, e);
    }
  }
}
