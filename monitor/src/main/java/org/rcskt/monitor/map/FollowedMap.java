package org.rcskt.monitor.map;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.event.KeyEvent;
import org.rcskt.verifier.map.MapProof;
import org.rcskt.verifier.map.MapRootEntry;
import org.rcskt.verifier.map.MapRootFormatException;
import org.rcskt.verifier.map.NodeChange;
import org.rcskt.verifier.map.NodeKey;
import org.rcskt.verifier.map.SubjectMap;
import org.rcskt.verifier.map.WritableMapNodeStore;
import org.rcskt.verifier.merkle.CompactRange;

/**
 * A log's subject map as the monitor recomputes it, advanced one entry at a time: key events are
 * kept pending, and at each {@code MAP_ROOT} leaf the pending events are applied to the map at the
 * base in one batch and the result compared with the leaf (tree size = its leaf index + 1, subject
 * count, root). A match makes that leaf the new base; a mismatch leaves the base where it is, so
 * the map proofs of the touched subjects against the base still show what the log should have
 * committed to.
 *
 * <p>Node changes are staged in memory until {@link #changes()} hands them to the caller's atomic
 * write, with {@link #state()}. Not thread-safe.
 */
public final class FollowedMap {
  /**
   * How many leaves a divergence may span before the monitor moves its base to its own
   * recomputation: a bound on the evidence bundle and the state record. Past it, later mismatches
   * are logged but carry no evidence until a map root matches again.
   */
  public static final int MAX_PENDING = 1 << 16;

  /** Reads a stored node record by its storage key (protocol 16.4); null if there is none. */
  public interface NodeReader {
    byte[] get(byte[] encodedKey) throws IOException;
  }

  /**
   * A map root that does not match the recomputation, with what a third party needs to see it.
   *
   * @param leafIndex the {@code MAP_ROOT} leaf
   * @param entry its bytes
   * @param problem what differs
   * @param base the state at the base (its pending leaves end just before {@code leafIndex})
   * @param proofs the proof of each subject the pending events touch, against the base root
   * @param recomputedCount the subject count the events give
   * @param recomputedRoot the root the events give
   * @param provable false when the base is the monitor's own recomputation, not a committed root
   */
  public record Mismatch(
      long leafIndex,
      byte[] entry,
      String problem,
      MapState base,
      Map<Hash, MapProof> proofs,
      long recomputedCount,
      Hash recomputedRoot,
      boolean provable) {}

  private final Staged nodes;
  private long baseLeaf;
  private long baseCount;
  private Hash baseRoot;
  private Hash baseLeafHash;
  private boolean committed;
  private CompactRange baseRange;
  private List<MapState.Leaf> pending;
  private final List<Mismatch> mismatches = new ArrayList<>();
  private long mapRoots;

  private FollowedMap(MapState s, NodeReader reader) {
    this.nodes = new Staged(reader);
    this.baseLeaf = s.baseLeaf();
    this.baseCount = s.baseCount();
    this.baseRoot = s.baseRoot();
    this.baseLeafHash = s.baseLeafHash();
    this.committed = s.committed();
    this.baseRange = s.baseRange().copy();
    this.pending = new ArrayList<>(s.pending());
  }

  /** The map from its stored state ({@link MapState#empty()} when {@code state} is null). */
  public static FollowedMap load(byte[] state, NodeReader reader) {
    return new FollowedMap(state == null ? MapState.empty() : MapState.decode(state), reader);
  }

  /** The number of leaves accepted so far: the next leaf index expected. */
  public long treeSize() {
    return baseRange.treeSize() + (baseLeaf >= 0 ? 1 : 0) + pending.size();
  }

  /** The state to store with {@link #changes()}. */
  public MapState state() {
    return new MapState(
        baseLeaf, baseCount, baseRoot, baseLeafHash, committed, baseRange, List.copyOf(pending));
  }

  /** Every node record written since loading, by storage key, to store with {@link #state()}. */
  public Map<ByteBuffer, byte[]> changes() {
    return nodes.overlay;
  }

  /** The mismatches found since loading, in leaf order. */
  public List<Mismatch> mismatches() {
    return mismatches;
  }

  /** The number of map roots checked since loading. */
  public long mapRootsChecked() {
    return mapRoots;
  }

  /** The map at the base, reading the staged and stored records. */
  public SubjectMap baseMap() {
    return SubjectMap.of(nodes, baseRoot, baseCount);
  }

