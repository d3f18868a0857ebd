package org.rcskt.server.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.crypto.Ed25519;
import org.rcskt.verifier.event.AnchorRegistry;
import org.rcskt.verifier.event.EventBuilder;
import org.rcskt.verifier.event.EventRules;
import org.rcskt.verifier.event.KeyEvent;
import org.rcskt.verifier.event.PublicKeyInfo;
import org.rcskt.verifier.event.RulesContext;
import org.rcskt.verifier.event.SubjectState;

/** The integrator's state cache is bounded in entries and in estimated bytes, LRU first out. */
class StateCacheTest {
  private final Random random = new Random(24);

  private SubjectState withDevices(int n) throws Exception {
    Hash subject =
        Hash.sha256(
            new byte[] {(byte) random.nextInt()}, Long.toString(random.nextLong()).getBytes());
    SubjectState s = SubjectState.EMPTY;
    KeyEvent last = null;
    RulesContext rules =
        RulesContext.replay(PublicKeyInfo.ed25519(Ed25519.KeyPair.generate(random).publicKey()))
            .withAllowUnattestedRegistration(true);
    for (int i = 0; i < n; i++) {
      Ed25519.KeyPair k = Ed25519.KeyPair.generate(random);
      EventBuilder b = EventBuilder.forSubject(subject, "c").timestampMs(1_000 + i);
      if (last != null) {
        b.after(last);
      }
      last = b.register("d" + i, PublicKeyInfo.ed25519(k.publicKey())).sign(k);
      s = EventRules.verifyAndApply(s, last, AnchorRegistry.EMPTY, rules).state();
    }
    return s;
  }

  @Test
  void aStateWeighsItsKeysAndTheirTables() throws Exception {
    long one = StateCache.weight(withDevices(1));
    long four = StateCache.weight(withDevices(4));
    assertThat(one).isGreaterThan(StateCache.ED25519_TABLES_BYTES);
    assertThat(four - one).isGreaterThanOrEqualTo(3 * StateCache.ED25519_TABLES_BYTES);
  }

  @Test
  void theByteBoundEvictsTheLeastRecentlyUsedFirst() throws Exception {
    SubjectState s = withDevices(2);
    long w = StateCache.weight(s);
    StateCache c = new StateCache(1000, 3 * w);
    Hash a = Hash.sha256(new byte[] {1});
    Hash b = Hash.sha256(new byte[] {2});
    Hash d = Hash.sha256(new byte[] {3});
    Hash e = Hash.sha256(new byte[] {4});
    c.put(a, s);
    c.put(b, s);
    c.put(d, s);
    assertThat(c.get(a)).isSameAs(s); // a is now the most recently used
    c.put(e, s);
    assertThat(c.size()).isEqualTo(3);
    assertThat(c.bytes()).isEqualTo(3 * w);
    assertThat(c.get(b)).isNull();
    assertThat(c.get(a)).isSameAs(s);
    c.put(a, s); // replacing is not growing
    assertThat(c.bytes()).isEqualTo(3 * w);
    c.clear();
    assertThat(c.size()).isZero();
    assertThat(c.bytes()).isZero();
  }

  @Test
  void theEntryBoundHoldsToo() throws Exception {
    StateCache c = new StateCache(2, Long.MAX_VALUE);
    SubjectState s = withDevices(1);
    for (int i = 0; i < 5; i++) {
      c.put(Hash.sha256(new byte[] {(byte) i}), s);
    }
    assertThat(c.size()).isEqualTo(2);
  }

  @Test
  void theDefaultBudgetIsAnEighthOfTheHeap() throws Exception {
    StateCache c = StateCache.forHeap(100_000);
    SubjectState s = withDevices(1);
    long w = StateCache.weight(s);
    long fits = Runtime.getRuntime().maxMemory() / 8 / w;
    for (int i = 0; i < Math.min(fits + 10, 100_010); i++) {
      c.put(Hash.sha256(Long.toString(i).getBytes()), s);
    }
    assertThat((long) c.size()).isLessThanOrEqualTo(Math.min(fits, 100_000));
  }
}
