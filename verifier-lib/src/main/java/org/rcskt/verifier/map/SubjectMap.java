package org.rcskt.verifier.map;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.rcskt.verifier.Hash;

/**
 * The subject map at one root, over a {@link MapNodeStore} that holds its records: lookups, proofs,
 * and batched updates (protocol 16). Immutable as a value; it reads the store, which must hold
 * exactly the records of this root while the map is used.
 *
 * <p>An update is a {@link Batch}: {@link Batch#put} any number of subjects, then {@link
 * Batch#finish()} hashes every node the batch touched once, deepest first, and returns the new root
 * with the changed records for the caller to write atomically. A node near the root is hashed once
 * per batch, not once per put.
 */
public final class SubjectMap {
  private final MapNodeStore store;
  private final Hash root;
  private final long subjectCount;

  private SubjectMap(MapNodeStore store, Hash root, long subjectCount) {
    this.store = store;
    this.root = root;
    this.subjectCount = subjectCount;
  }

  /**
   * The empty map over an empty store.
   *
   * @throws IllegalArgumentException if {@code store} holds a root record
   */
  public static SubjectMap empty(MapNodeStore store) {
    return of(store, MapHashes.EMPTY, 0);
  }

  /**
   * The map with root {@code root} and {@code subjectCount} subjects whose records are in {@code
   * store}. Checks that the store's root record hashes to {@code root} (one hash); the count is
   * taken on trust.
   *
   * @throws IllegalArgumentException if an argument is null, {@code subjectCount} is negative, or
   *     the store's root record does not match {@code root}
   */
  public static SubjectMap of(MapNodeStore store, Hash root, long subjectCount) {
    if (store == null || root == null) {
      throw new IllegalArgumentException("store and root must not be null");
    }
    if (subjectCount < 0) {
      throw new IllegalArgumentException("subjectCount must not be negative, got " + subjectCount);
    }
    byte[] rec = NodeRecords.check(store.get(0, new byte[Hash.SIZE]), 0);
    Hash stored = rec == null ? MapHashes.EMPTY : Hash.of(hashOf(Hash.newSha256(), rec));
    if (!stored.equals(root)) {
      throw new IllegalArgumentException(
          "the store's root record hashes to " + stored + ", not to the given root " + root);
    }
    if ((rec == null) != (subjectCount == 0)) {
      throw new IllegalArgumentException(
          "a map with root " + root + " cannot have " + subjectCount + " subjects");
    }
    return new SubjectMap(store, root, subjectCount);
  }

  private static byte[] hashOf(MessageDigest md, byte[] rec) {
    byte[] out = new byte[Hash.SIZE];
    if (NodeRecords.isLeaf(rec)) {
      MapHashes.leafHash(md, rec, out, 0);
    } else {
      MapHashes.nodeHash(md, rec, out, 0);
    }
    return out;
  }

  /** The root hash; {@link MapHashes#EMPTY} for the empty map. */
  public Hash root() {
    return root;
  }

  /** The number of subjects. */
  public long subjectCount() {
    return subjectCount;
  }

  /** The store this map reads. */
  public MapNodeStore store() {
    return store;
  }

  /** The subject's leaf, or empty if the subject is not in the map. */
  public Optional<SubjectLeaf> get(Hash index) {
    byte[] x = index.toByteArray();
    for (int d = 0; ; d++) {
      byte[] rec = NodeRecords.check(store.get(d, x), d);
      if (rec == null) {
        return Optional.empty();
      }
      if (NodeRecords.isLeaf(rec)) {
        return NodeRecords.sameIndex(rec, x)
            ? Optional.of(NodeRecords.toLeaf(rec))
            : Optional.empty();
      }
      checkDepth(d);
    }
  }

