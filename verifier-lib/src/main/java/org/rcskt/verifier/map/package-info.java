/**
 * The subject map of docs/protocol.md section 16: a sparse Merkle tree from 32-byte subject index
 * to the subject's latest state ({@code next_sequence}, {@code last_event_hash}), with leaves
 * lifted to their shortest unique prefix. Hashing ({@link org.rcskt.verifier.map.MapHashes}, 16.1),
 * proofs of the latest state and of absence ({@link org.rcskt.verifier.map.MapProof}, 16.2), the
 * {@code MAP_ROOT} log entry ({@link org.rcskt.verifier.map.MapRootEntry}, 16.3), and the batched
 * update algorithm over node storage ({@link org.rcskt.verifier.map.SubjectMap}, {@link
 * org.rcskt.verifier.map.MapNodeStore}, the node records of 16.4). docs/design/0006-subject-map.md
 * says why the map is built this way.
 */
package org.rcskt.verifier.map;
