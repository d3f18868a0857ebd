package org.rcskt.server.storage;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.rcskt.verifier.Hash;

/**
 * The {@link LogStore} contract, run against every implementation by subclassing. The checks are
 * about what the interface promises, not about how a store lays out its data.
 */
public abstract class LogStoreContract {
  protected LogStore store;

  /** A new, empty store. */
  protected abstract LogStore create() throws Exception;

  /** Closes {@code store} and opens the same storage again. */
  protected abstract LogStore reopen(LogStore store) throws Exception;

  @BeforeEach
  void setUp() throws Exception {
    store = create();
  }

  @AfterEach
  void tearDown() {
    store.close();
  }

  static Hash h(String s) {
    return Hash.sha256(s.getBytes(UTF_8));
  }

  static byte[] entry(long i) {
    return ("entry " + i).getBytes(UTF_8);
  }

  /** A batch of {@code n} leaves at the store's tree size, with one node per leaf at level 0. */
  protected static AppendBatch batch(long start, int n) {
    AppendBatch b = new AppendBatch(start);
    for (int i = 0; i < n; i++) {
      long index = start + i;
      Hash leaf = h("leaf " + index);
      b.addEntry(entry(index), leaf);
      b.addNode(0, index, leaf);
    }
    b.setCheckpoint(("checkpoint " + (start + n)).getBytes(UTF_8));
    return b;
  }

  @Test
  void emptyStoreReadsAsNotFound() {
    assertThat(store.treeSize()).isZero();
    assertThat(store.checkpoint()).isNull();
    assertThat(store.entry(0)).isNull();
    assertThat(store.entries(0, 10)).isEmpty();
    assertThat(store.leafIndex(h("x"))).isEqualTo(-1);
    assertThat(store.node(0, 0)).isNull();
    assertThat(store.nodes(0, 0, 4, new byte[128])).isZero();
    assertThat(store.subjectState(h("s"))).isNull();
    assertThat(store.subjectEvents(h("s"), 0, 10)).isEmpty();
    assertThat(store.anchorRegistry()).isNull();
    assertThat(store.countEntries()).isZero();
    assertThat(store.fullTile(0)).isNull();
  }

