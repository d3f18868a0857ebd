package org.rcskt.verifier.map;

/**
 * One record a batch writes: the node at {@code key} now holds {@code record} (protocol 16.4). The
 * array belongs to the change: nobody modifies it after {@link SubjectMap.Batch#finish()} returned
 * it, and a store may keep it as it is.
 *
 * @param key where the node is
 * @param record the node's record, a 73-byte leaf or a 65-byte internal record
 */
public record NodeChange(NodeKey key, byte[] record) {}
