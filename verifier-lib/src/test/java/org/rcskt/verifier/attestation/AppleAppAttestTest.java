package org.rcskt.verifier.attestation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.fasterxml.jackson.dataformat.cbor.CBORGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.rcskt.verifier.attestation.testing.AppleTestAttestations;

/** {@link AppleAppAttest} and {@link AppleAttestationObject} on objects made under a test root. */
class AppleAppAttestTest {
  private static final Instant AT = Instant.parse("2025-06-01T12:00:00Z");

  private final AppleTestAttestations t = new AppleTestAttestations(AT);

  private AttestationResult verify(byte[] obj) throws AttestationException {
    return AppleAppAttest.verify(obj, t.clientDataHash(), t.validAtMs(), t.policy(false));
  }

  private void assertFails(byte[] obj, AttestationCheck check, String messagePart) {
    assertThatThrownBy(() -> verify(obj))
        .isInstanceOfSatisfying(
            AttestationException.class, e -> assertThat(e.check()).isEqualTo(check))
        .hasMessageContaining(messagePart);
  }

  @Test
  void goodObjectVerifies() throws Exception {
    AttestationResult r =
        AppleAppAttest.verify(
            t.attestationObject(), t.clientDataHash(), t.keyId(), t.validAtMs(), t.policy(false));
    assertThat(r.platform()).isEqualTo(Platform.APPLE_APP_ATTEST);
    assertThat(r.securityLevel()).isEqualTo(SecurityLevel.SECURE_ENCLAVE);
    assertThat(r.appId()).isEqualTo(AppleTestAttestations.DEFAULT_APP_ID);
    assertThat(r.attestedKey()).isEqualTo(t.credentialKeyInfo());
    assertThat(r.rootFingerprint()).isEqualTo(t.roots().anchors().get(0).fingerprint());
    assertThat(r.bootState()).isNull();
    assertThat(r.deviceLocked()).isTrue();
    assertThat(r.environment()).isEqualTo("production");
  }

  @Test
  void theReceiptMayBeLeftOut() throws Exception {
    AppleAttestationObject good = AppleAttestationObject.parse(t.attestationObject());
    byte[] slim =
        cbor(
            g -> {
              g.writeStartObject();
              g.writeStringField("fmt", "apple-appattest");
              g.writeFieldName("attStmt");
              g.writeStartObject();
              g.writeFieldName("x5c");
              g.writeStartArray();
              for (byte[] c : good.x5c()) {
                g.writeBinary(c);
              }
              g.writeEndArray();
              g.writeEndObject();
              g.writeFieldName("authData");
              g.writeBinary(good.authDataBytes());
              g.writeEndObject();
            });
    assertThat(AppleAttestationObject.parse(slim).receipt()).isEmpty();
    AttestationResult r =
        AppleAppAttest.verify(slim, t.clientDataHash(), t.validAtMs(), t.policy(false));
    assertThat(r.appId()).isEqualTo(AppleTestAttestations.DEFAULT_APP_ID);
  }

  @Test
  void parsesWhatWasBuilt() throws Exception {
    AppleAttestationObject obj = AppleAttestationObject.parse(t.attestationObject());
    assertThat(obj.fmt()).isEqualTo("apple-appattest");
    assertThat(obj.x5c()).hasSize(2);
    assertThat(obj.receipt()).isEqualTo("not a real receipt".getBytes(StandardCharsets.US_ASCII));
    assertThat(obj.authData().credentialId()).isEqualTo(t.keyId());
    assertThat(obj.authData().flags()).isEqualTo(0x40);
    assertThat(obj.authData().aaguid())
        .isEqualTo(Arrays.copyOf("appattest".getBytes(StandardCharsets.US_ASCII), 16));
    assertThat(obj.authData().credentialPublicKey()).isNotNull();
    assertThat(obj.authDataBytes())
        .hasSize(37 + 16 + 2 + 32 + obj.authData().credentialPublicKey().length);
  }

  @Test
  void developmentVerifiesWhenAllowed() throws Exception {
    byte[] obj = t.development(true).attestationObject();
    AttestationResult r =
        AppleAppAttest.verify(obj, t.clientDataHash(), t.validAtMs(), t.policy(true));
    assertThat(r.environment()).isEqualTo("development");
    assertFails(obj, AttestationCheck.ENVIRONMENT, "development");
  }

