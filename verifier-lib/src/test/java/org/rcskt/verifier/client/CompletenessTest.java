package org.rcskt.verifier.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.crypto.Ed25519;
import org.rcskt.verifier.event.EventBuilder;
import org.rcskt.verifier.event.KeyEvent;
import org.rcskt.verifier.event.PublicKeyInfo;
import org.rcskt.verifier.map.MapProof;
import org.rcskt.verifier.map.MapProofException;
import org.rcskt.verifier.map.MapRootEntry;
import org.rcskt.verifier.map.SubjectLeaf;
import org.rcskt.verifier.merkle.InclusionProofException;
import org.rcskt.verifier.testing.TestVrf;

/**
 * The completeness part of subject answers (docs/protocol.md section 16, docs/clients.md), over
 * real HTTP: the checkpoint's last leaf is a MAP_ROOT entry proven by inclusion, the subject's map
 * proof verifies against its root, and the events listed end exactly where the map says.
 */
class CompletenessTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  private final Random random = new Random(131);
  private final Hash alice = TestVrf.index("+447700900200");
  private final Hash bob = TestVrf.index("+447700900201");
  private final Hash carol = TestVrf.index("+447700900202");
  private TestLog log;
  private FixtureServer server;
  private FileCheckpointStore store;
  private Ed25519.KeyPair k1;
  private Ed25519.KeyPair k2;
  private KeyEvent reg;
  private KeyEvent rot;
  private String path;

  @BeforeEach
  void setUp() throws IOException {
    log = new TestLog(31);
    log.addAnchor(); // leaf 0, map root 1
    k1 = key();
    k2 = key();
    reg = log.register(alice, "phone", k1, true); // leaf 2, map root 3
    log.register(carol, "phone", key(), true); // leaf 4, map root 5
    rot = log.rotate(alice, "phone", k1, k2); // leaf 6, map root 7
    server = new FixtureServer(log);
    store = new FileCheckpointStore(dir.resolve("checkpoint"));
    path = "v1/subjects/" + alice.toHex();
  }

  @AfterEach
  void tearDown() {
    server.close();
  }

  private LogClient client() {
    return LogClient.builder(server.uri(), TestLog.ORIGIN, log.verifier(), store)
        .timeout(Duration.ofSeconds(5))
        .build();
  }

  private Ed25519.KeyPair key() {
    return Ed25519.KeyPair.generate(random);
  }

  /** Rewrites the JSON of every subject answer (not checkpoints or proofs) with {@code f}. */
  private void rewriteAnswer(Consumer<ObjectNode> f) {
    server.rewrite(
        s -> {
          if (!s.startsWith("{\"subject\"")) {
            return s;
          }
          try {
            ObjectNode o = (ObjectNode) JSON.readTree(s);
            f.accept(o);
            return o.toString();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
  }

  private static ObjectNode mapRoot(ObjectNode answer) {
    return (ObjectNode) answer.get("mapRoot");
  }

  private static String b64(byte[] b) {
    return Base64.getEncoder().encodeToString(b);
  }

  private ResponseException refused() {
    return catchThrowableOfType(() -> client().subject(alice), ResponseException.class);
  }

  @Test
  void anAbsentSubjectIsProvenAbsent() throws Exception {
    SubjectHistory h = client().subject(bob);
    assertThat(h.events()).isEmpty();
    assertThat(h.treeSize()).isEqualTo(8);
    assertThat(log.mapAt(8).get(bob)).isEmpty();
    // The empty log has no map root leaf; its map is the empty map.
    TestLog empty = new TestLog(31);
    server.serve(empty);
    LogClient fresh =
        LogClient.builder(server.uri(), TestLog.ORIGIN, empty.verifier(), new MemoryStore())
            .build();
    SubjectHistory none = fresh.subject(alice);
    assertThat(none.events()).isEmpty();
    assertThat(none.treeSize()).isZero();
  }

  @Test
  void aPresentSubjectsHistoryEndsAtTheMapsLatest() throws Exception {
    SubjectHistory h = client().subject(alice);
    assertThat(h.treeSize()).isEqualTo(8);
    assertThat(h.events()).extracting(LoggedEvent::leafIndex).containsExactly(2L, 6L);
    assertThat(h.events()).extracting(LoggedEvent::event).containsExactly(reg, rot);
    assertThat(log.mapAt(8).get(alice)).contains(new SubjectLeaf(alice, 2, rot.leafHash()));
    // An older tree that ends at a map root verifies as of that tree.
    server.serveSize(4);
    LogClient older =
        LogClient.builder(server.uri(), TestLog.ORIGIN, log.verifier(), new MemoryStore()).build();
    SubjectHistory then = older.subject(alice);
    assertThat(then.treeSize()).isEqualTo(4);
    assertThat(then.events()).extracting(LoggedEvent::event).containsExactly(reg);
  }

  @Test
  void anAnswerThatDropsTheLastEventIsStale() throws Exception {
    rewriteAnswer(o -> ((ArrayNode) o.get("events")).remove(1));
    StaleAnswerException e =
        catchThrowableOfType(() -> client().subject(alice), StaleAnswerException.class);
    assertThat(e.subject()).isEqualTo(alice);
    assertThat(e.provenNextSequence()).isEqualTo(2);
    assertThat(e.provenLastEventHash()).isEqualTo(rot.leafHash());
    assertThat(e.shownEvents()).isEqualTo(1);
    assertThat(e.checkpoint().raw()).isEqualTo(log.checkpoint(8));
    assertThat(e.getMessage())
        .isEqualTo(
            path
                + ": the log's map proves the subject's latest event is sequence 1 with hash "
                + rot.leafHash()
                + ", but the answer lists 1 events ending with "
                + reg.leafHash()
                + ": a stale or incomplete answer");
    // Dropping every event is stale too.
    rewriteAnswer(o -> o.putArray("events"));
    StaleAnswerException all =
        catchThrowableOfType(() -> client().subject(alice), StaleAnswerException.class);
    assertThat(all.shownEvents()).isZero();
    assertThat(all.provenNextSequence()).isEqualTo(2);
    assertThat(all.getMessage())
        .endsWith("but the answer lists 0 events: a stale or incomplete answer");
  }

  @Test
  void anEventTheMapDoesNotCountIsRefused() throws Exception {
    // Bob's registration is logged (and included) but the log's map leaves it out.
    KeyEvent hidden =
        EventBuilder.forSubject(bob, TestLog.CARRIER)
            .timestampMs(rot.body().timestampMs() + 1)
            .register("phone", PublicKeyInfo.ed25519(key().publicKey()))
            .sign(key());
    assertThat(log.appendUnmapped(hidden)).isEqualTo(8);
    StaleAnswerException e =
        catchThrowableOfType(() -> client().subject(bob), StaleAnswerException.class);
    assertThat(e.provenNextSequence()).isZero();
    assertThat(e.provenLastEventHash()).isNull();
    assertThat(e.shownEvents()).isEqualTo(1);
    assertThat(e.getMessage())
        .isEqualTo(
            "v1/subjects/"
                + bob.toHex()
                + ": the log's map proves the subject has no events, but 1 were listed");
    // Alice's answer is unaffected: her part of the map is right.
    assertThat(client().subject(alice).events()).hasSize(2);
    // A third event of alice's the map does not count: the listed events run past the map.
    KeyEvent extra =
        EventBuilder.forSubject(alice, TestLog.CARRIER)
            .after(rot)
            .timestampMs(rot.body().timestampMs() + 2)
            .rotate("phone", PublicKeyInfo.ed25519(k1.publicKey()))
            .sign(k1, k2);
    log.appendUnmapped(extra);
    StaleAnswerException past =
        catchThrowableOfType(() -> client().subject(alice), StaleAnswerException.class);
    assertThat(past.provenNextSequence()).isEqualTo(2);
    assertThat(past.provenLastEventHash()).isEqualTo(rot.leafHash());
    assertThat(past.shownEvents()).isEqualTo(3);
  }

  @Test
  void aTamperedMapRootEntryIsRefused() throws Exception {
    byte[] entry = log.rawLeaf(7);
    MapRootEntry real = MapRootEntry.decode(entry);
    // Another map root for the same tree size: the inclusion proof no longer leads to the root.
    MapRootEntry otherRoot = new MapRootEntry(8, real.subjectCount(), Hash.sha256(new byte[] {7}));
    rewriteAnswer(o -> mapRoot(o).put("entry", b64(otherRoot.encoded())));
    ResponseException e = refused();
    assertThat(e.leafIndex()).isEqualTo(7);
    assertThat(e.getMessage())
        .startsWith(
            path
                + ": mapRoot.inclusionProof of the map root leaf does not verify against tree"
                + " size 8: ");
    assertThat(e.getCause()).isInstanceOf(InclusionProofException.class);
    // The map root of an older tree, stated as this one's.
    rewriteAnswer(o -> mapRoot(o).put("entry", b64(log.rawLeaf(5))));
    assertThat(refused())
        .hasMessage(path + ": mapRoot.entry completes tree size 6, not 8")
        .extracting(ResponseException::leafIndex)
        .isEqualTo(7L);
    // Not a MAP_ROOT entry at all: the type byte changed.
    byte[] notMap = entry.clone();
    notMap[1] ^= 1;
    rewriteAnswer(o -> mapRoot(o).put("entry", b64(notMap)));
    assertThat(refused().getMessage()).startsWith(path + ": mapRoot.entry is not a map root: ");
    // The last event's bytes stated as the map root: too long to be one.
    rewriteAnswer(o -> mapRoot(o).put("entry", b64(rot.encoded())));
    assertThat(refused())
        .hasMessage(path + ": field \"mapRoot.entry\" is missing, not a string or too long");
    rewriteAnswer(o -> mapRoot(o).put("entry", "!!!"));
    assertThat(refused()).hasMessage(path + ": field \"mapRoot.entry\" is not base64");
  }

  @Test
  void aMapRootAtAnotherLeafIsRefused() throws Exception {
    rewriteAnswer(o -> mapRoot(o).put("leafIndex", 5));
    assertThat(refused())
        .hasMessage(path + ": mapRoot.leafIndex must be 7, the checkpoint's last leaf");
    // The previous map root, with its own proof and leaf index, in an answer for tree size 8.
    rewriteAnswer(
        o -> {
          mapRoot(o).put("leafIndex", 5);
          mapRoot(o).put("entry", b64(log.rawLeaf(5)));
          mapRoot(o).set("inclusionProof", hashes(log.inclusion(5, 8)));
        });
    assertThat(refused())
        .hasMessage(path + ": mapRoot.leafIndex must be 7, the checkpoint's last leaf");
    rewriteAnswer(o -> mapRoot(o).put("leafIndex", "7"));
    assertThat(refused())
        .hasMessage(path + ": mapRoot.leafIndex must be 7, the checkpoint's last leaf");
  }

  @Test
  void aBrokenMapRootInclusionProofIsRefused() throws Exception {
    rewriteAnswer(o -> ((ArrayNode) mapRoot(o).get("inclusionProof")).set(0, Hash.ZERO.toBase64()));
    ResponseException e = refused();
    assertThat(e.leafIndex()).isEqualTo(7);
    assertThat(e.getMessage())
        .startsWith(
            path
                + ": mapRoot.inclusionProof of the map root leaf does not verify against tree"
                + " size 8: ");
    // One hash short.
    rewriteAnswer(o -> ((ArrayNode) mapRoot(o).get("inclusionProof")).remove(0));
    assertThat(refused().getCause()).isInstanceOf(InclusionProofException.class);
    rewriteAnswer(o -> mapRoot(o).remove("inclusionProof"));
    assertThat(refused())
        .hasMessage(path + ": field \"mapRoot.inclusionProof\" is missing or not an array");
    rewriteAnswer(
        o -> {
          ArrayNode a = mapRoot(o).putArray("inclusionProof");
          for (int i = 0; i < 64; i++) {
            a.add(Hash.ZERO.toBase64());
          }
        });
    assertThat(refused())
        .hasMessage(path + ": field \"mapRoot.inclusionProof\" has 64 hashes, more than 63");
    rewriteAnswer(o -> ((ArrayNode) mapRoot(o).get("inclusionProof")).set(0, "x"));
    assertThat(refused().getMessage())
        .startsWith(path + ": field \"mapRoot.inclusionProof\"[0] is not a base64 hash: ");
  }

  @Test
  void aTamperedCompletenessProofIsRefused() throws Exception {
    byte[] good = log.mapAt(8).prove(alice).encoded();
    Hash mapRoot = log.mapAt(8).root();
    // A flipped bit in the last sibling: the proof leads to another root.
    byte[] flipped = good.clone();
    flipped[flipped.length - 1] ^= 1;
    rewriteAnswer(o -> o.put("completeness", b64(flipped)));
    ResponseException e = refused();
    assertThat(e.getMessage())
        .startsWith(
            path
                + ": field \"completeness\" does not verify: map proof for "
                + alice
                + " leads to root ")
        .endsWith(", expected " + mapRoot);
    assertThat(((MapProofException) e.getCause()).reason())
        .isEqualTo(MapProofException.Reason.ROOT_MISMATCH);
    // Truncated by one byte.
    byte[] truncated = java.util.Arrays.copyOf(good, good.length - 1);
    rewriteAnswer(o -> o.put("completeness", b64(truncated)));
    int depth = MapProof.decode(good).depth();
    assertThat(refused())
        .hasMessage(
            path
                + ": field \"completeness\" does not verify: map proof of depth "
                + depth
                + " must be "
                + good.length
                + " bytes, got "
                + (good.length - 1));
    // Longer than any map proof can be: refused before decoding.
    byte[] oversized = new byte[MapProof.MAX_ENCODED_SIZE + 3];
    rewriteAnswer(o -> o.put("completeness", b64(oversized)));
    assertThat(refused())
        .hasMessage(path + ": field \"completeness\" is missing, not a string or too long");
    // Another subject's proof (valid for the same root) says nothing about alice.
    byte[] carols = log.mapAt(8).prove(carol).encoded();
    rewriteAnswer(o -> o.put("completeness", b64(carols)));
    assertThat(refused().getMessage())
        .startsWith(path + ": field \"completeness\" does not verify: map proof ");
    // A proof of absence from the empty map, against this map's root.
    rewriteAnswer(o -> o.put("completeness", b64(MapProof.empty(java.util.List.of()).encoded())));
    assertThat(((MapProofException) refused().getCause()).reason())
        .isEqualTo(MapProofException.Reason.ROOT_MISMATCH);
    rewriteAnswer(o -> o.put("completeness", "***"));
    assertThat(refused()).hasMessage(path + ": field \"completeness\" is not base64");
  }

  @Test
  void missingFieldsAreRefusedByName() throws Exception {
    rewriteAnswer(o -> o.remove("mapRoot"));
    assertThat(refused()).hasMessage(path + ": field \"mapRoot\" is missing or not an object");
    rewriteAnswer(o -> o.putNull("mapRoot"));
    assertThat(refused()).hasMessage(path + ": field \"mapRoot\" is missing or not an object");
    rewriteAnswer(o -> mapRoot(o).remove("entry"));
    assertThat(refused())
        .hasMessage(path + ": field \"mapRoot.entry\" is missing, not a string or too long");
    rewriteAnswer(o -> mapRoot(o).remove("leafIndex"));
    assertThat(refused())
        .hasMessage(path + ": mapRoot.leafIndex must be 7, the checkpoint's last leaf");
    rewriteAnswer(o -> o.remove("completeness"));
    assertThat(refused())
        .hasMessage(path + ": field \"completeness\" is missing, not a string or too long");
    rewriteAnswer(o -> o.remove("checkpoint"));
    assertThat(refused()).hasMessage(path + ": field \"checkpoint\" is missing or not a string");
  }

  @Test
  void aCheckpointWhoseLastLeafIsNotAMapRootIsRefused() throws Exception {
    // An older tree that ends at an event, not at its batch's map root.
    server.serveSize(7);
    LogClient c =
        LogClient.builder(server.uri(), TestLog.ORIGIN, log.verifier(), new MemoryStore()).build();
    assertThatThrownBy(() -> c.subject(alice))
        .isInstanceOf(ResponseException.class)
        .hasMessage(path + ": field \"mapRoot\" is missing or not an object");
    // Even with the previous map root shown: it is not the checkpoint's last leaf.
    rewriteAnswer(
        o -> {
          ObjectNode m = o.putObject("mapRoot");
          m.put("leafIndex", 5);
          m.put("entry", b64(log.rawLeaf(5)));
          m.set("inclusionProof", hashes(log.inclusion(5, 7)));
        });
    assertThatThrownBy(() -> c.subject(alice))
        .hasMessage(path + ": mapRoot.leafIndex must be 6, the checkpoint's last leaf");
    // Or with the last leaf, an event, stated as the map root.
    rewriteAnswer(
        o -> {
          ObjectNode m = o.putObject("mapRoot");
          m.put("leafIndex", 6);
          m.put("entry", b64(rot.encoded()));
          m.set("inclusionProof", hashes(log.inclusion(6, 7)));
        });
    assertThatThrownBy(() -> c.subject(alice))
        .hasMessage(path + ": field \"mapRoot.entry\" is missing, not a string or too long");
    // The latest tree, after a leaf that is not a map root.
    server.rewrite(s -> s);
    server.serveSize(-1);
    log.appendRaw(new byte[] {2, 9, 9});
    assertThatThrownBy(() -> client().subject(alice))
        .hasMessage(path + ": field \"mapRoot\" is missing or not an object");
  }

  @Test
  void pagesOfAGrowingLogVerifyAndEndAtTheLastPagesMapRoot() throws Exception {
    Ed25519.KeyPair prev = k2;
    for (int i = 0; i < 3; i++) { // alice: 5 events, at leaves 2, 6, 8, 10, 12
      Ed25519.KeyPair next = key();
      log.rotate(alice, "phone", prev, next);
      prev = next;
    }
    assertThat(log.treeSize()).isEqualTo(14);
    Ed25519.KeyPair last = prev;
    AtomicInteger pages = new AtomicInteger();
    KeyEvent[] added = new KeyEvent[1];
    server.pageSize(2);
    server.afterAnswer(
        p -> {
          if (p.startsWith("/v1/subjects/") && pages.incrementAndGet() == 1) {
            // After the first page, another subject's event and one more of alice's.
            log.register(bob, "phone", key(), true); // leaf 14
            added[0] = log.rotate(alice, "phone", last, key()); // leaf 16
          }
        });
    LogClient c = client();
    SubjectHistory h = c.subject(alice);
    assertThat(pages.get()).isEqualTo(3);
    assertThat(h.treeSize()).isEqualTo(18);
    assertThat(h.events())
        .extracting(LoggedEvent::leafIndex)
        .containsExactly(2L, 6L, 8L, 10L, 12L, 16L);
    assertThat(h.events().get(5).event()).isEqualTo(added[0]);
    // The first page's events were proven in its own (smaller) tree, the rest in the larger one.
    assertThat(h.events())
        .extracting(e -> e.checkpoint().checkpoint().treeSize())
        .containsExactly(14L, 14L, 18L, 18L, 18L, 18L);
    assertThat(log.mapAt(18).get(alice)).contains(new SubjectLeaf(alice, 6, added[0].leafHash()));
    assertThat(store.load()).hasValueSatisfying(b -> assertThat(b).isEqualTo(log.checkpoint(18)));
  }

  @Test
  void pagesThatEndBeforeTheLastPagesMapAreStale() throws Exception {
    // The log grows between pages but the last page leaves alice's new event out.
    server.pageSize(1);
    AtomicInteger pages = new AtomicInteger();
    KeyEvent[] added = new KeyEvent[1];
    server.afterAnswer(
        p -> {
          if (p.startsWith("/v1/subjects/") && pages.incrementAndGet() == 1) {
            added[0] = log.rotate(alice, "phone", k2, key()); // leaf 8
          }
        });
    rewriteAnswer(
        o -> {
          if (o.get("treeSize").asLong() == 10) {
            o.putNull("nextFrom"); // says "last page" while sequence 2 is still to come
          }
        });
    StaleAnswerException e =
        catchThrowableOfType(() -> client().subject(alice), StaleAnswerException.class);
    assertThat(e.provenNextSequence()).isEqualTo(3);
    assertThat(e.provenLastEventHash()).isEqualTo(added[0].leafHash());
    assertThat(e.shownEvents()).isEqualTo(2);
    assertThat(e.checkpoint().checkpoint().treeSize()).isEqualTo(10);
  }

  private static ArrayNode hashes(java.util.List<Hash> hs) {
    ArrayNode a = JSON.createArrayNode();
    for (Hash h : hs) {
      a.add(h.toBase64());
    }
    return a;
  }

  /** A checkpoint store in memory, for clients that must not share the test's file. */
  static final class MemoryStore implements CheckpointStore {
    private byte[] saved;

    @Override
    public synchronized java.util.Optional<byte[]> load() {
      return java.util.Optional.ofNullable(saved);
    }

    @Override
    public synchronized void save(byte[] checkpoint) {
      saved = checkpoint.clone();
    }
  }
}
