package org.rcskt.verifier.vrf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class VrfKeysTest {
  private static final byte[] SK =
      HexFormat.of().parseHex("cd334c40c5710b99f35882f91702fe82648fbaca6297980a25c739cd3e24009c");

  @Test
  void secretAndPublicStringsRoundTrip() throws Exception {
    String secret = VrfKeys.formatSecret("kt.example.net/log", SK);
    assertThat(secret)
        .isEqualTo(
            "PRIVATE+VRF+kt.example.net/log+ECVRF-EDWARDS25519-SHA512-TAI+"
                + Base64.getEncoder().encodeToString(SK));
    assertThat(VrfKeys.parseSecret(secret)).isEqualTo(SK);
    assertThat(VrfKeys.secretName(secret)).isEqualTo("kt.example.net/log");
    VrfKeys.PublicKey pk = new VrfKeys.PublicKey("kt.example.net/log", EcVrf.publicKey(SK));
    VrfKeys.PublicKey back = VrfKeys.parsePublic(pk.format());
    assertThat(back.name()).isEqualTo("kt.example.net/log");
    assertThat(back.key()).isEqualTo(EcVrf.publicKey(SK));
    // The parsed key verifies the proofs of its secret key.
    byte[] alpha = "x".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    assertThat(EcVrf.verify(back.key(), alpha, EcVrf.prove(SK, alpha)))
        .isEqualTo(EcVrf.proofToHash(EcVrf.prove(SK, alpha)));
  }

  @Test
  void theDocumentedKeyStringOfTheWorkedVector() throws Exception {
    String text = new VrfKeys.PublicKey("kt.example.net/log", EcVrf.publicKey(SK)).format();
    assertThat(text)
        .isEqualTo(
            "kt.example.net/log+ECVRF-EDWARDS25519-SHA512-TAI+"
                + "wH/7HRoRqKvvgwl0QyhnCXb/pjqXFTQqeeGkGQ6vusI=");
    java.nio.file.Path doc =
        java.nio.file.Path.of("..", "docs", "protocol.md").toAbsolutePath().normalize();
    assertThat(java.nio.file.Files.readString(doc)).contains("`" + text + "`");
  }

  @Test
  void malformedStringsAreRefused() {
    String b64 = Base64.getEncoder().encodeToString(EcVrf.publicKey(SK));
    assertThatThrownBy(() -> VrfKeys.parsePublic("n+ECVRF-P256-SHA256-TAI+" + b64))
        .hasMessage(
            "a VRF public key is <name>+ECVRF-EDWARDS25519-SHA512-TAI+<base64>; got another form");
    assertThatThrownBy(() -> VrfKeys.parsePublic("n+ECVRF-EDWARDS25519-SHA512-TAI+!!"))
        .hasMessage("a VRF public key's data is not base64");
    assertThatThrownBy(() -> VrfKeys.parsePublic("a b+ECVRF-EDWARDS25519-SHA512-TAI+" + b64))
        .hasMessageStartingWith("a VRF key name must be");
    // A small-order point is no VRF key.
    byte[] identity = new byte[32];
    identity[0] = 1;
    assertThatThrownBy(
            () ->
                VrfKeys.parsePublic(
                    "n+ECVRF-EDWARDS25519-SHA512-TAI+"
                        + Base64.getEncoder().encodeToString(identity)))
        .isInstanceOf(VrfVerificationException.class)
        .extracting(t -> ((VrfVerificationException) t).reason())
        .isEqualTo(VrfVerificationException.Reason.PUBLIC_KEY_SMALL_ORDER);
    // A signed-note signer key is not a VRF key, and the reverse.
    assertThatThrownBy(() -> VrfKeys.parseSecret("PRIVATE+KEY+n+1234+abc"))
        .hasMessage("a VRF secret key starts with PRIVATE+VRF+");
    assertThatThrownBy(() -> VrfKeys.parseSecret("PRIVATE+VRF+n+ECVRF-P256-SHA256-TAI+abc"))
        .hasMessage(
            "a VRF secret key is <name>+ECVRF-EDWARDS25519-SHA512-TAI+<base64>; got another form");
    assertThatThrownBy(
            () ->
                VrfKeys.parseSecret(
                    "PRIVATE+VRF+n+ECVRF-EDWARDS25519-SHA512-TAI+"
                        + Base64.getEncoder().encodeToString(Arrays.copyOf(SK, 31))))
        .hasMessage("a VRF secret key holds 32 bytes, got 31");
    assertThatThrownBy(() -> VrfKeys.formatSecret("n", new byte[31]))
        .hasMessage("ECVRF secret key must be 32 bytes, got 31");
  }
}
