package org.rcskt.verifier.merkle;

import org.rcskt.verifier.Hash;

/**
 * Receives complete subtree nodes as a tree grows, for example to persist them. See {@link
 * CompactRange#append(Hash, NodeSink)}.
 */
@FunctionalInterface
public interface NodeSink {
  /** A sink that discards every node. */
  NodeSink NONE = (level, index, hash) -> {};

  /**
   * Accepts the hash of the complete subtree of {@code 2^level} leaves whose first leaf is {@code
   * index * 2^level}. Level 0 nodes are leaf hashes.
   */
  void accept(int level, long index, Hash hash);
}
