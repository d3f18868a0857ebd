package org.rcskt.verifier.vrf;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.HexFormat;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Random keys and inputs (fixed seed): prove, then verify; prove is deterministic. */
class EcVrfRoundTripTest {
  private static final HexFormat HEX = HexFormat.of();

  @Test
  void proveThenVerify() throws Exception {
    Random random = new Random(20251203);
    Set<String> outputs = new HashSet<>();
    int rounds = 150;
    for (int i = 0; i < rounds; i++) {
      byte[] sk = new byte[32];
      random.nextBytes(sk);
      byte[] alpha = new byte[random.nextInt(100)];
      random.nextBytes(alpha);
      byte[] pk = EcVrf.publicKey(sk);
      byte[] pi = EcVrf.prove(sk, alpha);
      assertThat(pi).hasSize(EcVrf.PROOF_SIZE);
      byte[] beta = EcVrf.verify(pk, alpha, pi);
      assertThat(beta).hasSize(EcVrf.OUTPUT_SIZE).isEqualTo(EcVrf.proofToHash(pi));
      assertThat(EcVrf.prove(sk, alpha)).as("prove is deterministic").isEqualTo(pi);
      outputs.add(HEX.formatHex(beta));
      // One more input under the same key gives another output.
      byte[] alpha2 = java.util.Arrays.copyOf(alpha, alpha.length + 1);
      byte[] beta2 = EcVrf.verify(pk, alpha2, EcVrf.prove(sk, alpha2));
      assertThat(beta2).isNotEqualTo(beta);
    }
    assertThat(outputs).hasSize(rounds);
  }

  @Test
  void theOutputDependsOnlyOnGamma() throws Exception {
    // beta is a function of Gamma alone (section 5.2): two proofs with the same Gamma but another c
    // and s would give the same beta, so only verify can say whether beta is right.
    byte[] sk = new byte[32];
    byte[] pi = EcVrf.prove(sk, new byte[] {1});
    byte[] changed = pi.clone();
    changed[40] ^= 1;
    assertThat(EcVrf.proofToHash(changed)).isEqualTo(EcVrf.proofToHash(pi));
  }
}
