package org.rcskt.verifier.client;

import java.util.List;
import java.util.Objects;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.checkpoint.SignedCheckpoint;

/**
 * The log's answer to an accepted event, verified by {@link LogClient}: the checkpoint is signed by
 * the log (and consistent with every checkpoint the client verified before), the leaf hash is the
 * submitted event's, and the inclusion proof leads from it to the checkpoint's root.
 *
 * @param leafIndex where the event is in the log
 * @param leafHash the event's leaf hash (RFC 9162 hash of its encoding)
 * @param duplicate the event was already logged, at {@code leafIndex}; nothing was added
 * @param unattestedRegistration a REGISTER accepted without a carrier signature
 * @param recovery a ROTATE signed by the carrier but not by the key it replaces
 * @param checkpoint the verified checkpoint the proof is against
 * @param inclusionProof the verified RFC 9162 inclusion proof
 */
public record Receipt(
    long leafIndex,
    Hash leafHash,
    boolean duplicate,
    boolean unattestedRegistration,
    boolean recovery,
    SignedCheckpoint checkpoint,
    List<Hash> inclusionProof) {
  public Receipt {
    Objects.requireNonNull(leafHash, "leafHash");
    Objects.requireNonNull(checkpoint, "checkpoint");
    inclusionProof = List.copyOf(inclusionProof);
  }
}
