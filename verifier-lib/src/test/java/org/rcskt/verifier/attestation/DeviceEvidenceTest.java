package org.rcskt.verifier.attestation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The evidence framing of docs/protocol.md section 17.1. */
class DeviceEvidenceTest {
  @Test
  void androidAndAppleRoundTrip() throws Exception {
    DeviceEvidence a = DeviceEvidence.android(List.of(new byte[] {1, 2, 3}, new byte[300]));
    byte[] enc = a.encode();
    assertThat(enc).startsWith(1, 2, 0, 3, 1, 2, 3, 1, 44);
    DeviceEvidence back = DeviceEvidence.decode(enc);
    assertThat(back.platform()).isEqualTo(Platform.ANDROID_KEY_ATTESTATION);
    assertThat(back.certificates()).hasSize(2);
    assertThat(back.certificates().get(0)).containsExactly(1, 2, 3);
    assertThat(back.encode()).isEqualTo(enc);

    DeviceEvidence b = DeviceEvidence.apple(new byte[] {(byte) 0xa3, 9});
    assertThat(b.encode()).containsExactly(2, 0, 2, 0xa3, 9);
    assertThat(DeviceEvidence.decode(b.encode()).attestationObject()).containsExactly(0xa3, 9);
  }

  @Test
  void malformedFramingIsRefusedByName() {
    assertMalformed(new byte[0], "evidence is 0 bytes");
    assertMalformed(new byte[8193], "evidence is 8193 bytes");
    assertMalformed(new byte[] {3, 0, 1, 0}, "unknown evidence format 3");
    assertMalformed(new byte[] {1}, "certificate count: truncated");
    assertMalformed(new byte[] {1, 0}, "certificate count 0 is not in 1..8");
    assertMalformed(new byte[] {1, 9}, "certificate count 9 is not in 1..8");
    assertMalformed(new byte[] {1, 1, 0, 0}, "certificate 0: length 0 is not in 1..4096");
    assertMalformed(new byte[] {1, 1, 0, 5, 1}, "certificate 0: truncated: need 5 bytes");
    assertMalformed(new byte[] {1, 1, 0x10, 1}, "certificate 0: length 4097");
    assertMalformed(new byte[] {2, 0, 1, 7, 7}, "1 trailing bytes after the evidence");
    assertMalformed(new byte[] {2, 0}, "attestation object: truncated length");
  }

  @Test
  void randomBytesNeverThrowAnythingElse() {
    long seed = 0x5eed_0013L;
    Random rnd = new Random(seed);
    for (int i = 0; i < 20_000; i++) {
      byte[] b = new byte[rnd.nextInt(40)];
      rnd.nextBytes(b);
      if (b.length > 0 && rnd.nextBoolean()) {
        b[0] = (byte) (1 + rnd.nextInt(2));
      }
      try {
        DeviceEvidence d = DeviceEvidence.decode(b);
        assertThat(d.encode()).as("seed %d, case %d", seed, i).isEqualTo(b);
      } catch (AttestationException e) {
        assertThat(e.check()).isEqualTo(AttestationCheck.MALFORMED);
      }
    }
  }

  private static void assertMalformed(byte[] in, String message) {
    assertThatThrownBy(() -> DeviceEvidence.decode(in))
        .isInstanceOf(AttestationException.class)
        .hasMessageContaining(message)
        .extracting(e -> ((AttestationException) e).check())
        .isEqualTo(AttestationCheck.MALFORMED);
  }
}
