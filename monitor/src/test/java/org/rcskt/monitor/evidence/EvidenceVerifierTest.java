package org.rcskt.monitor.evidence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.rcskt.monitor.alert.AlertKind;
import org.rcskt.monitor.evidence.EvidenceVerifier.Strength;
import org.rcskt.monitor.evidence.EvidenceVerifier.Verdict;
import org.rcskt.monitor.testing.TestVrf;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.checkpoint.CheckpointSigner;
import org.rcskt.verifier.crypto.Ed25519;
import org.rcskt.verifier.event.EventBuilder;
import org.rcskt.verifier.event.KeyEvent;
import org.rcskt.verifier.event.PublicKeyInfo;
import org.rcskt.verifier.merkle.CompactRange;
import org.rcskt.verifier.merkle.InclusionProof;
import org.rcskt.verifier.merkle.MemoryNodeStore;
import org.rcskt.verifier.merkle.Merkle;
import org.rcskt.verifier.merkle.Proofs;
import org.rcskt.verifier.note.Ed25519NoteSigner;
import org.rcskt.verifier.tile.EntryBundle;

class EvidenceVerifierTest {
  private static final String ORIGIN = "example.test/log";
  private static final Random RANDOM = new Random(42);
  private static final Ed25519NoteSigner LOG =
      Ed25519NoteSigner.of(ORIGIN, Ed25519.KeyPair.generate(RANDOM));
  private static final CheckpointSigner SIGNER = CheckpointSigner.of(LOG);
  private static final String VKEY = LOG.verifierKey();

