/**
 * Evidence bundles of log misbehaviour (issue 4, "Following a log" and "Gossip"; docs/monitor.md,
 * "Evidence"): the raw signed checkpoints, proofs and entries involved, in a self-describing JSON
 * file that {@link org.rcskt.monitor.evidence.EvidenceVerifier} (the {@code verify-evidence}
 * command) rechecks offline with verifier-lib alone. Merkle paths follow RFC 9162 section 2.1.3.
 */
package org.rcskt.monitor.evidence;