  @Test
  void wrongClientDataHash() {
    byte[] obj = t.attestationObject();
    assertThatThrownBy(
            () -> AppleAppAttest.verify(obj, new byte[32], t.validAtMs(), t.policy(false)))
        .isInstanceOfSatisfying(
            AttestationException.class,
            e -> assertThat(e.check()).isEqualTo(AttestationCheck.CHALLENGE));
  }

  @Test
  void wrongNonce() {
    assertFails(t.wrongNonce(true).attestationObject(), AttestationCheck.CHALLENGE, "nonce");
  }

  @Test
  void tamperedAuthData() {
    byte[] obj =
        t.tamperAuthData(
                a -> {
                  byte[] c = a.clone();
                  c[c.length - 1] ^= 1;
                  return c;
                })
            .attestationObject();
    assertFails(obj, AttestationCheck.CHALLENGE, "SHA-256(authData || clientDataHash)");
  }

  @Test
  void missingNonceExtension() {
    assertFails(t.withoutNonce(true).attestationObject(), AttestationCheck.EXTENSION, "nonce");
  }

  @Test
  void misshapenNonceExtension() {
    assertFails(
        t.untaggedNonce(true).attestationObject(),
        AttestationCheck.EXTENSION,
        "not SEQUENCE { [1] EXPLICIT OCTET STRING }");
  }

  @Test
  void wrongAppId() {
    byte[] obj = t.appId("ABCDE12345.org.rcskt.other").attestationObject();
    String hash =
        HexFormat.of()
            .formatHex(
                TrustAnchors.sha256("ABCDE12345.org.rcskt.other".getBytes(StandardCharsets.UTF_8)));
    assertFails(obj, AttestationCheck.APP_ID, "no allowed App ID hashes to " + hash);
  }

  @Test
  void appIdNotAllowed() throws Exception {
    byte[] obj = t.attestationObject();
    AppleAppAttest.Policy none = new AppleAppAttest.Policy(t.roots(), Set.of(), false);
    AppleAppAttest.Policy otherTeam =
        new AppleAppAttest.Policy(t.roots(), Set.of("ZZZZZ99999.org.rcskt.test"), false);
    for (AppleAppAttest.Policy p : List.of(none, otherTeam)) {
      assertThatThrownBy(() -> AppleAppAttest.verify(obj, t.clientDataHash(), t.validAtMs(), p))
          .isInstanceOfSatisfying(
              AttestationException.class,
              e -> assertThat(e.check()).isEqualTo(AttestationCheck.APP_ID));
    }
    AppleAppAttest.Policy several =
        new AppleAppAttest.Policy(
            t.roots(),
            Set.of("ZZZZZ99999.org.rcskt.test", AppleTestAttestations.DEFAULT_APP_ID),
            false);
    assertThat(AppleAppAttest.verify(obj, t.clientDataHash(), t.validAtMs(), several).appId())
        .isEqualTo(AppleTestAttestations.DEFAULT_APP_ID);
  }

  @Test
  void badAaguid() {
    byte[] bad = Arrays.copyOf("appattestxxxxxxx".getBytes(StandardCharsets.US_ASCII), 16);
    assertFails(t.aaguid(bad).attestationObject(), AttestationCheck.ENVIRONMENT, "aaguid");
    assertFails(t.aaguid(new byte[16]).attestationObject(), AttestationCheck.ENVIRONMENT, "aaguid");
  }

  @Test
  void nonZeroCounter() {
    assertFails(t.signCount(1).attestationObject(), AttestationCheck.KEY, "counter is 1");
  }

  @Test
  void credentialIdMismatch() {
    assertFails(
        t.wrongCredentialId(true).attestationObject(), AttestationCheck.KEY, "credentialId");
  }

  @Test
  void expectedKeyIdMismatch() throws Exception {
    byte[] obj = t.attestationObject();
    byte[] other = t.keyId();
    other[31] ^= 1;
    assertThatThrownBy(
            () ->
                AppleAppAttest.verify(
                    obj, t.clientDataHash(), other, t.validAtMs(), t.policy(false)))
        .isInstanceOfSatisfying(
            AttestationException.class, e -> assertThat(e.check()).isEqualTo(AttestationCheck.KEY))
        .hasMessageContaining("expected");
  }

