package org.rcskt.server.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.rcskt.verifier.Hash;

class RecentWritesTest {
  private static Hash leaf(long i) {
    return Hash.sha256(ByteBuffer.allocate(9).put((byte) 0).putLong(i).array());
  }

  private static Hash subject(int s) {
    return Hash.sha256(ByteBuffer.allocate(5).put((byte) 1).putInt(s).array());
  }

  @Test
  void coversOnlyWhatItHasSeenSinceItsFloor() {
    RecentWrites r = new RecentWrites(4, 100);
    assertThat(r.covers(99)).isFalse();
    assertThat(r.covers(100)).isTrue();
    assertThat(r.covers(-1)).isFalse();
    for (long i = 100; i < 104; i++) {
      r.add(leaf(i), subject(7), i);
    }
    assertThat(r.covers(100)).isTrue();
    r.add(leaf(104), null, 104);
    // Leaf 100 was forgotten: a worker that looked at size 100 may have missed it.
    assertThat(r.covers(100)).isFalse();
    assertThat(r.covers(101)).isTrue();
    assertThat(r.leafIndex(leaf(100))).isEqualTo(-1);
    assertThat(r.leafIndex(leaf(104))).isEqualTo(104);
    assertThat(r.touchedSince(subject(7), 103)).isTrue();
    assertThat(r.touchedSince(subject(7), 104)).isFalse();
    r.clear(200);
    assertThat(r.covers(199)).isFalse();
    assertThat(r.covers(200)).isTrue();
    assertThat(r.leafIndex(leaf(104))).isEqualTo(-1);
    assertThat(r.touchedSince(subject(7), 0)).isFalse();
  }

  /** Against a model that remembers everything, wherever the window covers the question. */
  @Test
  void agreesWithAFullHistoryInsideItsWindow() {
    Random random = new Random(20261126L);
    int capacity = 64;
    long start = 1_000;
    RecentWrites r = new RecentWrites(capacity, start);
    List<Hash> subjectOf = new ArrayList<>();
    int checked = 0;
    for (long i = start; i < start + 5_000; i++) {
      Hash s = random.nextInt(10) == 0 ? null : subject(random.nextInt(50));
      r.add(leaf(i), s, i);
      subjectOf.add(s);
      for (int q = 0; q < 4; q++) {
        long since = i + 1 - random.nextInt(2 * capacity);
        boolean covered = since >= start && i + 1 - since <= capacity;
        assertThat(r.covers(since)).as("covers(%d) after %d", since, i).isEqualTo(covered);
        if (!covered) {
          continue;
        }
        checked++;
        long probe = since + random.nextInt((int) (i + 2 - since));
        long expectedLeaf = probe <= i ? probe : -1;
        assertThat(r.leafIndex(leaf(probe))).isEqualTo(expectedLeaf);
        Hash subject = subject(random.nextInt(50));
        boolean touched = false;
        for (long j = since; j <= i; j++) {
          touched |= subject.equals(subjectOf.get((int) (j - start)));
        }
        assertThat(r.touchedSince(subject, since)).isEqualTo(touched);
      }
    }
    assertThat(checked).isGreaterThan(5_000);
  }
}
