package org.rcskt.verifier.attestation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rcskt.verifier.event.ProtocolVectorsTestAccess;

/** The challenge of docs/protocol.md section 17.2, against the vector of section 17.7. */
class AttestationChallengeTest {
  private static final HexFormat HEX = HexFormat.of();

  @Test
  void theDocumentsVectorMatches() throws Exception {
    List<String> lines = Files.readAllLines(ProtocolVectorsTestAccess.protocolDoc());
    int start = lines.indexOf("```attestation-challenge");
    assertThat(start).as("the attestation-challenge block of docs/protocol.md").isPositive();
    Map<String, String> v = new LinkedHashMap<>();
    for (int i = start + 1; !lines.get(i).equals("```"); i++) {
      String[] kv = lines.get(i).split("=", 2);
      v.put(kv[0].trim(), kv[1].trim());
    }
    byte[] challenge =
        AttestationChallenge.of(
            HEX.parseHex(v.get("subject")),
            v.get("carrierId"),
            v.get("deviceId"),
            HEX.parseHex(v.get("keyId")),
            Long.parseLong(v.get("timestampMs")));
    assertThat(HEX.formatHex(challenge)).isEqualTo(v.get("challenge"));
  }

  @Test
  void everyFieldChangesIt() {
    byte[] s = new byte[32];
    byte[] k = new byte[32];
    byte[] base = AttestationChallenge.of(s, "carrier.example", "phone-1", k, 5);
    byte[] s2 = s.clone();
    s2[31] = 1;
    byte[] k2 = k.clone();
    k2[0] = 1;
    assertThat(AttestationChallenge.of(s2, "carrier.example", "phone-1", k, 5)).isNotEqualTo(base);
    assertThat(AttestationChallenge.of(s, "carrier.exampl", "phone-1", k, 5)).isNotEqualTo(base);
    assertThat(AttestationChallenge.of(s, "carrier.example", "phone-2", k, 5)).isNotEqualTo(base);
    assertThat(AttestationChallenge.of(s, "carrier.example", "phone-1", k2, 5)).isNotEqualTo(base);
    assertThat(AttestationChallenge.of(s, "carrier.example", "phone-1", k, 6)).isNotEqualTo(base);
    // Length prefixes keep the identifiers apart: moving a character across the boundary changes
    // it.
    assertThat(AttestationChallenge.of(s, "ab", "c", k, 5))
        .isNotEqualTo(AttestationChallenge.of(s, "a", "bc", k, 5));
    assertThatThrownBy(() -> AttestationChallenge.of(new byte[31], "c", "d", k, 5))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
