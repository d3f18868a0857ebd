/**
 * Sequencing, integration and signing, in plain Java (no Vert.x, no RocksDB).
 *
 * <p>One integrator thread turns verified key events into leaves (RFC 9162 section 2.1), applies
 * the key-event rules in arrival order, writes each batch with its C2SP tlog-checkpoint in one
 * durable store write, and only then answers the submitters (no merge delay). Readers serve
 * inclusion and consistency proofs (RFC 9162 sections 2.1.3 and 2.1.4) and C2SP tlog-tiles hash
 * tiles and entry bundles from the store and from the small upper levels of the tree kept in
 * memory.
 */
package org.rcskt.server.log;
