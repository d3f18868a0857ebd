package org.rcskt.verifier.map;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.rcskt.verifier.Hash;

/**
 * A {@link MapNodeStore} that holds only the paths of some subjects, rebuilt from their {@link
 * MapProof}s against one root: enough for a {@link SubjectMap} batch that puts exactly those
 * subjects to compute the new root (protocol 16.2, 16.4). A third party uses it to check a map
 * update from the old root, the events and the proofs alone, without the whole map.
 *
 * <p>Reading a position no proof covers throws {@link IllegalStateException}: the store cannot know
 * what is there, and answering "EMPTY" would give a wrong root. Not thread-safe.
 */
public final class ProvenMapNodeStore implements WritableMapNodeStore {
  private final Map<NodeKey, byte[]> records = new HashMap<>();

  /** The positions where a proof's path ends: below them, the old map is EMPTY. */
  private final Set<NodeKey> terminals = new HashSet<>();

  private ProvenMapNodeStore() {}

  /**
   * The map with root {@code root} and {@code subjectCount} subjects, over a store holding the
   * paths of {@code proofs} (subject index to its proof against {@code root}). Each proof is
   * verified first. A batch on the result may put only subjects of {@code proofs}.
   *
   * @throws MapProofException if a proof does not verify against {@code root} for its index
   * @throws IllegalArgumentException if an argument is null, {@code proofs} is empty while {@code
   *     root} is not EMPTY, or two proofs give one node different records (a hash collision)
   */
  public static SubjectMap map(Hash root, long subjectCount, Map<Hash, MapProof> proofs)
      throws MapProofException {
    if (root == null || proofs == null) {
      throw new IllegalArgumentException("root and proofs must not be null");
    }
    ProvenMapNodeStore store = new ProvenMapNodeStore();
    for (Map.Entry<Hash, MapProof> e : proofs.entrySet()) {
      e.getValue().verify(root, e.getKey());
      store.seed(e.getKey(), e.getValue());
    }
    if (proofs.isEmpty() && !root.equals(MapHashes.EMPTY)) {
      throw new IllegalArgumentException("a non-empty map needs at least one proof, got none");
    }
    if (proofs.isEmpty()) {
      store.terminals.add(NodeKey.of(0, new byte[Hash.SIZE]));
    }
    return SubjectMap.of(store, root, subjectCount);
  }

  /** Writes the records on the path of {@code index} that {@code proof} determines. */
  private void seed(Hash index, MapProof proof) {
    byte[] x = index.toByteArray();
    int depth = proof.depth();
    List<Hash> siblings = proof.siblings();
    NodeKey terminalKey = NodeKey.of(depth, x);
    terminals.add(terminalKey);
    byte[] h;
    if (proof.terminal().isPresent()) {
      byte[] leaf = NodeRecords.leaf(proof.terminal().get());
      put(terminalKey, leaf);
      h = MapHashes.leafHash(proof.terminal().get()).toByteArray();
    } else {
      h = MapHashes.EMPTY.toByteArray();
    }
    for (int d = depth - 1; d >= 0; d--) {
      byte[] rec = new byte[NodeRecords.INTERNAL_SIZE];
      rec[0] = NodeRecords.INTERNAL;
      byte[] sib = siblings.get(d).toByteArray();
      boolean left = MapHashes.bit(x, d) == 0;
      System.arraycopy(left ? h : sib, 0, rec, NodeRecords.LEFT, Hash.SIZE);
      System.arraycopy(left ? sib : h, 0, rec, NodeRecords.RIGHT, Hash.SIZE);
      put(NodeKey.of(d, x), rec);
      h =
          MapHashes.nodeHash(Hash.of(rec, NodeRecords.LEFT), Hash.of(rec, NodeRecords.RIGHT))
              .toByteArray();
    }
  }

  private void put(NodeKey key, byte[] rec) {
    byte[] old = records.get(key);
    if (old != null && !java.util.Arrays.equals(old, rec)) {
      throw new IllegalArgumentException("two proofs give node " + key + " different records");
    }
    records.put(key, rec);
  }

  @Override
  public byte[] get(int depth, byte[] path) {
    NodeKey key = NodeKey.of(depth, path);
    byte[] r = records.get(key);
    if (r != null) {
      return r;
    }
    // At or below the end of a proven path (EMPTY, or a leaf's position) the old map is EMPTY.
    for (int d = depth; d >= 0; d--) {
      if (terminals.contains(d == depth ? key : NodeKey.of(d, path))) {
        return null;
      }
    }
    throw new IllegalStateException("no proof covers map node " + key);
  }

  @Override
  public void apply(List<NodeChange> changes) {
    for (NodeChange c : changes) {
      if (c.record() == null) {
        throw new IllegalArgumentException("no record for node " + c.key());
      }
      try {
        NodeRecords.check(c.record(), c.key().depth());
      } catch (IllegalStateException e) {
        throw new IllegalArgumentException(e.getMessage(), e);
      }
    }
    for (NodeChange c : changes) {
      records.put(c.key(), c.record());
    }
  }
}
