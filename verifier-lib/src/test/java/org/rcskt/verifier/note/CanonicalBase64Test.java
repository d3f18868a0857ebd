package org.rcskt.verifier.note;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CanonicalBase64Test {
  @Test
  void agreesWithTheJdkOnCanonicalInputAndEncodesTheSame() {
    Random rnd = new Random(7);
    for (int n = 1; n < 100; n++) {
      byte[] data = new byte[n];
      rnd.nextBytes(data);
      String s = Base64.getEncoder().encodeToString(data);
      assertThat(CanonicalBase64.decode(s)).isEqualTo(data);
      byte[] ascii = s.getBytes(US_ASCII);
      assertThat(CanonicalBase64.decode(ascii, 0, ascii.length)).isEqualTo(data);
      byte[] out = new byte[CanonicalBase64.encodedLength(n) + 3];
      int written = CanonicalBase64.encode(data, 0, n, out, 3);
      assertThat(written).isEqualTo(s.length());
      assertThat(new String(out, 3, written, US_ASCII)).isEqualTo(s);
    }
  }

  @Test
  void rejectsEverythingButTheCanonicalForm() {
    for (String bad :
        new String[] {
          "",
          "A",
          "AA",
          "AAA",
          "AAA=A",
          "AA=",
          "AB==",
          "AAB=",
          "A===",
          "====",
          "A=AA",
          "AA==AA==",
          "AAAA\n",
          " AAA",
          "AA-_",
          "AA\u00e9A",
          "AAAAAA"
        }) {
      assertThat(CanonicalBase64.decode(bad)).as(bad).isNull();
    }
    assertThat(CanonicalBase64.decode("AA==")).containsExactly(0);
    assertThat(CanonicalBase64.decode("AAE=")).containsExactly(0, 1);
  }
}