  @Test
  void tamperedCredentialCertificate() {
    byte[] name = HexFormat.of().formatHex(t.keyId()).getBytes(StandardCharsets.US_ASCII);
    byte[] obj =
        t.tamperX5c(
                x5c -> {
                  byte[] leaf = x5c.get(0).clone();
                  leaf[indexOf(leaf, name)] ^= 1; // a hex digit of the subject name stays a digit
                  return List.of(leaf, x5c.get(1));
                })
            .attestationObject();
    assertFails(obj, AttestationCheck.CHAIN, "signature does not verify");
  }

  @Test
  void tamperedCredentialCertificateSignature() {
    byte[] obj =
        t.tamperX5c(
                x5c -> {
                  byte[] leaf = x5c.get(0).clone();
                  leaf[leaf.length - 3] ^= 1;
                  return List.of(leaf, x5c.get(1));
                })
            .attestationObject();
    assertFails(obj, AttestationCheck.CHAIN, "signature");
  }

  @Test
  void missingIntermediate() {
    byte[] obj = t.tamperX5c(x5c -> List.of(x5c.get(0))).attestationObject();
    assertFails(obj, AttestationCheck.ROOT, "not a configured root");
  }

  @Test
  void wrongRoot() {
    byte[] obj = t.attestationObject();
    AppleTestAttestations other = new AppleTestAttestations(AT);
    for (TrustAnchors roots : List.of(other.roots(), TrustAnchors.none())) {
      AppleAppAttest.Policy p =
          new AppleAppAttest.Policy(roots, Set.of(AppleTestAttestations.DEFAULT_APP_ID), false);
      assertThatThrownBy(() -> AppleAppAttest.verify(obj, t.clientDataHash(), t.validAtMs(), p))
          .isInstanceOfSatisfying(
              AttestationException.class,
              e -> assertThat(e.check()).isEqualTo(AttestationCheck.ROOT));
    }
  }

  @Test
  void expiredAndNotYetValid() {
    byte[] obj = t.attestationObject();
    for (Duration d : List.of(Duration.ofDays(3), Duration.ofDays(-2))) {
      long at = AT.plus(d).toEpochMilli();
      assertThatThrownBy(() -> AppleAppAttest.verify(obj, t.clientDataHash(), at, t.policy(false)))
          .isInstanceOfSatisfying(
              AttestationException.class,
              e -> assertThat(e.check()).isEqualTo(AttestationCheck.VALIDITY));
    }
    byte[] expired =
        t.validity(AT.minus(Duration.ofDays(3)), AT.minus(Duration.ofSeconds(1)))
            .attestationObject();
    assertFails(expired, AttestationCheck.VALIDITY, "certificate 0");
  }

  @Test
  void truncated() {
    byte[] obj = t.attestationObject();
    for (int len : new int[] {0, 1, 10, obj.length / 2, obj.length - 1}) {
      assertFails(Arrays.copyOf(obj, len), AttestationCheck.MALFORMED, "attestation object");
    }
  }

  @Test
  void notAMap() throws IOException {
    assertFails(
        cbor(g -> g.writeString("apple-appattest")), AttestationCheck.MALFORMED, "not a map");
    assertFails(
        cbor(
            g -> {
              g.writeStartArray();
              g.writeEndArray();
            }),
        AttestationCheck.MALFORMED,
        "not a map");
  }

  @Test
  void wrongFmt() throws IOException {
    byte[] obj = t.attestationObject();
    byte[] fmt = "apple-appattest".getBytes(StandardCharsets.US_ASCII);
    int at = indexOf(obj, fmt);
    byte[] changed = obj.clone();
    changed[at + 6] = 'X';
    assertFails(changed, AttestationCheck.MALFORMED, "fmt is \"apple-Xppattest\"");
    byte[] packed =
        cbor(
            g -> {
              g.writeStartObject();
              g.writeStringField("fmt", "packed");
              g.writeEndObject();
            });
    assertFails(packed, AttestationCheck.MALFORMED, "has no attStmt");
  }

