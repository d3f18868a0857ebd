package org.rcskt.server.log;

import org.rcskt.verifier.Hash;

/**
 * A logged event: its leaf index and hash, and the signed tree that includes it. {@code duplicate}
 * says the event had been logged before this submission (the index is the original one).
 *
 * @param unattestedRegistration the event is a REGISTER accepted without carrier attestation
 * @param recovery the event is a ROTATE signed by the carrier but not by the replaced key
 */
public record Sequenced(
    long leafIndex,
    Hash leafHash,
    TreeHead head,
    boolean duplicate,
    boolean unattestedRegistration,
    boolean recovery) {}
