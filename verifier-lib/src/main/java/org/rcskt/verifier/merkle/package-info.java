/**
 * The Merkle tree of RFC 9162 section 2.1: leaf and node hashing (2.1.1), inclusion proofs (2.1.3)
 * and consistency proofs (2.1.4), both generated from a {@link
 * org.rcskt.verifier.merkle.NodeSource} and verified against root hashes, plus incremental
 * appending ({@link org.rcskt.verifier.merkle.CompactRange}).
 *
 * <p>Everything here is a pure function of its arguments apart from the storage behind a {@code
 * NodeSource}. Levels count from the leaves (level 0); a node at level {@code L} and index {@code
 * i} is the complete subtree over leaves {@code [i * 2^L, (i + 1) * 2^L)}.
 */
package org.rcskt.verifier.merkle;