  /** The proof of the subject's leaf, or of its absence, against {@link #root()}. */
  public MapProof prove(Hash index) {
    byte[] x = index.toByteArray();
    byte[] siblings = new byte[32 * Hash.SIZE];
    for (int d = 0; ; d++) {
      byte[] rec = NodeRecords.check(store.get(d, x), d);
      if (rec == null) {
        return MapProof.of(null, Arrays.copyOf(siblings, d * Hash.SIZE));
      }
      if (NodeRecords.isLeaf(rec)) {
        return MapProof.of(NodeRecords.toLeaf(rec), Arrays.copyOf(siblings, d * Hash.SIZE));
      }
      checkDepth(d);
      if ((d + 1) * Hash.SIZE > siblings.length) {
        siblings = Arrays.copyOf(siblings, Math.min(2 * siblings.length, 256 * Hash.SIZE));
      }
      int off = MapHashes.bit(x, d) == 0 ? NodeRecords.RIGHT : NodeRecords.LEFT;
      System.arraycopy(rec, off, siblings, d * Hash.SIZE, Hash.SIZE);
    }
  }

  private static void checkDepth(int d) {
    if (d >= MapHashes.MAX_DEPTH) {
      throw new IllegalStateException("map store has an internal record at depth 256");
    }
  }

  /** A new, empty batch of updates to this map. */
  public Batch batch() {
    return new Batch();
  }

  /**
   * Writes {@code update} to this map's store and returns the map at its root: for stores whose
   * {@link WritableMapNodeStore#apply} is the whole write (as in memory).
   *
   * @throws IllegalStateException if this map's store is not a {@link WritableMapNodeStore}; a
   *     caller that writes the changes itself uses {@link #advance}
   */
  public SubjectMap apply(Update update) {
    if (!(store instanceof WritableMapNodeStore writable)) {
      throw new IllegalStateException(
          "this map's store is read-only: write the update's changes and call advance");
    }
    writable.apply(update.changes());
    return advance(update);
  }

  /**
   * The map at {@code update}'s root, over the same store, once the caller has written the update's
   * changes there itself (as the log does, in the batch's own store write). Reads and hashes
   * nothing.
   */
  public SubjectMap advance(Update update) {
    return new SubjectMap(store, update.root(), update.subjectCount());
  }

  /**
   * The result of a batch: the new root and subject count, and the records to write.
   *
   * @param root the map's root after the batch
   * @param subjectCount the number of subjects after the batch
   * @param changes every record that differs from the store's, each position once
   */
  public record Update(Hash root, long subjectCount, List<NodeChange> changes) {}

  /** A node the batch touched: loaded from the store (and copied) or created. */
  private static final class Node {
    final int depth;

    /** An index whose path goes through this node. */
    final byte[] path;

    /** The store's record, to leave out unchanged ones; null for a new position. */
    final byte[] original;

    byte[] record;
    Node left;
    Node right;

    Node(int depth, byte[] path, byte[] original, byte[] record) {
      this.depth = depth;
      this.path = path;
      this.original = original;
      this.record = record;
    }
  }

  /**
   * Updates to the map, applied in order; not thread-safe. The store must not change while the
   * batch is open.
   */
  public final class Batch {
    private Node rootNode;
    private long count = subjectCount;
    private boolean finished;

    private Batch() {}

    private Node load(int depth, byte[] path) {
      byte[] rec = NodeRecords.check(store.get(depth, path), depth);
      return new Node(depth, path, rec, rec == null ? null : rec.clone());
    }

    /** Adds or updates {@code leaf}, as {@link #put(Hash, long, Hash)}. */
    public Batch put(SubjectLeaf leaf) {
      return put(leaf.index(), leaf.nextSequence(), leaf.lastEventHash());
    }

