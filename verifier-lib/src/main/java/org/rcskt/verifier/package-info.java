/**
 * verifier-lib: what a messaging client, a monitor or an auditor needs to check the key
 * transparency log without trusting its operator.
 *
 * <p>Sub-packages: {@code merkle} (RFC 9162 section 2.1 hashing and proofs), {@code note} (C2SP
 * signed-note and tlog-cosignature), {@code checkpoint} (C2SP tlog-checkpoint), {@code event} (the
 * key-event format and its rules, docs/protocol.md), {@code client} (fetch and verify).
 */
package org.rcskt.verifier;
