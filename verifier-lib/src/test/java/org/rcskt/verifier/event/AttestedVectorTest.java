package org.rcskt.verifier.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.rcskt.verifier.attestation.AndroidKeyAttestation;
import org.rcskt.verifier.attestation.AttestationChallenge;
import org.rcskt.verifier.attestation.DeviceAttestationPolicy;
import org.rcskt.verifier.attestation.Platform;
import org.rcskt.verifier.attestation.SecurityLevel;
import org.rcskt.verifier.attestation.TrustAnchors;

/** The {@code register-android} vector of docs/protocol.md section 17.7, checked as printed. */
class AttestedVectorTest {
  private static final HexFormat HEX = HexFormat.of();

  private static Map<String, String> block() throws Exception {
    List<String> lines = Files.readAllLines(ProtocolVectorsTest.protocolDoc());
    int start = lines.indexOf("```attestation-vector");
    assertThat(start).as("the attestation-vector block of docs/protocol.md").isPositive();
    assertThat(lines.get(start + 1)).isEqualTo("# vector: register-android");
    Map<String, String> v = new LinkedHashMap<>();
    String last = null;
    for (int i = start + 2; !lines.get(i).equals("```"); i++) {
      String l = lines.get(i);
      if (l.startsWith("  ")) {
        v.put(last, v.get(last) + l.trim());
      } else {
        String[] kv = l.split(" = ", 2);
        last = kv[0].trim();
        v.put(last, kv[1].trim());
      }
    }
    return v;
  }

  @Test
  void theEventAndItsEvidenceVerifyToTheStatedMark() throws Exception {
    Map<String, String> v = block();
    KeyEvent e = EventCodec.decode(HEX.parseHex(v.get("encoded")));
    assertThat(e.leafHash().toHex()).isEqualTo(v.get("leafHash"));
    EventPayload.Register p = (EventPayload.Register) e.body().payload();
    byte[] challenge =
        AttestationChallenge.of(
            e.body().subject().toByteArray(),
            e.body().carrierId(),
            p.deviceId(),
            p.publicKey().keyId().toByteArray(),
            e.body().timestampMs());
    assertThat(HEX.formatHex(challenge)).isEqualTo(v.get("challenge"));

    String pem =
        "-----BEGIN CERTIFICATE-----\n"
            + Base64.getMimeEncoder().encodeToString(HEX.parseHex(v.get("androidRoot")))
            + "\n-----END CERTIFICATE-----\n";
    DeviceAttestationPolicy policy =
        new DeviceAttestationPolicy(
            TrustAnchors.fromPem(pem, "androidRoot"),
            TrustAnchors.none(),
            new DeviceAttestationPolicy.Apps(
                List.of(
                    new AndroidKeyAttestation.AllowedApp(
                        v.get("packageName"), HEX.parseHex(v.get("signingCertSha256")))),
                Set.of()),
            Map.of(),
            Map.of(),
            false,
            null);
    PublicKeyInfo carrier =
        PublicKeyInfo.ed25519(ProtocolVectorsPrinter.key("carrier").publicKey());
    VerifiedEvent ve =
        EventSignatures.verify(e, id -> id.equals(carrier.keyId()) ? carrier : null, policy);
    assertThat(ve.attestation())
        .isEqualTo(
            new AttestationMark(
                Platform.ANDROID_KEY_ATTESTATION, SecurityLevel.TRUSTED_ENVIRONMENT, true));
    assertThat(v.get("mark")).isEqualTo("ANDROID_KEY_ATTESTATION TRUSTED_ENVIRONMENT bootVerified");
    assertThat(ve.attestation().hardwareBacked()).isTrue();

    // The same bytes without the policy: structure only, not checked.
    assertThat(
            EventSignatures.verify(e, id -> id.equals(carrier.keyId()) ? carrier : null)
                .attestation()
                .verified())
        .isFalse();
  }
}