  @Test
  void missingAndMistypedFields() throws Exception {
    byte[] noX5c =
        cbor(
            g -> {
              g.writeStartObject();
              g.writeStringField("fmt", "apple-appattest");
              g.writeFieldName("attStmt");
              g.writeStartObject();
              g.writeFieldName("receipt");
              g.writeBinary(new byte[1]);
              g.writeEndObject();
              g.writeFieldName("authData");
              g.writeBinary(new byte[37]);
              g.writeEndObject();
            });
    assertFails(noX5c, AttestationCheck.MALFORMED, "attStmt has no x5c");
    byte[] textAuthData =
        cbor(
            g -> {
              g.writeStartObject();
              g.writeStringField("fmt", "apple-appattest");
              g.writeFieldName("attStmt");
              g.writeStartObject();
              g.writeFieldName("x5c");
              g.writeStartArray();
              g.writeBinary(new byte[] {1});
              g.writeEndArray();
              g.writeFieldName("receipt");
              g.writeBinary(new byte[0]);
              g.writeEndObject();
              g.writeStringField("authData", "text");
              g.writeEndObject();
            });
    assertFails(textAuthData, AttestationCheck.MALFORMED, "authData is a CBOR string");
    byte[] badCertificate =
        rebuild(
            List.of(new byte[] {1}),
            new byte[0],
            AppleAttestationObject.parse(t.attestationObject()).authDataBytes());
    assertFails(badCertificate, AttestationCheck.MALFORMED, "certificate 0");
    byte[] numberFmt =
        cbor(
            g -> {
              g.writeStartObject();
              g.writeFieldName("fmt");
              g.writeNumber(1);
              g.writeFieldName("attStmt");
              g.writeStartObject();
              g.writeEndObject();
              g.writeFieldName("authData");
              g.writeBinary(new byte[0]);
              g.writeEndObject();
            });
    assertFails(numberFmt, AttestationCheck.MALFORMED, "fmt is not a text string");
  }

  @Test
  void x5cEmptyOrTooMany() throws Exception {
    AppleAttestationObject good = AppleAttestationObject.parse(t.attestationObject());
    byte[] empty = rebuild(List.of(), good.receipt(), good.authDataBytes());
    assertFails(empty, AttestationCheck.MALFORMED, "attStmt.x5c has 0 certificates");
    List<byte[]> many = new ArrayList<>();
    for (int i = 0; i <= CertificateChains.MAX_CERTIFICATES; i++) {
      many.add(good.x5c().get(i % 2));
    }
    assertFails(
        rebuild(many, good.receipt(), good.authDataBytes()),
        AttestationCheck.MALFORMED,
        "attStmt.x5c has " + many.size());
  }

  @Test
  void authDataTooShortOrInconsistent() throws Exception {
    AppleAttestationObject good = AppleAttestationObject.parse(t.attestationObject());
    byte[] a = good.authDataBytes();
    assertFails(
        rebuild(good.x5c(), good.receipt(), Arrays.copyOf(a, 40)),
        AttestationCheck.MALFORMED,
        "shorter than");
    byte[] longId = a.clone();
    longId[53] = 0x7f;
    assertFails(
        rebuild(good.x5c(), good.receipt(), longId),
        AttestationCheck.MALFORMED,
        "credentialId length");
    byte[] extra = Arrays.copyOf(a, a.length + 1);
    assertFails(
        rebuild(good.x5c(), good.receipt(), extra), AttestationCheck.MALFORMED, "trailing bytes");
    byte[] cut = Arrays.copyOf(a, a.length - 1);
    assertFails(
        rebuild(good.x5c(), good.receipt(), cut),
        AttestationCheck.MALFORMED,
        "credential public key is not CBOR");
    assertFails(
        t.flags(0).attestationObject(), AttestationCheck.MALFORMED, "attested credential data");
    assertFails(t.flags(0xc0).attestationObject(), AttestationCheck.MALFORMED, "extensions");
  }