    /**
     * Adds the subject {@code index}, or replaces its value if it is in the map (or was put earlier
     * in this batch).
     *
     * @throws IllegalArgumentException if a hash is null or {@code nextSequence} is below 1
     * @throws IllegalStateException if the batch is finished
     */
    public Batch put(Hash index, long nextSequence, Hash lastEventHash) {
      if (index == null || lastEventHash == null) {
        throw new IllegalArgumentException("index and lastEventHash must not be null");
      }
      if (nextSequence < 1) {
        throw new IllegalArgumentException(
            "nextSequence must be in 1..2^63-1, got " + Long.toUnsignedString(nextSequence));
      }
      if (finished) {
        throw new IllegalStateException("batch is finished");
      }
      byte[] x = index.toByteArray();
      if (rootNode == null) {
        rootNode = load(0, x);
      }
      Node n = rootNode;
      while (true) {
        byte[] rec = n.record;
        if (rec == null) {
          n.record = NodeRecords.leaf(x, nextSequence, lastEventHash);
          count++;
          return this;
        }
        if (!NodeRecords.isLeaf(rec)) {
          checkDepth(n.depth);
          Node c;
          if (MapHashes.bit(x, n.depth) == 0) {
            c = n.left;
            if (c == null) {
              c = n.left = load(n.depth + 1, x);
            }
          } else {
            c = n.right;
            if (c == null) {
              c = n.right = load(n.depth + 1, x);
            }
          }
          n = c;
          continue;
        }
        if (NodeRecords.sameIndex(rec, x)) {
          NodeRecords.setValue(rec, nextSequence, lastEventHash);
          return this;
        }
        pushDown(n, x, nextSequence, lastEventHash);
        count++;
        return this;
      }
    }

    /**
     * {@code n} holds another subject's leaf: turn n and the positions below it into internal nodes
     * down to the first bit where the two indexes differ, and put both leaves under it.
     */
    private void pushDown(Node n, byte[] x, long nextSequence, Hash lastEventHash) {
      byte[] other = n.record;
      byte[] y = Arrays.copyOfRange(other, NodeRecords.INDEX, NodeRecords.INDEX + Hash.SIZE);
      int k = MapHashes.firstDifferingBit(x, 0, y, 0);
      for (Node cur = n; ; ) {
        // Both child hashes start EMPTY; finish() fills in the one (or two) on the path.
        cur.record = new byte[NodeRecords.INTERNAL_SIZE];
        cur.record[0] = NodeRecords.INTERNAL;
        int bx = MapHashes.bit(x, cur.depth);
        if (cur.depth == k) {
          Node nx = new Node(k + 1, x, null, NodeRecords.leaf(x, nextSequence, lastEventHash));
          Node ny = new Node(k + 1, y, null, other);
          cur.left = bx == 0 ? nx : ny;
          cur.right = bx == 0 ? ny : nx;
          return;
        }
        // Below a leaf every position is EMPTY in the store: nothing to load.
        Node next = new Node(cur.depth + 1, x, null, null);
        if (bx == 0) {
          cur.left = next;
        } else {
          cur.right = next;
        }
        cur = next;
      }
    }

    /**
     * Hashes every touched node once, deepest first, and returns the new root, the subject count
     * and the changed records. The batch cannot be used afterwards.
     *
     * @throws IllegalStateException if the batch is already finished
     */
    public Update finish() {
      if (finished) {
        throw new IllegalStateException("batch is finished");
      }
      finished = true;
      if (rootNode == null) {
        return new Update(root, count, List.of());
      }
      List<NodeChange> changes = new ArrayList<>();
      byte[] out = new byte[Hash.SIZE];
      hash(rootNode, Hash.newSha256(), out, 0, changes);
      return new Update(Hash.of(out), count, Collections.unmodifiableList(changes));
    }

    private void hash(Node n, MessageDigest md, byte[] dst, int off, List<NodeChange> changes) {
      byte[] rec = n.record;
      if (NodeRecords.isLeaf(rec)) {
        MapHashes.leafHash(md, rec, dst, off);
      } else {
        if (n.left != null) {
          hash(n.left, md, rec, NodeRecords.LEFT, changes);
        }
        if (n.right != null) {
          hash(n.right, md, rec, NodeRecords.RIGHT, changes);
        }
        MapHashes.nodeHash(md, rec, dst, off);
      }
      if (!Arrays.equals(rec, n.original)) {
        changes.add(new NodeChange(NodeKey.of(n.depth, n.path), rec));
      }
    }
  }
}