  /**
   * Accepts the next leaf.
   *
   * @param event the entry decoded as a key event, or null when it is not one
   * @throws IllegalArgumentException if {@code leafIndex} is not the next leaf
   * @throws UncheckedIOException if a stored node cannot be read
   */
  public void accept(long leafIndex, byte[] entry, KeyEvent event, Hash leafHash) {
    long expected = treeSize();
    if (leafIndex != expected) {
      throw new IllegalArgumentException(
          "map expects leaf " + expected + ", got leaf " + leafIndex);
    }
    if (!MapRootEntry.isMapRoot(entry)) {
      pending.add(
          event == null
              ? new MapState.Leaf(leafIndex, leafHash, null, 0)
              : new MapState.Leaf(leafIndex, leafHash, event.subject(), event.sequence() + 1));
      return;
    }
    mapRoots++;
    SubjectMap base = baseMap();
    SubjectMap.Batch batch = base.batch();
    Map<Hash, Boolean> touched = new LinkedHashMap<>();
    for (MapState.Leaf l : pending) {
      if (l.subject() != null) {
        batch.put(l.subject(), l.nextSequence(), l.leafHash());
        touched.put(l.subject(), Boolean.TRUE);
      }
    }
    SubjectMap.Update u = batch.finish();
    String problem = compare(leafIndex, entry, u);
    if (problem == null) {
      nodes.apply(u.changes());
      rebase(leafIndex, leafHash, u, true);
      return;
    }
    Map<Hash, MapProof> proofs = new LinkedHashMap<>();
    if (committed) {
      for (Hash s : touched.keySet()) {
        proofs.put(s, base.prove(s));
      }
    }
    mismatches.add(
        new Mismatch(
            leafIndex,
            entry.clone(),
            problem,
            state(),
            proofs,
            u.subjectCount(),
            u.root(),
            committed));
    pending.add(new MapState.Leaf(leafIndex, leafHash, null, 0));
    if (pending.size() > MAX_PENDING) {
      nodes.apply(u.changes());
      rebase(leafIndex, leafHash, u, false);
    }
  }

  private void rebase(long leafIndex, Hash leafHash, SubjectMap.Update u, boolean matched) {
    CompactRange r = baseRange.copy();
    if (baseLeaf >= 0) {
      r.append(baseLeafHash);
    }
    for (MapState.Leaf l : pending) {
      if (l.leafIndex() < leafIndex) {
        r.append(l.leafHash());
      }
    }
    baseRange = r;
    baseLeaf = leafIndex;
    baseLeafHash = leafHash;
    baseCount = u.subjectCount();
    baseRoot = u.root();
    committed = matched;
    pending = new ArrayList<>();
  }

  /**
   * What differs between the map root entry at {@code leafIndex} and {@code u}; null if nothing.
   */
  public static String compare(long leafIndex, byte[] entry, SubjectMap.Update u) {
    MapRootEntry m;
    try {
      m = MapRootEntry.decode(entry);
    } catch (MapRootFormatException e) {
      return "the MAP_ROOT entry at leaf " + leafIndex + " is malformed: " + e.getMessage();
    }
    if (m.treeSize() != leafIndex + 1) {
      return "the MAP_ROOT entry at leaf "
          + leafIndex
          + " states tree size "
          + m.treeSize()
          + ", not "
          + (leafIndex + 1);
    }
    if (m.subjectCount() != u.subjectCount() || !m.mapRoot().equals(u.root())) {
      return "the MAP_ROOT entry at leaf "
          + leafIndex
          + " commits to map root "
          + m.mapRoot()
          + " of "
          + m.subjectCount()
          + " subjects, but the entries give map root "
          + u.root()
          + " of "
          + u.subjectCount()
          + " subjects";
    }
    return null;
  }

  /** Stored records with the changes of this session on top. */
  private static final class Staged implements WritableMapNodeStore {
    private final NodeReader reader;
    final Map<ByteBuffer, byte[]> overlay = new HashMap<>();

    Staged(NodeReader reader) {
      this.reader = reader;
    }

    @Override
    public byte[] get(int depth, byte[] path) {
      byte[] key = NodeKey.encode(depth, path);
      byte[] r = overlay.get(ByteBuffer.wrap(key));
      if (r != null) {
        return r;
      }
      try {
        return reader.get(key);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public void apply(List<NodeChange> changes) {
      for (NodeChange c : changes) {
        overlay.put(ByteBuffer.wrap(c.key().encoded()), c.record());
      }
    }
  }
}