  @Test
  void unknownOrDuplicateKey() throws Exception {
    AppleAttestationObject good = AppleAttestationObject.parse(t.attestationObject());
    for (String key : List.of("extra", "authData")) {
      byte[] obj =
          cbor(
              g -> {
                g.writeStartObject();
                g.writeStringField("fmt", "apple-appattest");
                g.writeFieldName("attStmt");
                g.writeStartObject();
                g.writeFieldName("x5c");
                g.writeStartArray();
                for (byte[] c : good.x5c()) {
                  g.writeBinary(c);
                }
                g.writeEndArray();
                g.writeFieldName("receipt");
                g.writeBinary(good.receipt());
                g.writeEndObject();
                g.writeFieldName("authData");
                g.writeBinary(good.authDataBytes());
                g.writeFieldName(key);
                g.writeBinary(good.authDataBytes());
                g.writeEndObject();
              });
      assertFails(
          obj,
          AttestationCheck.MALFORMED,
          key.equals("extra") ? "unknown key \"extra\"" : "not CBOR");
    }
  }

  @Test
  void trailingBytes() {
    byte[] obj = t.attestationObject();
    for (byte trailer : new byte[] {0, (byte) 0xff, (byte) 0xa0}) {
      byte[] longer = Arrays.copyOf(obj, obj.length + 1);
      longer[obj.length] = trailer;
      assertFails(longer, AttestationCheck.MALFORMED, "trailing bytes");
    }
  }

  @Test
  void hugeInput() {
    byte[] obj = t.receipt(new byte[AppleAttestationObject.MAX_BYTES]).attestationObject();
    assertFails(obj, AttestationCheck.MALFORMED, "at most " + AppleAttestationObject.MAX_BYTES);
  }

  @Test
  void randomMutationsOnlyFailCleanly() throws Exception {
    long seed = Long.getLong("rcskt.seed", 0x5eed_a77e57L);
    System.out.println("AppleAppAttestTest.randomMutationsOnlyFailCleanly seed=" + seed);
    Random random = new Random(seed);
    AppleTestAttestations seeded = new AppleTestAttestations(AT, seed);
    byte[] good = seeded.attestationObject();
    assertThat(new AppleTestAttestations(AT, seed).attestationObject()).isEqualTo(good);
    AttestationResult expected = verifySeeded(seeded, good);
    int accepted = 0;
    for (int round = 0; round < 1500; round++) {
      byte[] m = good.clone();
      int kind = random.nextInt(10);
      if (kind == 0) {
        m = Arrays.copyOf(m, random.nextInt(m.length));
      } else {
        for (int k = 1 + random.nextInt(4); k > 0; k--) {
          m[random.nextInt(m.length)] = (byte) random.nextInt(256);
        }
      }
      try {
        AttestationResult r = verifySeeded(seeded, m);
        assertThat(r).as("round %d, seed %d", round, seed).isEqualTo(expected);
        accepted++;
      } catch (AttestationException e) {
        assertThat(e.getMessage()).doesNotContain("\n");
      } catch (RuntimeException | Error e) {
        fail(
            "round " + round + ", seed " + seed + ": " + e + " on " + HexFormat.of().formatHex(m),
            e);
      }
    }
    System.out.println("  accepted " + accepted + " of 1500 mutations (unchanged meaning)");
  }

  private static AttestationResult verifySeeded(AppleTestAttestations a, byte[] obj)
      throws AttestationException {
    return AppleAppAttest.verify(obj, a.clientDataHash(), a.validAtMs(), a.policy(false));
  }

  private interface Writer {
    void write(CBORGenerator g) throws IOException;
  }

  private static byte[] cbor(Writer w) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (CBORGenerator g = (CBORGenerator) new CBORFactory().createGenerator(out)) {
      w.write(g);
    }
    return out.toByteArray();
  }

  private static byte[] rebuild(List<byte[]> x5c, byte[] receipt, byte[] authData)
      throws IOException {
    return cbor(
        g -> {
          g.writeStartObject();
          g.writeStringField("fmt", "apple-appattest");
          g.writeFieldName("attStmt");
          g.writeStartObject();
          g.writeFieldName("x5c");
          g.writeStartArray();
          for (byte[] c : x5c) {
            g.writeBinary(c);
          }
          g.writeEndArray();
          g.writeFieldName("receipt");
          g.writeBinary(receipt);
          g.writeEndObject();
          g.writeFieldName("authData");
          g.writeBinary(authData);
          g.writeEndObject();
        });
  }

  private static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    throw new AssertionError("not found");
  }
}
