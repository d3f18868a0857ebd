package org.rcskt.verifier.merkle;

import org.rcskt.verifier.Hash;

/**
 * Read access to the complete subtrees of a Merkle tree.
 *
 * <p>Contract: callers ask only for <em>complete</em> subtrees that lie inside the tree size they
 * are working with, that is for {@code (level, index)} with {@code (index + 1) * 2^level <=
 * treeSize}. The incomplete nodes on the right edge of a tree are never requested: callers compute
 * them by hashing complete ones. Proof generation in {@link Proofs} asks for O(log treeSize) nodes.
 *
 * <p>Implementations may be backed by storage and may throw an unchecked exception (for example
 * {@link java.io.UncheckedIOException}) when it fails, or {@link IllegalArgumentException} or
 * {@link IllegalStateException} when asked for a node they do not hold.
 */
@FunctionalInterface
public interface NodeSource {
  /**
   * The hash of the complete subtree of {@code 2^level} leaves whose first leaf is {@code index *
   * 2^level}. Level 0 nodes are leaf hashes.
   *
   * @param level 0 to 62
   * @param index non-negative
   */
  Hash node(int level, long index);
}
