/**
 * The RocksDB implementation of {@link org.rcskt.server.storage.LogStore}: the only package of the
 * project that imports {@code org.rocksdb}.
 *
 * <p>Layout, one column family per kind of row, all integers big-endian so that iteration order is
 * numeric order (tiles and entry pages are range scans):
 *
 * <ul>
 *   <li>{@code entries}: leaf index (8) -> encoded entry
 *   <li>{@code leaf_index}: RFC 9162 leaf hash (32) -> leaf index (8)
 *   <li>{@code nodes}: level (1) || index (8) -> hash (32) of every complete subtree; level 0 holds
 *       the leaf hashes, level 8L the C2SP tlog-tiles hash tiles of tile level L
 *   <li>{@code subjects}: subject index (32) -> encoded subject state
 *   <li>{@code subject_events}: subject index (32) || sequence (8) -> leaf index (8)
 *   <li>{@code tiles}: tile index (8) -> the 256 leaf hashes of a full level-0 hash tile, packed (a
 *       copy of level-0 nodes, so that serving a tile is one lookup)
 *   <li>{@code default}: {@code tree_size}, {@code checkpoint}, {@code anchors}
 * </ul>
 */
package org.rcskt.server.storage.rocksdb;