  private static List<byte[]> entries(int n, String tag) {
    List<byte[]> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add((tag + i).getBytes(StandardCharsets.UTF_8));
    }
    return out;
  }

  private static MemoryNodeStore tree(List<byte[]> entries) {
    MemoryNodeStore s = new MemoryNodeStore();
    for (byte[] e : entries) {
      s.append(Merkle.leafHash(e));
    }
    return s;
  }

  private static byte[] sign(MemoryNodeStore t, long size) {
    return SIGNER.sign(size, Proofs.rootHash(size, t));
  }

  private static Verdict verify(Evidence e) throws Exception {
    return EvidenceVerifier.verify(e.toJson(1_700_000_000_000L));
  }

  private static Evidence.Builder builder(AlertKind kind) {
    return Evidence.builder(kind, ORIGIN, VKEY, "test");
  }

  @Test
  void twoSignedTreesOfOneSizeAreProvenAndOneTreeTwiceIsNot() throws Exception {
    MemoryNodeStore a = tree(entries(5, "a"));
    MemoryNodeStore b = tree(entries(5, "b"));
    Verdict v = verify(builder(AlertKind.SPLIT_VIEW).checkpoints(sign(a, 5), sign(b, 5)).build());
    assertThat(v.confirmed()).isTrue();
    assertThat(v.strength()).isEqualTo(Strength.PROVEN);
    assertThat(v.message())
        .isEqualTo(
            "the log signed two different trees of size 5: root "
                + a.rootHash()
                + " and root "
                + b.rootHash());
    Verdict same =
        verify(builder(AlertKind.SPLIT_VIEW).checkpoints(sign(a, 5), sign(a, 5)).build());
    assertThat(same.confirmed()).isFalse();
    assertThat(same.message())
        .isEqualTo("both checkpoints sign the same tree of size 5; they agree");
  }

  @Test
  void aForkAcrossSizesIsProvenByTheLargerTreesOwnProof() throws Exception {
    List<byte[]> honest = entries(12, "x");
    List<byte[]> forked = new ArrayList<>(honest);
    forked.set(2, "forged".getBytes(StandardCharsets.UTF_8));
    MemoryNodeStore a = tree(honest);
    MemoryNodeStore b = tree(forked);
    // For a first size that is not a power of two the proof carries the old root's pieces, so
    // the larger tree's proof authenticates its own root at size 7.
    Verdict v =
        verify(
            builder(AlertKind.INCONSISTENT_CHECKPOINT)
                .checkpoints(sign(a, 7), sign(b, 12))
                .proof("consistency", 7, 12, Proofs.consistency(7, 12, b))
                .build());
    assertThat(v.strength()).isEqualTo(Strength.PROVEN);
    assertThat(v.message())
        .isEqualTo(
            "the log's proof authenticates root "
                + Proofs.rootHash(7, b)
                + " for size 7 inside its signed tree of size 12, but it also signed root "
                + Proofs.rootHash(7, a)
                + " for size 7");
    // A power-of-two first tree is left out of the proof, which then only fails to verify.
    Verdict pow2 =
        verify(
            builder(AlertKind.INCONSISTENT_CHECKPOINT)
                .checkpoints(sign(a, 8), sign(b, 12))
                .proof("consistency", 8, 12, Proofs.consistency(8, 12, b))
                .build());
    assertThat(pow2.strength()).isEqualTo(Strength.SERVED);
    assertThat(pow2.message())
        .startsWith("the log's consistency proof from 8 to 12 does not verify (");
    Verdict consistent =
        verify(
            builder(AlertKind.SPLIT_VIEW)
                .checkpoints(sign(a, 8), sign(a, 12))
                .proof("consistency", 8, 12, Proofs.consistency(8, 12, a))
                .build());
    assertThat(consistent.confirmed()).isFalse();
    assertThat(consistent.message())
        .isEqualTo(
            "the consistency proof verifies: the checkpoints of sizes 8 and 12 are consistent");
  }

  @Test
  void aRollbackIsServedEvidence() throws Exception {
    MemoryNodeStore a = tree(entries(9, "r"));
    Verdict v =
        verify(
            builder(AlertKind.ROLLBACK)
                .checkpoints(sign(a, 9), sign(a, 4))
                .proof("consistency", 4, 9, Proofs.consistency(4, 9, a))
                .build());
    assertThat(v.strength()).isEqualTo(Strength.SERVED);
    assertThat(v.message())
        .isEqualTo(
            "the log served tree size 4 after serving the larger 9; the smaller tree is a prefix"
                + " of the larger (a stale view)");
  }

  @Test
  void entriesThatDoNotHashToTheSignedRootAreShown() throws Exception {
    List<byte[]> real = entries(20, "e");
    MemoryNodeStore t = tree(real);
    CompactRange range = CompactRange.empty();
    for (int i = 0; i < 8; i++) {
      range.append(Merkle.leafHash(real.get(i)));
    }
    List<byte[]> served = new ArrayList<>(real.subList(8, 20));
    served.set(3, "changed".getBytes(StandardCharsets.UTF_8));
    Evidence.Builder b =
        builder(AlertKind.ROOT_MISMATCH)
            .checkpoints(sign(t, 20))
            .range(range)
            .proof("binding", 8, 20, Proofs.consistency(8, 20, t));
    Verdict v = verify(b.entries(8, served).build());
    assertThat(v.strength()).isEqualTo(Strength.SERVED);
    assertThat(v.message()).startsWith("entries 8 to 19 as served give root ");
    Verdict ok =
        verify(
            builder(AlertKind.ROOT_MISMATCH)
                .checkpoints(sign(t, 20))
                .range(range)
                .proof("binding", 8, 20, Proofs.consistency(8, 20, t))
                .entries(8, real.subList(8, 20))
                .build());
    assertThat(ok.confirmed()).isFalse();
    assertThat(ok.message()).isEqualTo("entries 8 to 19 give the signed root " + t.rootHash());
  }

  @Test
  void aRewrittenBundleIsShownAgainstTheSignedTree() throws Exception {
    List<byte[]> real = entries(600, "b");
    MemoryNodeStore t = tree(real);
    Hash[] roots = new Hash[3];
    for (int blk = 0; blk < 3; blk++) {
      roots[blk] = Proofs.rootHash(Math.min(256, 600 - blk * 256L), leafSource(real, blk * 256));
    }
    List<Hash> path = BlockPaths.path(1, 3, i -> roots[(int) i]);
    List<byte[]> altered = new ArrayList<>(real.subList(256, 512));
    altered.set(10, "rewritten".getBytes(StandardCharsets.UTF_8));
    Verdict v =
        verify(
            builder(AlertKind.ENTRY_REWRITTEN)
                .checkpoints(sign(t, 600))
                .bundle(1, 256, EntryBundle.encode(altered), roots[1], 3, path)
                .build());
    assertThat(v.strength()).isEqualTo(Strength.SERVED);
    assertThat(v.message())
        .startsWith("the signed tree of size 600 commits to bundle 1 with root " + roots[1]);
    Verdict same =
        verify(
            builder(AlertKind.ENTRY_REWRITTEN)
                .checkpoints(sign(t, 600))
                .bundle(1, 256, EntryBundle.encode(real.subList(256, 512)), roots[1], 3, path)
                .build());
    assertThat(same.confirmed()).isFalse();
    assertThat(same.message()).isEqualTo("the served bundle 1 has the recorded root");
    // The partial last bundle, too.
    List<Hash> edgePath = BlockPaths.path(2, 3, i -> roots[(int) i]);
    List<byte[]> edge = new ArrayList<>(real.subList(512, 600));
    edge.set(0, "x".getBytes(StandardCharsets.UTF_8));
    assertThat(
            verify(
                    builder(AlertKind.ENTRY_REWRITTEN)
                        .checkpoints(sign(t, 600))
                        .bundle(2, 88, EntryBundle.encode(edge), roots[2], 3, edgePath)
                        .build())
                .confirmed())
        .isTrue();
  }

  private static MemoryNodeStore leafSource(List<byte[]> all, int from) {
    return tree(all.subList(from, Math.min(all.size(), from + 256)));
  }

  @Test
  void blockPathsVerifyForManySizes() throws Exception {
    Random r = new Random(7);
    for (int trial = 0; trial < 40; trial++) {
      int n = 1 + r.nextInt(3000);
      List<byte[]> es = entries(n, "p" + trial + "-");
      MemoryNodeStore t = tree(es);
      long blocks = (n + 255) / 256;
      Hash[] roots = new Hash[(int) blocks];
      for (int b = 0; b < blocks; b++) {
        roots[b] = tree(es.subList(b * 256, Math.min(n, b * 256 + 256))).rootHash();
      }
      long b = r.nextInt((int) blocks);
      List<Hash> path = BlockPaths.path(b, blocks, i -> roots[(int) i]);
      org.rcskt.verifier.merkle.InclusionProof.verify(
          b, blocks, roots[(int) b], path, t.rootHash());
      assertThat(BlockPaths.root(0, blocks, i -> roots[(int) i])).isEqualTo(t.rootHash());
    }
  }

  /**
   * A rule-violation bundle for the history {@code events} (all of the signed tree), blaming the
   * event at {@code offending}, with every event's inclusion proof under the given policy key.
   */
  private static Evidence.Builder ruleViolation(
      List<byte[]> events, long offending, Ed25519.KeyPair policy) throws Exception {
    int n = events.size();
    MemoryNodeStore t = tree(events);
    Evidence.Builder b =
        builder(AlertKind.RULE_VIOLATION)
            .checkpoints(sign(t, n))
            .put(
                "policyKey",
                "ed25519:"
                    + java.util.Base64.getEncoder().encodeToString(policy.publicKey().encoded()))
            .put("allowUnattested", false)
            .put("offending", offending);
    for (int i = 0; i < n; i++) {
      b.event(i, events.get(i), Proofs.inclusion(i, n, t));
    }
    return b;
  }

  @Test
  void anAcceptedEventThatBreaksTheRulesIsShownWithItsHistory() throws Exception {
    Ed25519.KeyPair policy = Ed25519.KeyPair.generate(RANDOM);
    Ed25519.KeyPair carrier = Ed25519.KeyPair.generate(RANDOM);
    Ed25519.KeyPair device = Ed25519.KeyPair.generate(RANDOM);
    Ed25519.KeyPair intruder = Ed25519.KeyPair.generate(RANDOM);
    Hash subject = TestVrf.index("+447700900123");
    KeyEvent anchor =
        EventBuilder.forCarrier("carrier-a")
            .timestampMs(1000)
            .anchorAdd(PublicKeyInfo.ed25519(carrier.publicKey()))
            .sign(policy);
    KeyEvent register =
        EventBuilder.forSubject(subject, "carrier-a")
            .timestampMs(2000)
            .register("phone", PublicKeyInfo.ed25519(device.publicKey()))
            .sign(device, carrier);
    // Rotation signed only by the new key: neither the old key nor the carrier.
    KeyEvent bad =
        EventBuilder.forSubject(subject, "carrier-a")
            .after(register)
            .timestampMs(3000)
            .rotate("phone", PublicKeyInfo.ed25519(intruder.publicKey()))
            .sign(intruder);
    List<byte[]> es = List.of(anchor.encoded(), register.encoded(), bad.encoded());
    Verdict v = verify(ruleViolation(es, 2, policy).build());
    assertThat(v.strength()).isEqualTo(Strength.SERVED);
    assertThat(v.message())
        .startsWith(
            "the signed tree of size 3 includes at leaf 2 an event that breaks the rules (MISSING_SIGNATURE): ");

    // The same history with a proper rotation does not confirm.
    KeyEvent good =
        EventBuilder.forSubject(subject, "carrier-a")
            .after(register)
            .timestampMs(3000)
            .rotate("phone", PublicKeyInfo.ed25519(intruder.publicKey()))
            .sign(intruder, device);
    List<byte[]> es2 = List.of(anchor.encoded(), register.encoded(), good.encoded());
    Verdict ok = verify(ruleViolation(es2, 2, policy).build());
    assertThat(ok.confirmed()).isFalse();
    assertThat(ok.message())
        .isEqualTo("the event at leaf 2 follows the rules given the listed history");
  }

  @Test
  void aSignedTreeWhoseLastLeafIsNotAMapRootIsProven() throws Exception {
    List<byte[]> all = entries(6, "e");
    MemoryNodeStore t = tree(all);
    Verdict v =
        verify(
            builder(AlertKind.MISSING_MAP_ROOT)
                .checkpoints(sign(t, 6))
                .event(5, all.get(5), Proofs.inclusion(5, 6, t))
                .build());
    assertThat(v.confirmed()).isTrue();
    assertThat(v.strength()).isEqualTo(Strength.PROVEN);
    assertThat(v.message())
        .isEqualTo(
            "the signed tree of size 6 ends at leaf 5 in an entry that is not a MAP_ROOT: the log"
                + " did not commit to its subject map");

    List<byte[]> withRoot = new ArrayList<>(all.subList(0, 5));
    byte[] mapRoot =
        new org.rcskt.verifier.map.MapRootEntry(6, 0, org.rcskt.verifier.map.MapHashes.EMPTY)
            .encoded();
    withRoot.add(mapRoot);
    MemoryNodeStore r = tree(withRoot);
    Verdict refuted =
        verify(
            builder(AlertKind.MISSING_MAP_ROOT)
                .checkpoints(sign(r, 6))
                .event(5, mapRoot, Proofs.inclusion(5, 6, r))
                .build());
    assertThat(refuted.confirmed()).isFalse();
    assertThat(refuted.message()).isEqualTo("the entry at leaf 5 is a MAP_ROOT entry");

    Verdict notInTree =
        verify(
            builder(AlertKind.MISSING_MAP_ROOT)
                .checkpoints(sign(t, 6))
                .event(5, "other".getBytes(StandardCharsets.UTF_8), Proofs.inclusion(5, 6, t))
                .build());
    assertThat(notInTree.confirmed()).isFalse();
    assertThat(notInTree.message()).startsWith("the entry at leaf 5 is not in the signed tree: ");
  }

  @Test
  void aCheckpointWithoutTheLogsSignatureIsServedEvidence() throws Exception {
    Ed25519NoteSigner other = Ed25519NoteSigner.of(ORIGIN, Ed25519.KeyPair.generate(RANDOM));
    MemoryNodeStore t = tree(entries(3, "s"));
    byte[] forged = CheckpointSigner.of(other).sign(3, t.rootHash());
    Verdict v = verify(builder(AlertKind.BAD_SIGNATURE).checkpoints(forged).build());
    assertThat(v.strength()).isEqualTo(Strength.SERVED);
    assertThat(v.message()).startsWith("the checkpoint served as the log's does not verify: ");
    Verdict ok = verify(builder(AlertKind.BAD_SIGNATURE).checkpoints(sign(t, 3)).build());
    assertThat(ok.confirmed()).isFalse();
    assertThat(ok.message()).isEqualTo("the checkpoint carries a valid signature of the log key");
  }

  @Test
  void malformedBundlesAreRejectedWithTheReason() {
    assertThatThrownBy(() -> EvidenceVerifier.verify("{}".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(EvidenceVerifier.MalformedEvidenceException.class)
        .hasMessage("not an evidence bundle: \"format\" is not \"rcskt-monitor-evidence/v1\"");
    MemoryNodeStore a = tree(entries(5, "a"));
    Evidence oneCheckpoint = builder(AlertKind.SPLIT_VIEW).checkpoints(sign(a, 5)).build();
    assertThatThrownBy(() -> verify(oneCheckpoint))
        .isInstanceOf(EvidenceVerifier.MalformedEvidenceException.class)
        .hasMessage("checkpoints: split-view needs exactly 2, got 1");
  }

  @Test
  void theIdIgnoresTheDetectionTime() {
    MemoryNodeStore a = tree(entries(5, "a"));
    Evidence e1 = builder(AlertKind.SPLIT_VIEW).checkpoints(sign(a, 5), sign(a, 5)).build();
    Evidence e2 = builder(AlertKind.SPLIT_VIEW).checkpoints(sign(a, 5), sign(a, 5)).build();
    assertThat(e1.id()).isEqualTo(e2.id()).hasSize(64);
    assertThat(new String(e1.toJson(1), StandardCharsets.UTF_8))
        .contains("\"id\" : \"" + e1.id() + "\"", "\"detectedAt\" : \"1970-01-01T00:00:00.001Z\"");
  }

  // ---- forks from a power-of-two size: the prefix path

  /** An honest tree of n entries and a fork of it that changes entry 0. */
  private static MemoryNodeStore[] fork(int n) {
    List<byte[]> honest = entries(n, "p");
    List<byte[]> forked = new ArrayList<>(honest);
    forked.set(0, "forged".getBytes(StandardCharsets.UTF_8));
    return new MemoryNodeStore[] {tree(honest), tree(forked)};
  }

  /** The bundle a monitor writes for a fork from m to n, with the larger tree's prefix path. */
  private static Evidence.Builder forkBundle(
      AlertKind kind, MemoryNodeStore old, MemoryNodeStore now, long m, long n) {
    byte[] small = sign(old, m);
    byte[] large = sign(now, n);
    return builder(kind)
        .checkpoints(
            kind == AlertKind.ROLLBACK ? large : small, kind == AlertKind.ROLLBACK ? small : large)
        .proof("consistency", m, n, Proofs.consistency(m, n, now));
  }

  private static Hash leafHash(MemoryNodeStore t, long leafIndex) {
    return t.node(0, leafIndex);
  }

  @ParameterizedTest
  @CsvSource({"1, 3", "4, 7", "8, 12", "8, 8000"})
  void aForkFromAPowerOfTwoSizeIsProvenByThePrefixPath(long m, int n) throws Exception {
    MemoryNodeStore[] t = fork(n);
    Evidence.Builder b = forkBundle(AlertKind.INCONSISTENT_CHECKPOINT, t[0], t[1], m, n);
    // Without the path the failed proof alone is all there is.
    Verdict old = verify(b.build());
    assertThat(old.strength()).isEqualTo(Strength.SERVED);
    Verdict v =
        verify(
            b.prefixPath(m - 1, n, leafHash(t[1], m - 1), Proofs.inclusion(m - 1, n, t[1]))
                .build());
    assertThat(v.confirmed()).isTrue();
    assertThat(v.strength()).isEqualTo(Strength.PROVEN);
    assertThat(v.message())
        .isEqualTo(
            "the log's signed tree of size "
                + n
                + " commits to root "
                + Proofs.rootHash(m, t[1])
                + " for its first "
                + m
                + " leaves (leaf "
                + (m - 1)
                + " and its inclusion path, which the signed root authenticates), but the log also"
                + " signed root "
                + Proofs.rootHash(m, t[0])
                + " for size "
                + m);
  }

  @Test
  void aRollbackToAPowerOfTwoSizeOfAnotherTreeIsProven() throws Exception {
    MemoryNodeStore[] t = fork(12);
    Verdict v =
        verify(
            forkBundle(AlertKind.ROLLBACK, t[0], t[1], 4, 12)
                .prefixPath(3, 12, leafHash(t[1], 3), Proofs.inclusion(3, 12, t[1]))
                .build());
    assertThat(v.strength()).isEqualTo(Strength.PROVEN);
    assertThat(v.message())
        .startsWith(
            "the log served tree size 4 after serving the larger 12; the log's signed tree of size"
                + " 12 commits to root "
                + Proofs.rootHash(4, t[1]));
  }

  @Test
  void aTamperedPrefixPathProvesNothing() throws Exception {
    MemoryNodeStore[] t = fork(12);
    Hash leaf = leafHash(t[1], 7);
    List<Hash> path = Proofs.inclusion(7, 12, t[1]);
    Hash other = Hash.sha256("other".getBytes(StandardCharsets.UTF_8));
    List<List<Hash>> tampered = new ArrayList<>();
    for (int i = 0; i < path.size(); i++) {
      // Every level: inside the prefix subtree (0 to 2) and above it (3).
      List<Hash> bad = new ArrayList<>(path);
      bad.set(i, other);
      tampered.add(bad);
    }
    tampered.add(path.subList(0, path.size() - 1));
    for (List<Hash> bad : tampered) {
      Verdict v =
          verify(
              forkBundle(AlertKind.INCONSISTENT_CHECKPOINT, t[0], t[1], 8, 12)
                  .prefixPath(7, 12, leaf, bad)
                  .build());
      assertThat(v.strength()).isEqualTo(Strength.SERVED);
      assertThat(v.message())
          .startsWith("the log's consistency proof from 8 to 12 does not verify (")
          .contains("; the recorded prefix path does not verify either: inclusion proof for leaf");
    }
    // The path of the honest tree does not lead to the forked tree's signed root either.
    Verdict honestLeaf =
        verify(
            forkBundle(AlertKind.INCONSISTENT_CHECKPOINT, t[0], t[1], 1, 12)
                .prefixPath(0, 12, leafHash(t[0], 0), Proofs.inclusion(0, 12, t[1]))
                .build());
    assertThat(honestLeaf.strength()).isEqualTo(Strength.SERVED);
    assertThat(honestLeaf.message())
        .endsWith(
            "; the recorded prefix path does not verify either: inclusion proof for leaf index 0"
                + " in tree size 12 leads to root "
                + InclusionProof.rootFromInclusionProof(
                    0, 12, leafHash(t[0], 0), Proofs.inclusion(0, 12, t[1]))
                + ", expected "
                + t[1].rootHash());
  }

  @Test
  void aPrefixPathOfAConsistentLogConfirmsNothing() throws Exception {
    MemoryNodeStore a = tree(entries(12, "c"));
    Evidence.Builder consistent =
        forkBundle(AlertKind.SPLIT_VIEW, a, a, 8, 12)
            .prefixPath(7, 12, leafHash(a, 7), Proofs.inclusion(7, 12, a));
    Verdict v = verify(consistent.build());
    assertThat(v.confirmed()).isFalse();
    assertThat(v.message())
        .isEqualTo(
            "the consistency proof verifies: the checkpoints of sizes 8 and 12 are consistent");
    // A bad consistency proof from a consistent log stays served data, and the path says why.
    List<Hash> badProof = new ArrayList<>(Proofs.consistency(8, 12, a));
    badProof.set(0, Hash.sha256("x".getBytes(StandardCharsets.UTF_8)));
    Verdict served =
        verify(
            builder(AlertKind.SPLIT_VIEW)
                .checkpoints(sign(a, 8), sign(a, 12))
                .proof("consistency", 8, 12, badProof)
                .prefixPath(7, 12, leafHash(a, 7), Proofs.inclusion(7, 12, a))
                .build());
    assertThat(served.strength()).isEqualTo(Strength.SERVED);
    assertThat(served.message())
        .endsWith(
            "; a consistent log can always produce one; the inclusion path of leaf 7 places the"
                + " signed root of size 8 inside the signed tree of size 12");
  }

  @Test
  void aMalformedPrefixPathIsRejectedWithTheReason() throws Exception {
    MemoryNodeStore[] t = fork(12);
    byte[] good =
        forkBundle(AlertKind.INCONSISTENT_CHECKPOINT, t[0], t[1], 8, 12)
            .prefixPath(7, 12, leafHash(t[1], 7), Proofs.inclusion(7, 12, t[1]))
            .build()
            .toJson(0);
    assertMalformed(good, p -> p.put("prefixPath", 5), "prefixPath: must be an object");
    assertMalformed(
        good,
        p -> ((ObjectNode) p.get("prefixPath")).put("leafIndex", 6),
        "prefixPath: the path is of leaf 6 in tree size 12, the checkpoints need leaf 7 in tree"
            + " size 12");
    assertMalformed(
        good,
        p -> ((ObjectNode) p.get("prefixPath")).put("treeSize", 13),
        "prefixPath: the path is of leaf 7 in tree size 13, the checkpoints need leaf 7 in tree"
            + " size 12");
    assertMalformed(
        good,
        p -> ((ObjectNode) p.get("prefixPath")).put("leafIndex", "7"),
        "prefixPath.leafIndex: missing or not an integer");
    assertMalformed(
        good,
        p -> ((ObjectNode) p.get("prefixPath")).remove("treeSize"),
        "prefixPath.treeSize: missing or not an integer");
    assertMalformed(
        good,
        p -> ((ObjectNode) p.get("prefixPath")).put("leafHash", "%%%"),
        "prefixPath.leafHash: not base64: Illegal base64 character 25");
    assertMalformed(
        good,
        p -> ((ObjectNode) p.get("prefixPath")).put("leafHash", "AAAA"),
        "prefixPath.leafHash: a hash must be 32 bytes, got 3");
    assertMalformed(
        good,
        p -> ((ObjectNode) p.get("prefixPath")).remove("leafHash"),
        "prefixPath.leafHash: missing or not a string");
    assertMalformed(
        good,
        p -> ((ObjectNode) p.get("prefixPath")).put("inclusionProof", "x"),
        "prefixPath.inclusionProof: must be a list of at most 128 hashes");
    assertMalformed(
        good,
        p -> ((ArrayNode) p.get("prefixPath").get("inclusionProof")).set(1, "AA=="),
        "prefixPath.inclusionProof[1]: a hash must be 32 bytes, got 1");
    // A path for a size that is not a power of two has no meaning.
    byte[] seven =
        forkBundle(AlertKind.INCONSISTENT_CHECKPOINT, t[0], t[1], 7, 12)
            .prefixPath(6, 12, leafHash(t[1], 6), Proofs.inclusion(6, 12, t[1]))
            .build()
            .toJson(0);
    assertMalformed(
        seven,
        p -> {},
        "prefixPath: only a fork from a power-of-two size needs one, the smaller size is 7");
  }

  private static void assertMalformed(byte[] json, Consumer<ObjectNode> change, String message)
      throws Exception {
    ObjectNode n = (ObjectNode) new ObjectMapper().readTree(json);
    change.accept(n);
    assertThatThrownBy(() -> EvidenceVerifier.verify(new ObjectMapper().writeValueAsBytes(n)))
        .isInstanceOf(EvidenceVerifier.MalformedEvidenceException.class)
        .hasMessage(message);
  }
}
