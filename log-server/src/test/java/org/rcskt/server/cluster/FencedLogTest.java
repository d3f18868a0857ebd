package org.rcskt.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
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
import org.rcskt.verifier.crypto.Ed25519;
import org.rcskt.verifier.event.EventBuilder;
import org.rcskt.verifier.event.KeyEvent;
import org.rcskt.verifier.event.PublicKeyInfo;
import org.rcskt.verifier.event.RulesContext;
import org.rcskt.verifier.note.Ed25519NoteSigner;

/**
 * A real log (RocksDB, the integrator, real signatures) committing through ZooKeeper: what it signs
 * is what is committed, a standby signs nothing, and a writer fenced off by a new term answers 503
 * and keeps a store that is a prefix of the committed log.
 */
class FencedLogTest {
  static final String ORIGIN = "test.example/fenced";
  static final String CARRIER = "carrier.example";
  static final String BASE = "/rcskt/fenced";

  @TempDir Path dir;
  TestingServer zk;
  final List<AutoCloseable> open = new ArrayList<>();
  Random random = new Random(77);
  Ed25519.KeyPair policy = Ed25519.KeyPair.generate(random);
  Ed25519.KeyPair carrier = Ed25519.KeyPair.generate(random);
  NoteLogSigner signer =
      new NoteLogSigner(Ed25519NoteSigner.of(ORIGIN, Ed25519.KeyPair.generate(random)));
  RulesContext rules = RulesContext.ingest(PublicKeyInfo.ed25519(policy.publicKey()), 0);
  Events events = new Events(5, CARRIER, carrier);

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

  private ZkCommitLog commitLog() throws InterruptedException {
    CuratorFramework c = ZooKeeperClients.connect(zk.getConnectString(), 4000);
    open.add(c::close);
    return new ZkCommitLog(c, BASE);
  }

  /** A log on its own RocksDB store in {@code name}, committing through {@code gate}. */
  private record Node(RocksDbLogStore store, KeyEventLog log) {}

  private Node node(String name, ZkCommitGate gate) {
    RocksDbLogStore store = RocksDbLogStore.open(dir.resolve(name));
    KeyEventLog log =
        KeyEventLog.open(
            store, signer, rules, LogMetrics.NONE, KeyEventLog.Settings.defaults(), gate);
    open.add(store::close);
    open.add(log::close);
    return new Node(store, log);
  }

  private KeyEvent anchor() {
    return EventBuilder.forCarrier(CARRIER)
        .timestampMs(System.currentTimeMillis())
        .anchorAdd(PublicKeyInfo.ed25519(carrier.publicKey()))
        .sign(policy);
  }

  private static UnavailableException refusal(CompletableFuture<Sequenced> f) {
    Throwable t = null;
    try {
      f.join();
    } catch (CompletionException e) {
      t = e.getCause();
    }
    assertThat(t).isInstanceOf(UnavailableException.class);
    return (UnavailableException) t;
  }

  private void assertCommittedIs(ZkCommitLog commits, KeyEventLog log) {
    TreeHead h = log.head();
    ZkCommitLog.Head c = commits.head();
    assertThat(c.treeSize()).isEqualTo(h.treeSize());
    assertThat(c.root()).isEqualTo(h.rootHash());
    List<byte[]> committed = new ArrayList<>();
    commits.read(0, 1_000_000).forEach(b -> committed.addAll(b.entries()));
    List<byte[]> stored = log.reader().entries(0, h.treeSize(), 1_000_000);
    assertThat(committed).hasSameSizeAs(stored);
    for (int i = 0; i < stored.size(); i++) {
      assertThat(committed.get(i)).as("leaf %d", i).isEqualTo(stored.get(i));
    }
  }

  @Test
  void aWriterSignsOnlyWhatItCommittedAndAFencedOneAnswers503() throws Exception {
    ZkCommitLog commits = commitLog();
    ZkCommitGate gateA = new ZkCommitGate(commits, "a");
    Node a = node("a", gateA);
    // Not yet a writer: refused, nothing signed.
    TreeHead empty = a.log().head();
    UnavailableException standby = refusal(a.log().submit(anchor()));
    assertThat(standby.reason()).isEqualTo("standby");
    assertThat(standby.getMessage()).contains("(a) is a standby");
    assertThat(a.log().head()).isEqualTo(empty);

    gateA.beginTerm(empty.treeSize(), empty.rootHash());
    assertThat(a.log().submit(anchor()).join().leafIndex()).isZero();
    List<KeyEvent> registered = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      KeyEvent e = events.register(events.newSubject(), "phone", events.newKey());
      registered.add(e);
      a.log().submit(e).join();
    }
    assertCommittedIs(commits, a.log());

    // Another process catches up and begins a term: a's next batch is refused as a whole.
    ZkCommitLog other = commitLog();
    TreeHead before = a.log().head();
    ZkCommitGate gateB = new ZkCommitGate(other, "b");
    gateB.beginTerm(before.treeSize(), before.rootHash());
    UnavailableException fenced =
        refusal(a.log().submit(events.register(events.newSubject(), "phone", events.newKey())));
    assertThat(fenced.reason()).isEqualTo("fenced");
    assertThat(fenced.getMessage()).contains("was fenced off at size " + before.treeSize());
    assertThat(fenced.retryAfterSeconds()).isPositive();
    assertThat(a.log().head()).isEqualTo(before);
    assertThat(gateA.writing()).isFalse();
    // ... and so is every later one, now as a standby that says why.
    UnavailableException after =
        refusal(a.log().submit(events.register(events.newSubject(), "phone", events.newKey())));
    assertThat(after.reason()).isEqualTo("standby");
    assertThat(after.getMessage()).contains("fenced off");
    // A duplicate of a logged event is still answered from the store: no commit needed.
    assertThat(a.log().submit(registered.get(3)).join().duplicate()).isTrue();

    // What a holds is sound and exactly the committed log.
    Fsck.Report r = new Fsck(a.store(), signer, rules.withoutNow(), s -> {}).run();
    assertThat(r.problems()).isEmpty();
    assertThat(r.treeSize()).isEqualTo(before.treeSize());
    assertCommittedIs(commits, a.log());
  }
}
