/**
 * Witnessing (C2SP tlog-witness and tlog-cosignature): the {@code add-checkpoint} request a log
 * sends to a witness, and the witness's answer.
 */
package org.rcskt.verifier.witness;
