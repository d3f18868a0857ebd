package org.rcskt.server.storage;

import java.util.List;
import java.util.Map;
import org.rcskt.verifier.Hash;

/**
 * A {@link LogStore} that passes every call to another store. Decorators (fault injection in tests,
 * instrumentation) extend it and override only the calls they change, so a new method on {@link
 * LogStore} needs one forwarding method here rather than one in every decorator. The contract of
 * each method is the delegate's.
 */
public abstract class ForwardingLogStore implements LogStore {
  /** The store every call is passed to. */
  protected final LogStore delegate;

  protected ForwardingLogStore(LogStore delegate) {
    this.delegate = delegate;
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
  public byte[] witnessedCheckpoint() {
    return delegate.witnessedCheckpoint();
  }

  @Override
  public void putWitnessedCheckpoint(byte[] note) {
    delegate.putWitnessedCheckpoint(note);
  }

  @Override
  public byte[] deviceAttestationPolicy() {
    return delegate.deviceAttestationPolicy();
  }

  @Override
  public void putDeviceAttestationPolicy(byte[] json) {
    delegate.putDeviceAttestationPolicy(json);
  }

  @Override
  public byte[] algorithmPolicy() {
    return delegate.algorithmPolicy();
  }

  @Override
  public void putAlgorithmPolicy(byte[] json) {
    delegate.putAlgorithmPolicy(json);
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
  public Hash[] nodesIfCached(int[] levels, long[] indexes) {
    return delegate.nodesIfCached(levels, indexes);
  }

  @Override
  public byte[] fullTileIfCached(long index) {
    return delegate.fullTileIfCached(index);
  }

  @Override
  public int nodes(int level, long start, int count, byte[] dst) {
    return delegate.nodes(level, start, count, dst);
  }

  @Override
  public byte[] fullTile(long index) {
    return delegate.fullTile(index);
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
  public byte[] mapState() {
    return delegate.mapState();
  }

  @Override
  public void scanMap(List<KeyRange> ranges, MapRecordVisitor visitor) {
    delegate.scanMap(ranges, visitor);
  }

  @Override
  public void scanMapLeaves(List<KeyRange> ranges, MapRecordVisitor visitor) {
    delegate.scanMapLeaves(ranges, visitor);
  }

  @Override
  public Snapshot snapshot() {
    return delegate.snapshot();
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
  public void forEachFullTile(FullTileVisitor visitor) {
    delegate.forEachFullTile(visitor);
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
