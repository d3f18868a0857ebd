package org.rcskt.verifier.vrf;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The project's own worked vector (docs/protocol.md, appendix A.4): a fixed key and the proposed
 * domain-separated E.164 input. The expected values are constants here and in the document; both
 * are checked against the code, so neither can drift.
 */
class EcVrfWorkedVectorTest {
  private static final HexFormat HEX = HexFormat.of();

  static final String LABEL = "rcskt/v2/vrf/e164";
  static final String NUMBER = "+33612345678";

  static final String SK = "cd334c40c5710b99f35882f91702fe82648fbaca6297980a25c739cd3e24009c";
  static final String PK = "c07ffb1d1a11a8abef8309744328670976ffa63a9715342a79e1a4190eafbac2";
  static final String ALPHA = "7263736b742f76322f7672662f65313634002b3333363132333435363738";
  static final String PI =
      "92154ac580c9936e814d234ea49ed0f20df6b2ccadb9dc93c5ebe65366d610ec"
          + "fa2de18c740e395f2782862a5931ca64"
          + "58315de3c4e76aaaf33ba78f25740a49faecc4f26d0bd0d0023ab5419815230d";
  static final String BETA =
      "bc384163db6b1cb9236beb733f9c729fada4d11fdef79879e30f8850e651ff74"
          + "1d186d0531a1622b9e83a32a4ee61617a4884b234e381b4e3948d0255e8b67bb";
  static final String INDEX = "bc384163db6b1cb9236beb733f9c729fada4d11fdef79879e30f8850e651ff74";

  /** alpha = label || 0x00 || number. */
  static byte[] alpha(String number) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(LABEL.getBytes(US_ASCII));
    out.write(0);
    out.writeBytes(number.getBytes(US_ASCII));
    return out.toByteArray();
  }

  @Test
  void theConstantsAreWhatTheCodeComputes() throws Exception {
    byte[] sk = MessageDigest.getInstance("SHA-256").digest("rcskt/vrf/example".getBytes(US_ASCII));
    assertThat(HEX.formatHex(sk)).isEqualTo(SK);
    assertThat(HEX.formatHex(alpha(NUMBER))).isEqualTo(ALPHA);
    assertThat(HEX.formatHex(EcVrf.publicKey(sk))).isEqualTo(PK);
    byte[] pi = EcVrf.prove(sk, alpha(NUMBER));
    assertThat(HEX.formatHex(pi)).isEqualTo(PI);
    byte[] beta = EcVrf.verify(HEX.parseHex(PK), HEX.parseHex(ALPHA), pi);
    assertThat(HEX.formatHex(beta)).isEqualTo(BETA);
    assertThat(HEX.formatHex(Arrays.copyOf(beta, 32))).isEqualTo(INDEX);
    // Another number gives another index.
    assertThat(Arrays.copyOf(EcVrf.proofToHash(EcVrf.prove(sk, alpha("+33612345679"))), 32))
        .isNotEqualTo(HEX.parseHex(INDEX));
  }

  @Test
  void theDocumentHasTheSameValues() throws IOException {
    Path doc = Path.of("..", "docs", "protocol.md").toAbsolutePath().normalize();
    assertThat(doc).as("docs/protocol.md is part of the repository").isRegularFile();
    List<String> lines = Files.readAllLines(doc, UTF_8);
    int start = lines.indexOf("```vrf");
    assertThat(start).as("a ```vrf block in docs/protocol.md").isNotNegative();
    assertThat(lines.get(start + 1)).isEqualTo("# vector: e164-example");
    Map<String, String> values = new LinkedHashMap<>();
    for (int i = start + 2; !lines.get(i).startsWith("```"); i++) {
      String[] kv = lines.get(i).split(" = ", 2);
      values.put(kv[0].trim(), kv[1].trim());
    }
    assertThat(values)
        .containsExactly(
            Map.entry("sk", SK),
            Map.entry("pk", PK),
            Map.entry("alpha", ALPHA),
            Map.entry("pi", PI),
            Map.entry("beta", BETA),
            Map.entry("index", INDEX));
    String text = String.join("\n", lines);
    assertThat(text)
        .contains("alpha = \"" + LABEL + "\" || 0x00 || number")
        .contains("`" + HEX.formatHex((LABEL + "\0").getBytes(US_ASCII)) + "`");
  }
}
