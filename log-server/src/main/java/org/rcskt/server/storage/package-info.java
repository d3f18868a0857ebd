/**
 * Durable storage for the log: the {@link org.rcskt.server.storage.LogStore} contract and the value
 * types passed through it.
 *
 * <p>What is stored follows from RFC 9162 section 2.1 (every complete Merkle subtree root, keyed by
 * level and index, so that inclusion and consistency proofs and C2SP tlog-tiles hash tiles are
 * reads, not recomputation) and from C2SP tlog-checkpoint (the latest signed checkpoint is
 * persisted atomically with the tree it commits to). Implementations live in sub-packages; only
 * {@code storage.rocksdb} knows about RocksDB.
 */
package org.rcskt.server.storage;