  @Test
  void fullTilesAreStoredWhole() {
    AppendBatch b = batch(0, 256);
    byte[] packed = new byte[256 * 32];
    for (int i = 0; i < 256; i++) {
      h("leaf " + i).copyTo(packed, i * 32);
    }
    b.addFullTile(0, packed);
    store.append(b);
    assertThat(store.fullTile(0)).isEqualTo(packed);
    assertThat(store.fullTile(1)).isNull();
    List<Long> seen = new ArrayList<>();
    store.forEachFullTile((index, hashes) -> seen.add(index));
    assertThat(seen).containsExactly(0L);
    assertThatThrownBy(() -> b.addFullTile(1, new byte[10]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a full tile is 8192 bytes, got 10");
  }

  @Test
  void appendedBatchIsReadable() {
    AppendBatch b = batch(0, 5);
    b.addNode(1, 0, h("n10"));
    b.addNode(1, 1, h("n11"));
    b.addNode(2, 0, h("n20"));
    Hash subject = h("subject");
    b.putSubjectState(subject, "state-1".getBytes(UTF_8));
    b.putSubjectState(subject, "state-2".getBytes(UTF_8));
    b.addSubjectEvent(subject, 0, 0);
    b.addSubjectEvent(subject, 1, 3);
    b.setAnchorRegistry("anchors".getBytes(UTF_8));
    store.append(b);

    assertThat(store.treeSize()).isEqualTo(5);
    assertThat(store.checkpoint()).isEqualTo("checkpoint 5".getBytes(UTF_8));
    for (long i = 0; i < 5; i++) {
      assertThat(store.entry(i)).isEqualTo(entry(i));
      assertThat(store.leafIndex(h("leaf " + i))).isEqualTo(i);
      assertThat(store.node(0, i)).isEqualTo(h("leaf " + i));
    }
    assertThat(store.entry(5)).isNull();
    assertThat(store.entry(-1)).isNull();
    assertThat(store.entries(1, 4)).containsExactly(entry(1), entry(2), entry(3));
    assertThat(store.entries(3, 100)).containsExactly(entry(3), entry(4));
    assertThat(store.node(1, 1)).isEqualTo(h("n11"));
    assertThat(store.node(2, 0)).isEqualTo(h("n20"));
    assertThat(store.node(2, 1)).isNull();
    assertThat(store.subjectState(subject)).isEqualTo("state-2".getBytes(UTF_8));
    assertThat(store.subjectEvents(subject, 0, 10))
        .containsExactly(
            new AppendBatch.SubjectEvent(subject, 0, 0),
            new AppendBatch.SubjectEvent(subject, 1, 3));
    assertThat(store.subjectEvents(subject, 1, 10))
        .containsExactly(new AppendBatch.SubjectEvent(subject, 1, 3));
    assertThat(store.subjectEvents(subject, 0, 1))
        .containsExactly(new AppendBatch.SubjectEvent(subject, 0, 0));
    assertThat(store.anchorRegistry()).isEqualTo("anchors".getBytes(UTF_8));
    assertThat(store.countEntries()).isEqualTo(5);
  }

  @Test
  void nodeRangeStopsAtFirstMissingNode() {
    store.append(batch(0, 7));
    byte[] dst = new byte[10 * Hash.SIZE];
    assertThat(store.nodes(0, 2, 10, dst)).isEqualTo(5);
    for (int i = 0; i < 5; i++) {
      assertThat(Hash.of(Arrays.copyOfRange(dst, i * 32, i * 32 + 32)))
          .isEqualTo(h("leaf " + (2 + i)));
    }
    assertThat(store.nodes(0, 0, 3, dst)).isEqualTo(3);
    assertThat(store.nodes(1, 0, 3, dst)).isZero();
    assertThatThrownBy(() -> store.nodes(0, 0, 3, new byte[64]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("need 3 * 32 bytes of room, have 64");
  }

  @Test
  void memoryOnlyReadsAreRightOrAbsent() throws Exception {
    store.append(batch(0, 20));
    store.nodes(0, 0, 20, new byte[20 * 32]);
    Hash[] hs = store.nodesIfCached(new int[] {0, 0, 0}, new long[] {3, 7, 19});
    if (hs != null) {
      assertThat(hs).containsExactly(h("leaf 3"), h("leaf 7"), h("leaf 19"));
    }
    assertThat(store.nodesIfCached(new int[] {0}, new long[] {20})).isNull();
    assertThat(store.fullTileIfCached(0)).isNull();
    store = reopen(store);
    hs = store.nodesIfCached(new int[] {0}, new long[] {3});
    if (hs != null) {
      assertThat(hs).containsExactly(h("leaf 3"));
    }
  }

  @Test
  void subjectEventsDoNotLeakIntoNeighbouringSubjects() {
    byte[] ones = new byte[32];
    Arrays.fill(ones, (byte) 0xff);
    byte[] almost = ones.clone();
    almost[31] = (byte) 0xfe;
    Hash top = Hash.of(ones);
    Hash below = Hash.of(almost);
    AppendBatch b = batch(0, 3);
    b.addSubjectEvent(below, 0, 0);
    b.addSubjectEvent(below, 1, 1);
    b.addSubjectEvent(top, 0, 2);
    store.append(b);
    assertThat(store.subjectEvents(below, 0, 10))
        .extracting(e -> e.leafIndex())
        .containsExactly(0L, 1L);
    assertThat(store.subjectEvents(top, 0, 10)).extracting(e -> e.leafIndex()).containsExactly(2L);
    assertThat(store.subjectEvents(h("other"), 0, 10)).isEmpty();
  }

  @Test
  void appendAtWrongIndexIsRejectedAndChangesNothing() {
    store.append(batch(0, 2));
    assertThatThrownBy(() -> store.append(batch(3, 1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("batch starts at leaf index 3 but the store's tree size is 2");
    assertThatThrownBy(() -> store.append(batch(1, 1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("batch starts at leaf index 1 but the store's tree size is 2");
    assertThat(store.treeSize()).isEqualTo(2);
    assertThat(store.entry(2)).isNull();
    assertThat(store.checkpoint()).isEqualTo("checkpoint 2".getBytes(UTF_8));
  }

  @Test
  void noBatchCanOverwriteARow() {
    AppendBatch first = batch(0, 2);
    first.addNode(1, 0, h("n10"));
    first.addSubjectEvent(h("s"), 0, 0);
    first.addSubjectEvent(h("s"), 1, 1);
    store.append(first);

    // A subject event row of an earlier batch.
    AppendBatch rowAgain = batch(2, 1);
    rowAgain.addSubjectEvent(h("s"), 0, 2);
    assertRefused(rowAgain, "leaf 2 would overwrite the subject event row (" + h("s") + ", 0)");
    // The same row twice within one batch.
    AppendBatch twice = batch(2, 2);
    twice.addSubjectEvent(h("t"), 0, 2);
    twice.addSubjectEvent(h("t"), 0, 3);
    assertRefused(twice, "leaf 3 would overwrite the subject event row (" + h("t") + ", 0)");
    AppendBatch twinLeaves = new AppendBatch(2);
    twinLeaves.addEntry(entry(2), h("twin"));
    twinLeaves.addEntry(entry(3), h("twin"));
    twinLeaves.setCheckpoint("checkpoint 4".getBytes(UTF_8));
    assertRefused(
        twinLeaves,
        "batch would overwrite the leaf index row of leaf hash " + h("twin") + " with leaf 3");
    // Positional rows must end among the batch's own leaves.
    AppendBatch oldNode = batch(2, 2);
    oldNode.addNode(1, 0, h("evil"));
    assertRefused(
        oldNode,
        "batch of leaves [2, 4) would overwrite node (1, 0), which does not end among its leaves");
    AppendBatch futureNode = batch(2, 2);
    futureNode.addNode(2, 1, h("evil"));
    assertRefused(
        futureNode,
        "batch of leaves [2, 4) would overwrite node (2, 1), which does not end among its leaves");
    AppendBatch hugeNode = batch(2, 1);
    hugeNode.addNode(63, 1, h("evil"));
    assertRefused(
        hugeNode,
        "batch of leaves [2, 3) would overwrite node (63, 1), which does not end among its leaves");
    AppendBatch tile = batch(2, 2);
    tile.addFullTile(0, new byte[256 * 32]);
    assertRefused(tile, "batch of leaves [2, 4) cannot complete full tile 0");

    // Nothing of any refused batch is visible; a correct one still goes in.
    assertThat(store.subjectEvents(h("s"), 0, 10))
        .extracting(e -> e.leafIndex())
        .containsExactly(0L, 1L);
    assertThat(store.subjectEvents(h("t"), 0, 10)).isEmpty();
    assertThat(store.leafIndex(h("leaf 0"))).isZero();
    assertThat(store.node(1, 0)).isEqualTo(h("n10"));
    AppendBatch ok = batch(2, 2);
    ok.addNode(1, 1, h("n11"));
    ok.addNode(2, 0, h("n20"));
    ok.addSubjectEvent(h("s"), 2, 2);
    store.append(ok);
    assertThat(store.treeSize()).isEqualTo(4);
    assertThat(store.subjectEvents(h("s"), 0, 10))
        .extracting(e -> e.leafIndex())
        .containsExactly(0L, 1L, 2L);
  }

  private void assertRefused(AppendBatch b, String message) {
    long size = store.treeSize();
    byte[] checkpoint = store.checkpoint();
    assertThatThrownBy(() -> store.append(b))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(message);
    assertThat(store.treeSize()).isEqualTo(size);
    assertThat(store.checkpoint()).isEqualTo(checkpoint);
    assertThat(store.entry(size)).isNull();
  }

  @Test
  void appendWithoutCheckpointIsRejected() {
    AppendBatch b = new AppendBatch(0);
    b.addEntry(entry(0), h("leaf 0"));
    assertThatThrownBy(() -> store.append(b))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("batch has no checkpoint");
    assertThat(store.treeSize()).isZero();
  }

  @Test
  void stateSurvivesReopen() throws Exception {
    Random random = new Random(7);
    long size = 0;
    for (int round = 0; round < 20; round++) {
      int n = 1 + random.nextInt(50);
      AppendBatch b = batch(size, n);
      b.putSubjectState(h("s" + round), ("state " + round).getBytes(UTF_8));
      b.addSubjectEvent(h("s" + round), 0, size);
      store.append(b);
      size += n;
    }
    store = reopen(store);
    assertThat(store.treeSize()).isEqualTo(size);
    assertThat(store.checkpoint()).isEqualTo(("checkpoint " + size).getBytes(UTF_8));
    for (long i = 0; i < size; i++) {
      assertThat(store.entry(i)).isEqualTo(entry(i));
      assertThat(store.leafIndex(h("leaf " + i))).isEqualTo(i);
    }
    assertThat(store.subjectState(h("s19"))).isEqualTo("state 19".getBytes(UTF_8));
    List<Long> seen = new ArrayList<>();
    store.forEachNode((level, index, hash) -> seen.add(index));
    assertThat(seen).hasSize((int) size);
    long[] leafRows = {0};
    store.forEachLeafIndex((hash, index) -> leafRows[0]++);
    assertThat(leafRows[0]).isEqualTo(size);
    List<AppendBatch.SubjectEvent> rows = new ArrayList<>();
    store.forEachSubjectEvent(rows::add);
    assertThat(rows).hasSize(20);
    long[] states = {0};
    store.forEachSubjectState((s, st) -> states[0]++);
    assertThat(states[0]).isEqualTo(20);
  }

  @Test
  void readersNeverSeeAPartialBatch() throws Exception {
    AtomicBoolean done = new AtomicBoolean();
    AtomicReference<String> failure = new AtomicReference<>();
    Thread reader =
        new Thread(
            () -> {
              while (!done.get() && failure.get() == null) {
                long size = store.treeSize();
                if (size == 0) {
                  continue;
                }
                byte[] last = store.entry(size - 1);
                Hash node = store.node(0, size - 1);
                if (last == null
                    || node == null
                    || store.leafIndex(h("leaf " + (size - 1))) != size - 1) {
                  failure.set("tree size " + size + " but its last leaf is not fully readable");
                }
              }
            });
    reader.start();
    long size = 0;
    for (int i = 0; i < 200; i++) {
      store.append(batch(size, 10));
      size += 10;
    }
    done.set(true);
    reader.join();
    assertThat(failure.get()).isNull();
  }

  @Test
  void closedStoreThrows() {
    store.append(batch(0, 1));
    store.close();
    assertThatThrownBy(() -> store.entry(0))
        .isInstanceOf(StorageException.class)
        .hasMessageEndingWith("is closed");
    assertThatThrownBy(() -> store.append(batch(1, 1))).isInstanceOf(StorageException.class);
    store.close(); // closing twice is harmless
  }

  @Test
  void statisticsAreReported() {
    store.append(batch(0, 3));
    assertThat(store.statistics()).isNotNull();
  }
}
