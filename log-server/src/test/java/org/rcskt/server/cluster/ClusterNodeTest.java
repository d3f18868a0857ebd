package org.rcskt.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rcskt.server.log.Fsck;
import org.rcskt.server.log.KeyEventLog;
import org.rcskt.server.log.LogMetrics;
import org.rcskt.server.log.NoteLogSigner;
import org.rcskt.server.log.Sequenced;
import org.rcskt.server.log.TreeHead;
import org.rcskt.server.log.UnavailableException;
import org.rcskt.server.storage.rocksdb.RocksDbLogStore;
import org.rcskt.server.testing.Events;
import org.rcskt.server.testing.ZooKeeperClients;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.crypto.Ed25519;
import org.rcskt.verifier.event.EventBuilder;
import org.rcskt.verifier.event.KeyEvent;
import org.rcskt.verifier.event.PublicKeyInfo;
import org.rcskt.verifier.event.RulesContext;
import org.rcskt.verifier.map.MapRootEntry;
import org.rcskt.verifier.merkle.ConsistencyProof;
import org.rcskt.verifier.note.Ed25519NoteSigner;

/**
 * Two processes of one log, in one JVM but each with its own RocksDB store and ZooKeeper session,
 * against a real ZooKeeper server: the standby follows the writer leaf for leaf, takes over when
 * the writer's session expires, and the old writer follows the new one; every head either signed is
 * consistent with the final tree. A committed batch that does not replay stops a follower without
 * touching its store.
 */
class ClusterNodeTest {
  static final String ORIGIN = "test.example/cluster";
  static final String CARRIER = "carrier.example";
  static final String BASE = "/rcskt/cluster";

  @TempDir Path dir;
  TestingServer zk;
  final List<AutoCloseable> open = new ArrayList<>();
  Random random = new Random(91);
  Ed25519.KeyPair policy = Ed25519.KeyPair.generate(random);
  Ed25519.KeyPair carrier = Ed25519.KeyPair.generate(random);
  NoteLogSigner signer =
      new NoteLogSigner(Ed25519NoteSigner.of(ORIGIN, Ed25519.KeyPair.generate(random)));
  RulesContext rules = RulesContext.ingest(PublicKeyInfo.ed25519(policy.publicKey()), 0);
  Events events = new Events(6, CARRIER, carrier);

  @BeforeEach
  void start() throws Exception {
    ClusterRuntime.quietZooKeeper();
    zk = new TestingServer(-1, dir.resolve("zk").toFile(), true);
  }

