package org.rcskt.verifier.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.crypto.Ed25519;
import org.rcskt.verifier.event.KeyEvent;
import org.rcskt.verifier.event.PhoneNumbers;
import org.rcskt.verifier.testing.TestVrf;
import org.rcskt.verifier.vrf.VrfVerificationException;

/**
 * {@link LogClient#lookup} over real HTTP: the VRF proof of the index is checked with the pinned
 * VRF key before the subject answer is verified as {@link LogClient#subject} verifies it.
 */
class LookupTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ALICE = "+447700900300";
  private static final String BOB = "+447700900301";

  private final Random random = new Random(77);
  private final Hash alice = TestVrf.index(ALICE);
  private final Hash bob = TestVrf.index(BOB);
  private final String path = "v1/keys/" + ALICE;
  private TestLog log;
  private FixtureServer server;
  private KeyEvent reg;
  private KeyEvent rot;

  @BeforeEach
  void setUp() throws IOException {
    log = new TestLog(41);
    log.addAnchor();
    Ed25519.KeyPair k1 = key();
    reg = log.register(alice, "phone", k1, true); // leaf 2
    log.register(bob, "phone", key(), true); // leaf 4
    rot = log.rotate(alice, "phone", k1, key()); // leaf 6
    server = new FixtureServer(log);
  }

  @AfterEach
  void tearDown() {
    server.close();
  }

  private Ed25519.KeyPair key() {
    return Ed25519.KeyPair.generate(random);
  }

  private LogClient.Builder builder() {
    return LogClient.builder(
        server.uri(), TestLog.ORIGIN, log.verifier(), new CompletenessTest.MemoryStore());
  }

  private LogClient client() {
    return builder().vrfKey(TestVrf.PUBLIC).build();
  }

  /** Rewrites the JSON of every lookup answer with {@code f}. */
  private void rewriteAnswer(Consumer<ObjectNode> f) {
    server.rewrite(
        s -> {
          if (!s.startsWith("{\"number\"")) {
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

  private ResponseException refused() {
    return catchThrowableOfType(() -> client().lookup(ALICE), ResponseException.class);
  }

  @Test
  void aGoodLookupGivesTheVrfProvenIndexAndTheHistory() throws Exception {
    NumberLookup l = client().lookup(ALICE);
    assertThat(l.number()).isEqualTo(ALICE);
    assertThat(l.index()).isEqualTo(alice);
    assertThat(l.vrfProof()).isEqualTo(PhoneNumbers.prove(TestVrf.SECRET, ALICE).proof());
    assertThat(PhoneNumbers.verifiedIndex(TestVrf.PUBLIC, ALICE, l.vrfProof())).isEqualTo(alice);
    assertThat(l.history().subject()).isEqualTo(alice);
    assertThat(l.history().treeSize()).isEqualTo(8);
    assertThat(l.history().events()).extracting(LoggedEvent::event).containsExactly(reg, rot);
    assertThat(l.history().events()).extracting(LoggedEvent::leafIndex).containsExactly(2L, 6L);
  }

  @Test
  void aNumberWithoutEventsIsProvenAbsent() throws Exception {
    String carol = "+447700900302";
    NumberLookup l = client().lookup(carol);
    assertThat(l.index()).isEqualTo(TestVrf.index(carol));
    assertThat(l.history().events()).isEmpty();
    assertThat(l.history().treeSize()).isEqualTo(8);
  }

  @Test
  void aLookupIsPagedLikeASubjectAnswer() throws Exception {
    server.pageSize(1);
    AtomicInteger pages = new AtomicInteger();
    server.afterAnswer(
        p -> {
          if (p.startsWith("/v1/keys/")) {
            pages.incrementAndGet();
          }
        });
    assertThat(client().lookup(ALICE).history().events()).hasSize(2);
    assertThat(pages.get()).isEqualTo(2);
  }

  @Test
  void aTamperedVrfProofIsRefused() throws Exception {
    byte[] proof = PhoneNumbers.prove(TestVrf.SECRET, ALICE).proof();
    for (int i : new int[] {0, 40, 79}) {
      byte[] bad = proof.clone();
      bad[i] ^= 1;
      rewriteAnswer(o -> o.put("vrfProof", Base64.getEncoder().encodeToString(bad)));
      ResponseException e = refused();
      assertThat(e.path()).isEqualTo(path);
      assertThat(e.getMessage())
          .startsWith(path + ": the VRF proof of the index does not verify: ");
      assertThat(e.getCause()).isInstanceOf(VrfVerificationException.class);
    }
    rewriteAnswer(o -> o.put("vrfProof", Base64.getEncoder().encodeToString(new byte[] {1, 2, 3})));
    assertThat(refused().getMessage())
        .startsWith(path + ": the VRF proof of the index does not verify: ");
    rewriteAnswer(o -> o.put("vrfProof", "not base64!"));
    assertThat(refused()).hasMessage(path + ": field \"vrfProof\" is not base64");
    rewriteAnswer(o -> o.remove("vrfProof"));
    assertThat(refused()).hasMessage(path + ": field \"vrfProof\" is missing or not a string");
  }

  @Test
  void aProofForAnotherNumberIsRefused() throws Exception {
    // Bob's genuine proof (and index, and history) in an answer about alice.
    PhoneNumbers.ProvenIndex bobs = PhoneNumbers.prove(TestVrf.SECRET, BOB);
    rewriteAnswer(o -> o.put("vrfProof", Base64.getEncoder().encodeToString(bobs.proof())));
    assertThat(refused().getMessage())
        .startsWith(path + ": the VRF proof of the index does not verify: ");
    rewriteAnswer(
        o -> {
          o.put("vrfProof", Base64.getEncoder().encodeToString(bobs.proof()));
          o.put("index", bobs.index().toHex());
          o.put("subject", bobs.index().toHex());
        });
    assertThat(refused().getMessage())
        .startsWith(path + ": the VRF proof of the index does not verify: ");
  }

  @Test
  void aStatedIndexThatDiffersIsRefused() throws Exception {
    rewriteAnswer(o -> o.put("index", bob.toHex()));
    assertThat(refused())
        .hasMessage(
            path
                + ": stated index "
                + bob.toHex()
                + " is not the one the VRF proof gives, "
                + alice);
    rewriteAnswer(o -> o.put("index", alice.toHex().toUpperCase(java.util.Locale.ROOT)));
    assertThat(refused().getMessage()).startsWith(path + ": stated index ");
    rewriteAnswer(o -> o.remove("index"));
    assertThat(refused()).hasMessage(path + ": field \"index\" is missing or not a string");
  }

  @Test
  void anAnswerAboutAnotherNumberOrSubjectIsRefused() throws Exception {
    rewriteAnswer(o -> o.put("number", BOB));
    assertThat(refused()).hasMessage(path + ": answer is about number " + BOB);
    rewriteAnswer(o -> o.remove("number"));
    assertThat(refused()).hasMessage(path + ": field \"number\" is missing or not a string");
    // The right number, index and proof, but bob's subject answer behind them.
    rewriteAnswer(o -> o.put("subject", bob.toHex()));
    assertThat(refused()).hasMessage(path + ": answer is about subject " + bob.toHex());
  }

  @Test
  void aStaleLookupIsRefusedLikeAStaleSubjectAnswer() throws Exception {
    rewriteAnswer(o -> ((ArrayNode) o.get("events")).remove(1));
    StaleAnswerException e =
        catchThrowableOfType(() -> client().lookup(ALICE), StaleAnswerException.class);
    assertThat(e.subject()).isEqualTo(alice);
    assertThat(e.provenNextSequence()).isEqualTo(2);
    assertThat(e.provenLastEventHash()).isEqualTo(rot.leafHash());
    assertThat(e.shownEvents()).isEqualTo(1);
    assertThat(e.getMessage()).startsWith(path + ": the log's map proves ");
  }

  @Test
  void aClientWithoutTheVrfKeyCannotLookUp() {
    AtomicInteger requests = new AtomicInteger();
    server.afterAnswer(p -> requests.incrementAndGet());
    LogClient c = builder().build();
    assertThatThrownBy(() -> c.lookup(ALICE))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("this client was built without the log's VRF key");
    assertThatThrownBy(() -> client().lookup("+44 7700 900300"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(requests.get()).isZero();
    assertThatThrownBy(() -> builder().vrfKey(new byte[31]))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
