package org.rcskt.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rcskt.server.testing.ZooKeeperClients;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.merkle.Merkle;

/**
 * The fenced commit log against a real ZooKeeper server (curator-test's {@link TestingServer}, on
 * loopback and a temporary folder): committed batches read back exactly, and a writer whose term
 * has ended can commit nothing, whatever the timing.
 */
class ZkCommitLogTest {
  private static final String BASE = "/rcskt/test-log";

  @TempDir Path dir;
  TestingServer server;
  final List<CuratorFramework> clients = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    ClusterRuntime.quietZooKeeper();
    server = new TestingServer(-1, dir.toFile(), true);
  }

  @AfterEach
  void stop() throws Exception {
    clients.forEach(CuratorFramework::close);
    server.close();
  }

  private CuratorFramework client() throws InterruptedException {
    CuratorFramework c = ZooKeeperClients.connect(server.getConnectString(), 4000);
    clients.add(c);
    return c;
  }

  /** Leaves after a tree: a small in-memory model of what a writer's store holds. */
  private static final class Tree {
    final List<byte[]> leaves = new ArrayList<>();

    Hash root() {
      List<Hash> hs = new ArrayList<>();
      for (byte[] l : leaves) {
        hs.add(Merkle.leafHash(l));
      }
      return hs.isEmpty() ? Merkle.emptyRoot() : mth(hs, 0, hs.size());
    }

    /** RFC 9162's MTH over hs[from, to), split at the largest power of two below its size. */
    private static Hash mth(List<Hash> hs, int from, int to) {
      if (to - from == 1) {
        return hs.get(from);
      }
      int k = Integer.highestOneBit(to - from - 1);
      return Merkle.nodeHash(mth(hs, from, from + k), mth(hs, from + k, to));
    }

    long size() {
      return leaves.size();
    }
  }

  private static List<byte[]> entries(SplittableRandom r, int n, int maxSize) {
    List<byte[]> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      byte[] e = new byte[1 + r.nextInt(maxSize)];
      r.nextBytes(e);
      out.add(e);
    }
    return out;
  }

  @Test
  void committedBatchesReadBackExactlyAcrossChunks() throws Exception {
    ZkCommitLog log = new ZkCommitLog(client(), BASE);
    assertThat(log.head()).isNull();
    Tree t = new Tree();
    ZkCommitLog.Term term = log.beginTerm("a", 0, t.root());
    assertThat(term.epoch()).isEqualTo(1);
    SplittableRandom r = new SplittableRandom(7);
    // Three batches: small, one over a chunk (about 1.6 MiB in 30,000-byte entries), small.
    int[] sizes = {3, 56, 1};
    int[] maxBytes = {100, 60_000, 0xffff};
    for (int b = 0; b < sizes.length; b++) {
      List<byte[]> es = entries(r, sizes[b], maxBytes[b]);
      t.leaves.addAll(es);
      log.commit(term, es, t.size(), t.root());
    }
    assertThat(ZkCommitLog.chunk(t.leaves.subList(3, 59)).size()).isGreaterThan(1);
    ZkCommitLog.Head h = log.head();
    assertThat(h.treeSize()).isEqualTo(60);
    assertThat(h.root()).isEqualTo(t.root());
    assertThat(h.epoch()).isEqualTo(1);

    // A follower reads from 0, or from a batch boundary, and gets the leaves byte for byte.
    ZkCommitLog follower = new ZkCommitLog(client(), BASE);
    List<byte[]> got = new ArrayList<>();
    for (ZkCommitLog.Batch b : follower.read(0, 1_000_000)) {
      assertThat(b.start()).isEqualTo(got.size());
      got.addAll(b.entries());
      assertThat(b.treeSize()).isEqualTo(got.size());
    }
    assertThat(got).hasSize(60);
    for (int i = 0; i < 60; i++) {
      assertThat(got.get(i)).as("leaf %d", i).isEqualTo(t.leaves.get(i));
    }
    assertThat(follower.read(3, 1))
        .hasSize(1)
        .first()
        .satisfies(b -> assertThat(b.start()).isEqualTo(3));
    assertThat(follower.read(60, 10)).isEmpty();
    assertThatThrownBy(() -> follower.read(4, 10))
        .isInstanceOf(CommitLogException.class)
        .hasMessageContaining("no committed batch starts at 4");
  }

  @Test
  void aWriterWhoseTermEndedCommitsNothing() throws Exception {
    ZkCommitLog a = new ZkCommitLog(client(), BASE);
    ZkCommitLog b = new ZkCommitLog(client(), BASE);
    Tree t = new Tree();
    ZkCommitLog.Term ta = a.beginTerm("a", 0, t.root());
    SplittableRandom r = new SplittableRandom(8);
    List<byte[]> first = entries(r, 5, 200);
    t.leaves.addAll(first);
    a.commit(ta, first, t.size(), t.root());

    // b catches up and begins a term: a's next commit is refused, and so is every later one.
    ZkCommitLog.Term tb = b.beginTerm("b", t.size(), t.root());
    assertThat(tb.epoch()).isEqualTo(2);
    List<byte[]> forked = entries(r, 4, 200);
    Tree fork = new Tree();
    fork.leaves.addAll(t.leaves);
    fork.leaves.addAll(forked);
    assertThatThrownBy(() -> a.commit(ta, forked, fork.size(), fork.root()))
        .isInstanceOf(FencedException.class)
        .hasMessageContaining("term 1 of a was fenced off at size 5")
        .hasMessageContaining("epoch 2 of b");
    assertThat(ta.fenced()).isTrue();
    assertThatThrownBy(() -> a.commit(ta, forked, fork.size(), fork.root()))
        .isInstanceOf(FencedException.class);

    // b's commit at the same position goes through; the log holds b's leaves, none of a's fork.
    List<byte[]> next = entries(r, 2, 200);
    t.leaves.addAll(next);
    b.commit(tb, next, t.size(), t.root());
    assertThat(a.head().root()).isEqualTo(t.root());
    List<byte[]> got = new ArrayList<>();
    a.read(0, 100).forEach(x -> got.addAll(x.entries()));
    assertThat(got).hasSize(7);
    assertThat(got.get(5)).isEqualTo(next.get(0));
    // Pruning below 5 drops the first batch (record and chunk); the second is still read from 5.
    assertThat(b.prune(0)).isZero();
    assertThat(b.prune(5)).isEqualTo(2);
    assertThat(b.read(5, 100)).hasSize(1);
    assertThatThrownBy(() -> b.read(0, 100))
        .isInstanceOf(CommitLogException.class)
        .satisfies(e -> assertThat(((CommitLogException) e).gap()).isTrue());
    // Past 7, the second batch goes too, with a's chunk for its refused batch at 5.
    assertThat(b.prune(7)).isEqualTo(3);
    assertThat(b.read(7, 100)).isEmpty();
  }

  @Test
  void aWriterThatHasNotCaughtUpCannotBeginATerm() throws Exception {
    ZkCommitLog a = new ZkCommitLog(client(), BASE);
    Tree t = new Tree();
    ZkCommitLog.Term ta = a.beginTerm("a", 0, t.root());
    List<byte[]> es = entries(new SplittableRandom(9), 3, 50);
    t.leaves.addAll(es);
    a.commit(ta, es, t.size(), t.root());
    ZkCommitLog b = new ZkCommitLog(client(), BASE);
    assertThatThrownBy(() -> b.beginTerm("b", 0, new Tree().root()))
        .isInstanceOf(FencedException.class)
        .hasMessageContaining(
            "the committed log is at size 3 (epoch 1, writer a), the local log at 0");
    Tree other = new Tree();
    other.leaves.addAll(entries(new SplittableRandom(10), 3, 50));
    assertThatThrownBy(() -> b.beginTerm("b", 3, other.root()))
        .isInstanceOf(FencedException.class)
        .hasMessageContaining("with another root");
    // a's term is untouched by b's failed attempts.
    List<byte[]> more = entries(new SplittableRandom(11), 1, 50);
    t.leaves.addAll(more);
    a.commit(ta, more, t.size(), t.root());
    assertThat(a.head().treeSize()).isEqualTo(4);
  }

  @Test
  void badBatchesAreRefusedBeforeAnythingIsWritten() throws Exception {
    ZkCommitLog a = new ZkCommitLog(client(), BASE);
    ZkCommitLog.Term ta = a.beginTerm("a", 0, new Tree().root());
    Hash any = Hash.sha256("x".getBytes(StandardCharsets.US_ASCII));
    assertThatThrownBy(() -> a.commit(ta, List.of(), 0, any))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("1 to 100000 entries, got 0");
    assertThatThrownBy(() -> a.commit(ta, List.of(new byte[1]), 2, any))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("makes size 1, not 2");
    assertThatThrownBy(() -> a.commit(ta, List.of(new byte[0x10000]), 1, any))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("65536 bytes, longer than 65535");
    assertThat(a.head().treeSize()).isZero();
    assertThatThrownBy(() -> new ZkCommitLog(clients.get(0), "rcskt/no-slash"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /**
   * A writer commits while another, having caught up, begins a term at the same moment (as when a
   * standby is elected while the old writer, paused or cut off, has not noticed): exactly one of
   * the two goes through, every time, and the committed log is one chain. Seeded.
   */
  @Test
  void aCommitRacingANewTermNeverForks() throws Exception {
    int writers = 3;
    int rounds = 40;
    ZkCommitLog[] logs = new ZkCommitLog[writers];
    for (int w = 0; w < writers; w++) {
      logs[w] = new ZkCommitLog(client(), BASE);
    }
    List<byte[]> chain = new ArrayList<>();
    int holder = 0;
    ZkCommitLog.Term term = logs[0].beginTerm("w0", 0, new Tree().root());
    SplittableRandom r = new SplittableRandom(15);
    int handovers = 0;
    for (int round = 0; round < rounds; round++) {
      int challenger = (holder + 1 + r.nextInt(writers - 1)) % writers;
      List<byte[]> es = entries(r, 1 + r.nextInt(5), 300);
      Tree base = new Tree();
      base.leaves.addAll(chain);
      Tree mine = new Tree();
      mine.leaves.addAll(chain);
      mine.leaves.addAll(es);
      CyclicBarrier go = new CyclicBarrier(2);
      // One side or the other starts up to 4 ms late, so that both orders are raced, not only
      // the one the two calls' round trips favour.
      long commitDelay = r.nextBoolean() ? r.nextLong(4_000_000) : 0;
      long termDelay = commitDelay == 0 ? r.nextLong(4_000_000) : 0;
      ZkCommitLog.Term held = term;
      int h = holder;
      java.util.concurrent.CompletableFuture<Boolean> committed =
          java.util.concurrent.CompletableFuture.supplyAsync(
              () -> {
                try {
                  go.await();
                  java.util.concurrent.locks.LockSupport.parkNanos(commitDelay);
                  logs[h].commit(held, es, mine.size(), mine.root());
                  return true;
                } catch (FencedException e) {
                  return false;
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      int c = challenger;
      java.util.concurrent.CompletableFuture<ZkCommitLog.Term> begun =
          java.util.concurrent.CompletableFuture.supplyAsync(
              () -> {
                try {
                  go.await();
                  java.util.concurrent.locks.LockSupport.parkNanos(termDelay);
                  return logs[c].beginTerm("w" + c, base.size(), base.root());
                } catch (FencedException e) {
                  return null;
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      boolean commitWon = committed.get(30, TimeUnit.SECONDS);
      ZkCommitLog.Term newTerm = begun.get(30, TimeUnit.SECONDS);
      assertThat(commitWon ^ (newTerm != null))
          .as("round %d: commit %s, new term %s", round, commitWon, newTerm != null)
          .isTrue();
      if (commitWon) {
        chain.addAll(es);
      } else {
        holder = challenger;
        term = newTerm;
        handovers++;
      }
      Tree now = new Tree();
      now.leaves.addAll(chain);
      ZkCommitLog.Head head = logs[0].head();
      assertThat(head.treeSize()).isEqualTo(chain.size());
      assertThat(head.root()).isEqualTo(now.root());
      assertThat(head.writer()).isEqualTo("w" + holder);
    }
    // Both outcomes happened, so the test saw real races, not one ordering every time.
    assertThat(handovers).isBetween(1, rounds - 1);
    List<byte[]> got = new ArrayList<>();
    logs[1].read(0, 1_000_000).forEach(b -> got.addAll(b.entries()));
    assertThat(got).hasSameSizeAs(chain);
    for (int i = 0; i < chain.size(); i++) {
      assertThat(got.get(i)).isEqualTo(chain.get(i));
    }
  }

  @Test
  void aWriterWhoseSessionExpiredIsDeposedAndFenced() throws Exception {
    CuratorFramework ca = client();
    CuratorFramework cb = client();
    CountDownLatch aElected = new CountDownLatch(1);
    CountDownLatch aDeposed = new CountDownLatch(1);
    CountDownLatch bElected = new CountDownLatch(1);
    WriterElection ea =
        new WriterElection(
            ca,
            BASE,
            "a",
            new WriterElection.Listener() {
              @Override
              public void elected() {
                aElected.countDown();
              }

              @Override
              public void deposed() {
                aDeposed.countDown();
              }
            });
    ea.start();
    assertThat(aElected.await(10, TimeUnit.SECONDS)).isTrue();
    WriterElection eb =
        new WriterElection(
            cb,
            BASE,
            "b",
            new WriterElection.Listener() {
              @Override
              public void elected() {
                bElected.countDown();
              }

              @Override
              public void deposed() {}
            });
    eb.start();
    ZkCommitLog a = new ZkCommitLog(ca, BASE);
    Tree t = new Tree();
    ZkCommitLog.Term ta = a.beginTerm("a", 0, t.root());
    List<byte[]> es = entries(new SplittableRandom(12), 2, 100);
    t.leaves.addAll(es);
    a.commit(ta, es, t.size(), t.root());
    assertThat(eb.elected()).isFalse();

    // a's session expires (as after a long pause): b is elected and begins a term.
    ca.getZookeeperClient().getZooKeeper().getTestable().injectSessionExpiration();
    assertThat(aDeposed.await(20, TimeUnit.SECONDS)).isTrue();
    assertThat(bElected.await(20, TimeUnit.SECONDS)).isTrue();
    ZkCommitLog b = new ZkCommitLog(cb, BASE);
    ZkCommitLog.Term tb = b.beginTerm("b", t.size(), t.root());
    // a, reconnected with a new session and unaware, still holds its term: refused.
    Tree fork = new Tree();
    fork.leaves.addAll(t.leaves);
    List<byte[]> forked = entries(new SplittableRandom(13), 1, 100);
    fork.leaves.addAll(forked);
    assertThat(ca.blockUntilConnected(20, TimeUnit.SECONDS)).isTrue();
    assertThatThrownBy(() -> a.commit(ta, forked, fork.size(), fork.root()))
        .isInstanceOf(FencedException.class);
    List<byte[]> next = entries(new SplittableRandom(14), 1, 100);
    t.leaves.addAll(next);
    b.commit(tb, next, t.size(), t.root());
    assertThat(b.head().root()).isEqualTo(t.root());
    ea.close();
    eb.close();
  }
}