  @AfterEach
  void stop() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
    zk.close();
  }

  private CuratorFramework client() throws InterruptedException {
    CuratorFramework c = ZooKeeperClients.connect(zk.getConnectString(), 3000);
    open.add(c::close);
    return c;
  }

  private KeyEvent anchor() {
    return EventBuilder.forCarrier(CARRIER)
        .timestampMs(System.currentTimeMillis())
        .anchorAdd(PublicKeyInfo.ed25519(carrier.publicKey()))
        .sign(policy);
  }

  /** One process: its ZooKeeper session, store, log and node. */
  private record Proc(
      CuratorFramework zk, RocksDbLogStore store, KeyEventLog log, ClusterNode node) {}

  private Proc proc(String id) throws Exception {
    CuratorFramework c = client();
    ZkCommitLog commits = new ZkCommitLog(c, BASE);
    ZkCommitGate gate = new ZkCommitGate(commits, id);
    RocksDbLogStore store = RocksDbLogStore.open(dir.resolve(id));
    open.add(store::close);
    KeyEventLog log =
        KeyEventLog.open(
            store, signer, rules, LogMetrics.NONE, KeyEventLog.Settings.defaults(), gate);
    open.add(log::close);
    ClusterNode node =
        new ClusterNode(
            commits, log, gate, l -> new WriterElection(c, BASE, id, l), 20, () -> {}, 1000);
    open.add(node::close);
    return new Proc(c, store, log, node);
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(10);
    }
  }

  private KeyEvent register() {
    return events.register(events.newSubject(), "phone", events.newKey());
  }

  private static String refusedReason(KeyEventLog log, KeyEvent e) {
    try {
      log.submit(e).join();
      return "accepted";
    } catch (CompletionException x) {
      return x.getCause() instanceof UnavailableException u ? u.reason() : x.getCause().toString();
    }
  }

  private void assertSameLeaves(KeyEventLog a, KeyEventLog b) {
    TreeHead ha = a.head();
    assertThat(b.head().treeSize()).isEqualTo(ha.treeSize());
    assertThat(b.head().rootHash()).isEqualTo(ha.rootHash());
    List<byte[]> ea = a.reader().entries(0, ha.treeSize(), 1_000_000);
    List<byte[]> eb = b.reader().entries(0, ha.treeSize(), 1_000_000);
    for (int i = 0; i < ea.size(); i++) {
      assertThat(eb.get(i)).as("leaf %d", i).isEqualTo(ea.get(i));
    }
  }

  private void assertSound(RocksDbLogStore store, long treeSize) {
    Fsck.Report r = new Fsck(store, signer, rules.withoutNow(), s -> {}).run();
    assertThat(r.problems()).isEmpty();
    assertThat(r.treeSize()).isEqualTo(treeSize);
  }

  @Test
  void theStandbyFollowsTakesOverAndTheOldWriterFollowsIt() throws Exception {
    Proc a = proc("a");
    a.node().start();
    await("a to write", () -> a.node().role() == ClusterNode.Role.WRITER);
    List<TreeHead> signed = new ArrayList<>();
    KeyEvent anchor = anchor();
    signed.add(a.log().submit(anchor).join().head());
    for (int i = 0; i < 30; i++) {
      signed.add(a.log().submit(register()).join().head());
    }

    Proc b = proc("b");
    b.node().start();
    await("b to follow a", () -> b.log().head().treeSize() == a.log().head().treeSize());
    assertThat(b.node().role()).isEqualTo(ClusterNode.Role.STANDBY);
    assertSameLeaves(a.log(), b.log());
    assertThat(refusedReason(b.log(), register())).isEqualTo("standby");
    // While b follows, a keeps writing, and b keeps up.
    for (int i = 0; i < 10; i++) {
      signed.add(a.log().submit(register()).join().head());
    }
    await("b to follow a again", () -> b.log().head().treeSize() == a.log().head().treeSize());
    signed.add(b.log().head());

    // a's session expires, as after a long pause: b is elected, catches up and writes.
    long before = System.nanoTime();
    a.zk().getZookeeperClient().getZooKeeper().getTestable().injectSessionExpiration();
    await("b to write", () -> b.node().role() == ClusterNode.Role.WRITER);
    long takeoverMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - before);
    assertThat(takeoverMillis).isLessThan(15_000);
    await("a to stand by", () -> a.node().role() == ClusterNode.Role.STANDBY);
    assertThat(refusedReason(a.log(), register())).isIn("standby", "fenced");
    Sequenced first = b.log().submit(register()).join();
    signed.add(first.head());
    for (int i = 0; i < 10; i++) {
      signed.add(b.log().submit(register()).join().head());
    }
    await("a to follow b", () -> a.log().head().treeSize() == b.log().head().treeSize());
    signed.add(a.log().head());
    assertSameLeaves(b.log(), a.log());

    // Every head either process signed is consistent with the final tree.
    TreeHead last = b.log().head();
    for (TreeHead h : signed) {
      if (h.treeSize() == 0 || h.treeSize() == last.treeSize()) {
        assertThat(h.treeSize() == 0 || h.rootHash().equals(last.rootHash())).isTrue();
        continue;
      }
      List<Hash> proof = b.log().reader().consistency(h.treeSize(), last.treeSize());
      ConsistencyProof.verify(h.treeSize(), last.treeSize(), h.rootHash(), last.rootHash(), proof);
    }
    assertSound(a.store(), last.treeSize());
    assertSound(b.store(), last.treeSize());
  }

  /**
   * A writer that loses its term may still be storing a batch it committed when its follower reads
   * that batch from the commit log: applying it again must be a no-op, not a divergence.
   */
  @Test
  void aBatchTheLogAlreadyHoldsIsAppliedAsANoOp() throws Exception {
    Proc a = proc("a");
    a.node().start();
    await("a to write", () -> a.node().role() == ClusterNode.Role.WRITER);
    KeyEvent anchor = anchor();
    a.log().submit(anchor).join();
    a.log().submit(register()).join();
    a.log().submit(register()).join();
    TreeHead h = a.log().head();
    ZkCommitLog commits = new ZkCommitLog(client(), BASE);
    List<ZkCommitLog.Batch> batches = commits.read(0, 1000);
    assertThat(batches).hasSizeGreaterThanOrEqualTo(2);
    for (ZkCommitLog.Batch b : batches) {
      TreeHead after =
          a.log()
              .applyCommitted(b.start(), b.entries(), b.treeSize(), b.root())
              .get(10, TimeUnit.SECONDS);
      assertThat(after).isEqualTo(h);
    }
    // The same position with other leaves is no such no-op.
    ZkCommitLog.Batch first = batches.get(0);
    List<byte[]> other = new ArrayList<>(first.entries());
    other.set(0, register().encoded());
    assertThat(a.log().applyCommitted(first.start(), other, first.treeSize(), first.root()))
        .failsWithin(10, TimeUnit.SECONDS)
        .withThrowableThat()
        .withMessageContaining("starts at 0 but this log is at " + h.treeSize());
    assertThat(a.log().head()).isEqualTo(h);
  }

  @Test
  void aCommittedBatchThatDoesNotReplayStopsTheFollowerAndLeavesItsStore() throws Exception {
    Proc a = proc("a");
    a.node().start();
    await("a to write", () -> a.node().role() == ClusterNode.Role.WRITER);
    KeyEvent anchor = anchor();
    a.log().submit(anchor).join();
    a.node().close();
    TreeHead h = a.log().head();

    // A rogue term commits a batch whose map root leaf lies: what it claims is not what the
    // events make.
    ZkCommitLog rogue = new ZkCommitLog(client(), BASE);
    ZkCommitLog.Term t = rogue.beginTerm("rogue", h.treeSize(), h.rootHash());
    byte[] event = register().encoded();
    byte[] lie = new MapRootEntry(h.treeSize() + 2, 99, Hash.sha256(new byte[] {1})).encoded();
    rogue.commit(t, List.of(event, lie), h.treeSize() + 2, Hash.sha256(new byte[] {2}));

    Proc b = proc("b");
    b.node().start();
    await("b to stop", () -> b.node().role() == ClusterNode.Role.FAILED);
    assertThat(b.node().failure())
        .contains("the committed batch at " + h.treeSize() + " does not replay here")
        .contains("map root leaf differs");
    assertThat(b.log().head().treeSize()).isEqualTo(h.treeSize());
    assertSound(b.store(), h.treeSize());
    assertThat(refusedReason(b.log(), register())).isEqualTo("standby");
  }
}
