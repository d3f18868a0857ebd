package org.rcskt.server.log;

import org.rcskt.server.storage.LogStore;
import org.rcskt.server.storage.StorageException;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.event.AnchorRegistry;
import org.rcskt.verifier.event.EventFormatException;
import org.rcskt.verifier.event.SubjectState;

/** Reads stored states; bytes that do not decode mean a corrupt store, not a client error. */
final class StateCodec {
  private StateCodec() {}

  static SubjectState load(LogStore store, Hash subject) {
    return decode(store.subjectState(subject), subject);
  }

  static SubjectState decode(byte[] b, Hash subject) {
    if (b == null) {
      return SubjectState.EMPTY;
    }
    try {
      return SubjectState.fromBytes(b);
    } catch (EventFormatException e) {
      throw new StorageException("stored state of subject " + subject + " does not decode", e);
    }
  }

  static AnchorRegistry anchors(LogStore store) {
    byte[] b = store.anchorRegistry();
    if (b == null) {
      return AnchorRegistry.EMPTY;
    }
    try {
      return AnchorRegistry.fromBytes(b);
    } catch (EventFormatException e) {
      throw new StorageException("stored anchor registry does not decode", e);
    }
  }
}
