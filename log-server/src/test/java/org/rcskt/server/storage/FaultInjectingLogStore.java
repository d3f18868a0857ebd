package org.rcskt.server.storage;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.rcskt.verifier.Hash;

/**
 * Wraps a real store and makes {@link #append} fail on demand, to test how callers handle a write
 * that does not happen. Every other call goes straight through.
 */
public final class FaultInjectingLogStore implements LogStore {
  private final LogStore delegate;
  private final AtomicInteger failNextAppends = new AtomicInteger();
  private final AtomicInteger appendsFailed = new AtomicInteger();
  private volatile long appendDelayMillis;
  private final AtomicInteger failAfterNextAppends = new AtomicInteger();

  public FaultInjectingLogStore(LogStore delegate) {
    this.delegate = delegate;
  }

  /** Makes the next {@code n} calls to {@link #append} throw without writing anything. */
  public void failNextAppends(int n) {
    failNextAppends.set(n);
  }

  /**
   * Makes the next {@code n} calls to {@link #append} write the batch and then throw: a sync error
   * reported after the data reached the disk.
   */
  public void failAfterNextAppends(int n) {
    failAfterNextAppends.set(n);
  }

  /** Makes every {@link #append} wait {@code millis} first: a slow disk. */
  public void delayAppends(long millis) {
    appendDelayMillis = millis;
  }

  public int appendsFailed() {
    return appendsFailed.get();
  }

  @Override
  public void append(AppendBatch batch) {
    long delay = appendDelayMillis;
    if (delay > 0) {
      try {
        Thread.sleep(delay);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (failNextAppends.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      appendsFailed.incrementAndGet();
      throw new StorageException("injected write failure at leaf index " + batch.startIndex());
    }
    delegate.append(batch);
    if (failAfterNextAppends.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      appendsFailed.incrementAndGet();
      throw new StorageException("injected failure after writing leaf index " + batch.startIndex());
    }
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
  public byte[] entry(long leafIndex) {
    return delegate.entry(leafIndex);
  }

  @Override
  public List<byte[]> entries(long start, long end) {
    return delegate.entries(start, end);
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
  public int nodes(int level, long start, int count, byte[] dst) {
    return delegate.nodes(level, start, count, dst);
  }

  @Override
  public Hash[] nodesIfCached(int[] levels, long[] indexes) {
    return delegate.nodesIfCached(levels, indexes);
  }

  @Override
  public byte[] fullTileIfCached(long index) {
    return delegate.fullTileIfCached(index);
  }

  @Override
  public byte[] fullTile(long index) {
    return delegate.fullTile(index);
  }

  @Override
  public void forEachFullTile(FullTileVisitor visitor) {
    delegate.forEachFullTile(visitor);
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
