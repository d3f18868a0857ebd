package org.rcskt.monitor.follow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.crypto.Ed25519;
import org.rcskt.verifier.event.AnchorRegistry;
import org.rcskt.verifier.event.EventBuilder;
import org.rcskt.verifier.event.EventRules;
import org.rcskt.verifier.event.PublicKeyInfo;
import org.rcskt.verifier.event.RulesContext;
import org.rcskt.verifier.event.SubjectState;
import org.rcskt.verifier.merkle.CompactRange;
import org.rcskt.verifier.merkle.Merkle;

/** The stored progress and subject records survive encoding exactly, and reject damage. */
class RecordsTest {
  @Test
  void progressRoundTripsForManySizes() {
    Random r = new Random(11);
    for (int trial = 0; trial < 30; trial++) {
      int n = r.nextInt(2000);
      CompactRange range = CompactRange.empty();
      List<Hash> edge = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        Hash leaf = Merkle.leafHash(new byte[] {(byte) i, (byte) trial});
        range.append(leaf);
        edge.add(leaf);
        if (edge.size() == 256) {
          edge.clear();
        }
      }
      FollowProgress p = new FollowProgress(range, edge);
      FollowProgress back = FollowProgress.decode(p.encode());
      assertThat(back.treeSize()).isEqualTo(n);
      assertThat(back.range().rootHash()).isEqualTo(range.rootHash());
      assertThat(back.edge()).isEqualTo(edge);
    }
  }

  @Test
  void progressRejectsAWrongEdgeAndDamagedBytes() {
    CompactRange range = CompactRange.empty();
    range.append(Merkle.leafHash(new byte[0]));
    assertThatThrownBy(() -> new FollowProgress(range, List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("edge must hold 1 leaf hashes for tree size 1, got 0");
    byte[] ok = new FollowProgress(range, List.of(Merkle.leafHash(new byte[0]))).encode();
    byte[] longer = java.util.Arrays.copyOf(ok, ok.length + 1);
    assertThatThrownBy(() -> FollowProgress.decode(longer))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("follow progress record has trailing bytes");
    ok[0] = 9;
    assertThatThrownBy(() -> FollowProgress.decode(ok))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("follow progress record has an unknown version");
  }

  @Test
  void subjectRecordRoundTripsAndCapsItsHistory() throws Exception {
    Ed25519.KeyPair k = Ed25519.KeyPair.generate(new Random(12));
    Ed25519.KeyPair policy = Ed25519.KeyPair.generate(new Random(13));
    SubjectState s =
        EventRules.verifyAndApply(
                SubjectState.EMPTY,
                EventBuilder.forSubject(Hash.sha256(new byte[] {1}), "carrier")
                    .timestampMs(1_000)
                    .register("phone", PublicKeyInfo.ed25519(k.publicKey(), 5_000))
                    .sign(k),
                AnchorRegistry.EMPTY,
                RulesContext.replay(PublicKeyInfo.ed25519(policy.publicKey()))
                    .withAllowUnattestedRegistration(true))
            .state();
    assertThat(s.devices()).hasSize(1);
    SubjectRecord rec = SubjectRecord.empty().plus(s, 7).plus(s, 19);
    SubjectRecord back = SubjectRecord.decode(rec.encode());
    assertThat(back).isEqualTo(rec);
    assertThat(back.leafIndexes()).containsExactly(7, 19);
    assertThat(back.truncated()).isFalse();
    long[] many = new long[SubjectRecord.MAX_LEAF_INDEXES - 1];
    for (int i = 0; i < many.length; i++) {
      many[i] = i;
    }
    SubjectRecord full = new SubjectRecord(s, many, false).plus(s, many.length).plus(s, 1L << 40);
    assertThat(full.leafIndexes()).hasSize(SubjectRecord.MAX_LEAF_INDEXES);
    assertThat(SubjectRecord.decode(full.encode()).truncated()).isTrue();
    assertThatThrownBy(() -> SubjectRecord.decode(new byte[] {1, 0, 0, 0, 9}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("subject record is malformed: ");
  }
}
