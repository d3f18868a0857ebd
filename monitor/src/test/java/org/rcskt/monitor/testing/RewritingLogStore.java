package org.rcskt.monitor.testing;

import java.util.ArrayList;
import java.util.List;
import org.rcskt.server.storage.ForwardingLogStore;
import org.rcskt.server.storage.LogStore;

/**
 * Fault injection for the "log rewrites an entry it already served" test: the log's RocksDB store
 * seen through a wrapper that returns other bytes for one stored entry, exactly as if the stored
 * row had been altered while the log was down. Everything else passes through.
 */
public final class RewritingLogStore extends ForwardingLogStore {
  private final long leafIndex;
  private final byte[] replacement;

  public RewritingLogStore(LogStore delegate, long leafIndex, byte[] replacement) {
    super(delegate);
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
}
