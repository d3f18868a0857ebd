package org.rcskt.verifier.note;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.crypto.Ed25519;

class CosignatureV1Test {
  static final String BODY =
      "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";
  private final Random rnd = new Random(404);
  private final Ed25519.KeyPair kp = Ed25519.KeyPair.generate(rnd);
  private final CosignatureV1Signer witness =
      CosignatureV1Signer.of(
          "witness.example.com/w1",
          kp,
          Clock.fixed(Instant.ofEpochSecond(1679315147), ZoneOffset.UTC));

  @Test
  void signedMessageIsTheSpecExample() {
    // C2SP tlog-cosignature, "Ed25519 signed message".
    assertThat(
            new String(
                CosignatureV1Verifier.signedMessage(1679315147, BODY.getBytes(UTF_8)), UTF_8))
        .isEqualTo("cosignature/v1\ntime 1679315147\n" + BODY);
    assertThat(new String(CosignatureV1Verifier.signedMessage(0, BODY.getBytes(UTF_8)), UTF_8))
        .startsWith("cosignature/v1\ntime 0\n");
  }

  @Test
  void keyIdUsesType4() {
    byte[] pub = kp.publicKey().encoded();
    byte[] d =
        Hash.sha256("witness.example.com/w1".getBytes(UTF_8), new byte[] {'\n', 0x04}, pub)
            .toByteArray();
    int expected = (d[0] & 0xff) << 24 | (d[1] & 0xff) << 16 | (d[2] & 0xff) << 8 | d[3] & 0xff;
    assertThat(witness.keyId()).isEqualTo(expected);
    assertThat(witness.keyId())
        .isNotEqualTo(Ed25519NoteSigner.of("witness.example.com/w1", kp).keyId());
    assertThat(witness.verifierKey()).matches("witness\\.example\\.com/w1\\+[0-9a-f]{8}\\+B.{43}");
  }

  @Test
  void keyStringsRoundTrip() throws Exception {
    CosignatureV1Signer back =
        CosignatureV1Signer.fromSignerKey(witness.signerKey(), Clock.systemUTC());
    assertThat(back.keyId()).isEqualTo(witness.keyId());
    assertThat(back.signerKey()).isEqualTo(witness.signerKey());
    CosignatureV1Verifier v = CosignatureV1Verifier.fromVerifierKey(witness.verifierKey());
    assertThat(v).isEqualTo(witness.verifier());
    assertThat(NoteVerifiers.parse(witness.verifierKey())).isEqualTo(v);
    assertThat(v.verifierKey()).isEqualTo(witness.verifierKey());
    // A type-0x01 key for the same material is a different key, refused here.
    String plain = Ed25519NoteSigner.of("witness.example.com/w1", kp).verifierKey();
    assertThatThrownBy(() -> CosignatureV1Verifier.fromVerifierKey(plain))
        .isInstanceOf(KeyFormatException.class)
        .hasMessageEndingWith(
            "has signature type 0x01 (Ed25519), expected 0x04 (cosignature/v1 Ed25519)");
  }

  @Test
  void signsAndVerifiesWithTheTimestamp() throws Exception {
    byte[] signed = Notes.sign(BODY, witness);
    VerifiedNote v = Notes.open(signed, NoteVerifiers.of(witness.verifier()));
    NoteSignature s = v.signatureFrom(witness.verifier());
    assertThat(s.signature()).hasSize(72);
    assertThat(CosignatureV1Verifier.timestamp(s)).isEqualTo(1679315147L);
    // The line is base64 of keyID(4) || timestamp(8) || signature(64).
    assertThat(java.util.Base64.getDecoder().decode(s.encodedSignature())).hasSize(76);
  }

  @Test
  void rejectsTamperedTimestampsBodiesAndSizes() {
    byte[] body = BODY.getBytes(UTF_8);
    CosignatureV1Verifier v = witness.verifier();
    byte[] sig = witness.sign(body, 1_700_000_000L);
    assertThat(v.verify(body, sig)).isTrue();
    byte[] later = sig.clone();
    later[7]++;
    assertThat(v.verify(body, later)).isFalse();
    byte[] otherBody = body.clone();
    otherBody[otherBody.length - 3] ^= 1;
    assertThat(v.verify(otherBody, sig)).isFalse();
    assertThat(v.verify(body, java.util.Arrays.copyOf(sig, 71))).isFalse();
    assertThat(v.verify(body, java.util.Arrays.copyOf(sig, 73))).isFalse();
    byte[] huge = sig.clone();
    huge[0] = (byte) 0x80;
    assertThat(v.verify(body, huge)).isFalse();
    assertThatThrownBy(() -> CosignatureV1Verifier.timestamp(NoteSignature.of("w", 1, huge)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("cosignature from w+00000001 has a timestamp above 2^63 - 1");
    assertThatThrownBy(
            () -> CosignatureV1Verifier.timestamp(NoteSignature.of("w", 1, new byte[64])))
        .hasMessage("cosignature from w+00000001 is 64 bytes, expected 72");
    // A plain Ed25519 signature over the body is not a cosignature (domain separation).
    byte[] plain = kp.sign(body);
    byte[] padded = new byte[72];
    System.arraycopy(plain, 0, padded, 8, 64);
    assertThat(v.verify(body, padded)).isFalse();
  }

  @Test
  void signerRefusesWhatIsNotACheckpoint() {
    assertThatThrownBy(() -> witness.sign("just one line\n".getBytes(UTF_8)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "cosigned text must be a checkpoint body of at least 3 newline-terminated lines");
    assertThatThrownBy(() -> witness.sign(BODY.getBytes(UTF_8), -1))
        .hasMessage("cosignature timestamp -1 is negative");
  }
}
