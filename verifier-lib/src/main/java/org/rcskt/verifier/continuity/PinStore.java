package org.rcskt.verifier.continuity;

import java.io.IOException;
import java.util.Optional;
import org.rcskt.verifier.Hash;

/**
 * Where an app keeps the key it pinned for each contact.
 *
 * <p>Contract for implementations: {@link #put} and {@link #remove} are durable once they return
 * and atomic per subject (a crash leaves the old pin or the new one); {@link #get} returns exactly
 * what was last put. Implementations must be usable from several threads; a {@link
 * ContinuityChecker} serializes its own read-check-advance sequence for a subject.
 */
public interface PinStore {
  /**
   * The pin for {@code subjectIndex}, or empty if the app has none (first contact).
   *
   * @throws IOException if the stored pin cannot be read or is corrupt
   */
  Optional<Pin> get(Hash subjectIndex) throws IOException;

  /**
   * Stores {@code pin}, replacing any pin for the same subject.
   *
   * @throws IOException if it cannot be stored; the previous pin then remains
   */
  void put(Pin pin) throws IOException;

  /**
   * Forgets the pin for {@code subjectIndex}, if any (for example when the user deletes the
   * contact).
   *
   * @throws IOException if it cannot be removed
   */
  void remove(Hash subjectIndex) throws IOException;
}
