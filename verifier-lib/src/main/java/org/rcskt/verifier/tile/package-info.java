/**
 * C2SP tlog-tiles arithmetic: tile and entry-bundle paths ({@code tile/<L>/<N>[.p/<W>]}, {@code
 * tile/entries/<N>[.p/<W>]}), which tiles a tree of a given size has, building and reading hash
 * tiles, the entry bundle encoding (big-endian uint16 length-prefixed entries), and a {@link
 * org.rcskt.verifier.merkle.NodeSource} over fetched tiles so a client can compute RFC 9162 proofs.
 *
 * <p>Tile level {@code L} holds Merkle tree nodes at level {@code 8 * L}: tile {@code N} holds
 * nodes {@code N * 256} to {@code N * 256 + W - 1}, as concatenated 32-byte hashes.
 */
package org.rcskt.verifier.tile;
