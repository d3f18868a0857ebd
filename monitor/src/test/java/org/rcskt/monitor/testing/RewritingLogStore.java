package org.rcskt.monitor.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.rcskt.server.storage.AppendBatch;
import org.rcskt.server.storage.LogStore;
import org.rcskt.verifier.Hash;

/**
 * Fault injection for the "log rewrites an entry it already served" test: the log's RocksDB store
 * seen through a wrapper that returns other bytes for one stored entry, exactly as if the stored
 * row had been altered while the log was down. Everything else passes through.
 */
public final class RewritingLogStore implements LogStore {
  private final LogStore delegate;
  private final long leafIndex;
  private final byte[] replacement;

  public RewritingLogStore(LogStore delegate, long leafIndex, byte[] replacement) {
    this.delegate = delegate;
    this.leafIndex = leafIndex;
    this.replacement = replacement.clone();
  }

  @Override
  public byte[] entry(long index) {
    return index == leafIndex ? replacement.clone() : delegate.entry(index);
  }

  @Override
  public List<byte[]> entries(long start, long end) {
    List<byte[]> out = new ArrayList<>(delegate.entries(start, end));
    if (leafIndex >= start && leafIndex < start + out.size()) {
      out.set((int) (leafIndex - start), replacement.clone());
    }
    return out;
  }

  @Override
  public long treeSize() {
    return delegate.treeSize();
  }

  @Override
  public byte[] checkpoint() {
    return delegate.checkpoint();
  }

  @Override
  public long leafIndex(Hash leafHash) {
    return delegate.leafIndex(leafHash);
  }

  @Override
  public Hash node(int level, long index) {
    return delegate.node(level, index);
  }

  @Override
  public Hash[] nodes(int[] levels, long[] indexes) {
    return delegate.nodes(levels, indexes);
  }

  @Override
  public Hash[] nodesIfCached(int[] levels, long[] indexes) {
    return delegate.nodesIfCached(levels, indexes);
  }

  @Override
  public byte[] fullTile(long index) {
    return delegate.fullTile(index);
  }

  @Override
  public byte[] fullTileIfCached(long index) {
    return delegate.fullTileIfCached(index);
  }

  @Override
  public void forEachFullTile(FullTileVisitor visitor) {
    delegate.forEachFullTile(visitor);
  }

  @Override
  public int nodes(int level, long start, int count, byte[] dst) {
    return delegate.nodes(level, start, count, dst);
  }

  @Override
  public byte[] subjectState(Hash subject) {
    return delegate.subjectState(subject);
  }

  @Override
  public List<AppendBatch.SubjectEvent> subjectEvents(Hash subject, long fromSequence, int limit) {
    return delegate.subjectEvents(subject, fromSequence, limit);
  }

  @Override
  public byte[] anchorRegistry() {
    return delegate.anchorRegistry();
  }

  @Override
  public void append(AppendBatch batch) {
    delegate.append(batch);
  }

  @Override
  public void forEachNode(NodeVisitor visitor) {
    delegate.forEachNode(visitor);
  }

  @Override
  public void forEachLeafIndex(LeafIndexVisitor visitor) {
    delegate.forEachLeafIndex(visitor);
  }

  @Override
  public void forEachSubjectEvent(SubjectEventVisitor visitor) {
    delegate.forEachSubjectEvent(visitor);
  }

  @Override
  public void forEachSubjectState(SubjectStateVisitor visitor) {
    delegate.forEachSubjectState(visitor);
  }

  @Override
  public long countEntries() {
    return delegate.countEntries();
  }

  @Override
  public Map<String, Double> statistics() {
    return delegate.statistics();
  }

  @Override
  public void close() {
    delegate.close();
  }
}
