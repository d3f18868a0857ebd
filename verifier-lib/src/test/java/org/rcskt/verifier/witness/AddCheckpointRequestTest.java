package org.rcskt.verifier.witness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.rcskt.verifier.Hash;

class AddCheckpointRequestTest {
  // The example request of C2SP tlog-witness, "add-checkpoint".
  private static final String SPEC_EXAMPLE =
      "old 20852014\n"
          + "PlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkaw=\n"
          + "jrJZDmY8Y7SyJE0MWLpLozkIVMSMZcD5kvuKxPC3swk=\n"
          + "5+pKlUdi2LeF/BcMHBn+Ku6yhPGNCswZZD1X/6QgPd8=\n"
          + "/6WVhPs2CwSsb5rYBH5cjHV/wSmA79abXAwhXw3Kj/0=\n"
          + "\n"
          + "example.com/behind-the-sofa\n"
          + "20852163\n"
          + "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
          + "\n"
          + "\u2014 example.com/behind-the-sofa"
          + " Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n";

  @Test
  void parsesTheSpecExample() throws Exception {
    AddCheckpointRequest r = AddCheckpointRequest.parse(bytes(SPEC_EXAMPLE));
    assertThat(r.oldSize()).isEqualTo(20852014L);
    assertThat(r.proof())
        .containsExactly(
            Hash.fromBase64("PlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkaw="),
            Hash.fromBase64("jrJZDmY8Y7SyJE0MWLpLozkIVMSMZcD5kvuKxPC3swk="),
            Hash.fromBase64("5+pKlUdi2LeF/BcMHBn+Ku6yhPGNCswZZD1X/6QgPd8="),
            Hash.fromBase64("/6WVhPs2CwSsb5rYBH5cjHV/wSmA79abXAwhXw3Kj/0="));
    assertThat(new String(r.checkpoint(), StandardCharsets.UTF_8))
        .startsWith("example.com/behind-the-sofa\n20852163\n");
    assertThat(r.encode()).isEqualTo(bytes(SPEC_EXAMPLE));
  }

  @Test
  void roundTripsSeededRequests() throws Exception {
    SplittableRandom rnd = new SplittableRandom(11);
    for (int i = 0; i < 200; i++) {
      List<Hash> proof = new ArrayList<>();
      int n = rnd.nextInt(AddCheckpointRequest.MAX_PROOF_LINES + 1);
      for (int j = 0; j < n; j++) {
        byte[] h = new byte[32];
        rnd.nextBytes(h);
        proof.add(Hash.of(h));
      }
      long old = rnd.nextBoolean() ? rnd.nextLong(1000) : rnd.nextLong(Long.MAX_VALUE);
      byte[] cp = bytes("o\n" + rnd.nextInt() + "\nx\n\n\u2014 o AAAA\n");
      AddCheckpointRequest r = new AddCheckpointRequest(old, proof, cp);
      assertThat(AddCheckpointRequest.parse(r.encode())).isEqualTo(r);
    }
  }

  @Test
  void oldZeroWithNoProofParses() throws Exception {
    AddCheckpointRequest r = AddCheckpointRequest.parse(bytes("old 0\n\ncp\n"));
    assertThat(r.oldSize()).isZero();
    assertThat(r.proof()).isEmpty();
    assertThat(r.checkpoint()).isEqualTo(bytes("cp\n"));
  }

  @Test
  void refusesEachMalformedShapeNamingTheRule() {
    String h = Base64.getEncoder().encodeToString(new byte[32]);
    refuses("", "the body does not start with an old size line");
    refuses("old 5", "the body does not start with an old size line");
    refuses("new 5\n\ncp\n", "the first line is not \"old <size>\"");
    refuses("old\n\ncp\n", "the first line is not \"old <size>\"");
    refuses("old \n\ncp\n", "the first line is not \"old <size>\"");
    refuses(
        "old 05\n\ncp\n",
        "the old size is not a decimal number without leading zeroes of at most 19 digits");
    refuses("old -1\n\ncp\n", "the old size is not a decimal number");
    refuses("old 1x\n\ncp\n", "the old size is not a decimal number");
    refuses("old  1\n\ncp\n", "the old size is not a decimal number");
    refuses("old 9999999999999999999\n\ncp\n", "the old size does not fit in 63 bits");
    refuses(
        "old 1\n" + h.substring(1) + "\n\ncp\n",
        "proof line 1 is not the canonical base64 of a 32-byte hash");
    refuses(
        "old 1\n" + Base64.getEncoder().encodeToString(new byte[33]) + "\n\ncp\n",
        "proof line 1 is not the canonical base64 of a 32-byte hash");
    // A non-canonical final character (unused bits set).
    refuses(
        "old 1\n" + h.substring(0, 42) + "B=\n\ncp\n",
        "proof line 1 is not the canonical base64 of a 32-byte hash");
    refuses("old 1\n" + h + "\n", "proof line 2 has no newline and no empty line follows it");
    refuses("old 1\n" + h + "\n\n", "no checkpoint follows the empty line");
    refuses("old 1\n" + (h + "\n").repeat(64) + "\ncp\n", "more than 63 consistency proof lines");
    byte[] big = new byte[AddCheckpointRequest.MAX_BODY + 1];
    assertThatThrownBy(() -> AddCheckpointRequest.parse(big))
        .isInstanceOf(WitnessRequestException.class)
        .hasMessage("the body has 20481 bytes; at most 20480 are accepted");
  }

  @Test
  void sixtyThreeProofLinesAreAccepted() throws Exception {
    String h = Base64.getEncoder().encodeToString(new byte[32]);
    AddCheckpointRequest r =
        AddCheckpointRequest.parse(bytes("old 1\n" + (h + "\n").repeat(63) + "\ncp\n"));
    assertThat(r.proof()).hasSize(63);
  }

  @Test
  void seededGarbageNeverEscapesAsAnythingButTheTypedError() {
    SplittableRandom rnd = new SplittableRandom(5);
    byte[] valid = bytes(SPEC_EXAMPLE);
    for (int i = 0; i < 5000; i++) {
      byte[] b = valid.clone();
      int flips = 1 + rnd.nextInt(4);
      for (int f = 0; f < flips; f++) {
        b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
      }
      if (rnd.nextInt(4) == 0) {
        b = java.util.Arrays.copyOf(b, rnd.nextInt(b.length + 1));
      }
      try {
        AddCheckpointRequest.parse(b);
      } catch (WitnessRequestException e) {
        assertThat(e.getMessage()).doesNotContain("\n").isNotBlank();
      }
    }
  }

  private static void refuses(String body, String message) {
    assertThatThrownBy(() -> AddCheckpointRequest.parse(bytes(body)))
        .as(body)
        .isInstanceOf(WitnessRequestException.class)
        .hasMessage(message);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
