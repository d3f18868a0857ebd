package org.rcskt.verifier.attestation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Set;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.openssl.PEMParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.rcskt.verifier.testing.VectorFiles;

/**
 * Real App Attest attestation objects (webauthn4j's production case, takimoto3's development case)
 * from shared/vectors/apple-app-attest, checked against the values the collector computed and the
 * sources' own expectations.
 */
class AppleAppAttestVectorsTest {
  private static final HexFormat HEX = HexFormat.of();
  private static final Base64.Decoder B64 = Base64.getDecoder();

  private static JsonNode cases() throws IOException {
    return new ObjectMapper()
        .readTree(Files.readString(VectorFiles.require("apple-app-attest/app_attest_cases.json")))
        .get("cases");
  }

  private static JsonNode caseAt(int i) throws IOException {
    JsonNode c = cases().get(i);
    assertThat(c).as("case " + i).isNotNull();
    return c;
  }

  private static TrustAnchors roots(String file) throws IOException {
    return TrustAnchors.fromPem(
        Files.readString(VectorFiles.require("apple-app-attest/" + file)), file);
  }

  private static TrustAnchors appleRoot() throws IOException {
    return roots("Apple_App_Attestation_Root_CA.pem");
  }

  private static byte[] object(JsonNode c) {
    return B64.decode(c.get("attestationObjectB64").asText());
  }

  private static byte[] clientDataHash(JsonNode c) {
    return c.has("clientDataHashHex")
        ? HEX.parseHex(c.get("clientDataHashHex").asText())
        : B64.decode(c.get("clientDataHashB64").asText());
  }

  private static long time(JsonNode c, String field) {
    return Instant.parse(c.get(field).asText()).toEpochMilli();
  }

  private static AppleAppAttest.Policy policy(JsonNode c, TrustAnchors roots, boolean dev) {
    return new AppleAppAttest.Policy(roots, Set.of(c.get("appId").asText()), dev);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1})
  void parsedFieldsAreTheCheckedValues(int i) throws Exception {
    JsonNode c = caseAt(i);
    JsonNode want = c.get("checkedHere");
    JsonNode auth = want.get("authData");
    AppleAttestationObject obj = AppleAttestationObject.parse(object(c));
    assertThat(obj.fmt()).isEqualTo(want.get("fmt").asText());
    assertThat(obj.x5c()).hasSize(want.get("x5cCount").asInt());
    assertThat(obj.receipt()).hasSize(want.get("receiptLen").asInt());
    AppleAttestationObject.AuthenticatorData a = obj.authData();
    assertThat(HEX.formatHex(a.rpIdHash())).isEqualTo(auth.get("rpIdHashHex").asText());
    assertThat(a.rpIdHash())
        .isEqualTo(TrustAnchors.sha256(c.get("appId").asText().getBytes(StandardCharsets.UTF_8)));
    assertThat(a.flags()).isEqualTo(auth.get("flags").asInt());
    assertThat(a.signCount()).isEqualTo(auth.get("signCount").asLong());
    assertThat(HEX.formatHex(a.aaguid())).isEqualTo(auth.get("aaguidHex").asText());
    assertThat(new String(a.aaguid(), StandardCharsets.US_ASCII))
        .isEqualTo(auth.get("aaguidAscii").asText());
    assertThat(a.credentialId()).isEqualTo(B64.decode(auth.get("credentialIdB64").asText()));
    assertThat(a.credentialId()).isEqualTo(B64.decode(c.get("keyIdB64").asText()));
    assertThat(a.credentialPublicKey()).isNotNull();

    byte[] authData = obj.authDataBytes();
    byte[] cdh = clientDataHash(c);
    byte[] toHash = Arrays.copyOf(authData, authData.length + cdh.length);
    System.arraycopy(cdh, 0, toHash, authData.length, cdh.length);
    assertThat(HEX.formatHex(TrustAnchors.sha256(toHash)))
        .isEqualTo(want.get("nonceHex_sha256_authData_clientDataHash").asText());

    byte[] point =
        obj.credentialCertificate().getSubjectPublicKeyInfo().getPublicKeyData().getOctets();
    assertThat(HEX.formatHex(point)).isEqualTo(want.get("leafPublicKeyPointHex").asText());
    assertThat(TrustAnchors.sha256(point)).isEqualTo(a.credentialId());
  }

  @Test
  void clientDataHashesFollowTheStatedRules() throws Exception {
    JsonNode kayak = caseAt(0);
    assertThat(clientDataHash(kayak))
        .isEqualTo(
            TrustAnchors.sha256(
                kayak.get("challengeUtf8").asText().getBytes(StandardCharsets.UTF_8)));
    JsonNode sandbox = caseAt(1);
    assertThat(clientDataHash(sandbox))
        .isEqualTo(TrustAnchors.sha256(B64.decode(sandbox.get("clientDataB64").asText())));
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1})
  void verifiesAtTheSourcesTime(int i) throws Exception {
    JsonNode c = caseAt(i);
    boolean dev = c.get("environment").asText().startsWith("development");
    TrustAnchors roots = appleRoot();
    byte[] obj = object(c);
    AttestationResult r =
        AppleAppAttest.verify(
            obj,
            clientDataHash(c),
            B64.decode(c.get("keyIdB64").asText()),
            time(c, "verificationTimeUsedBySource"),
            policy(c, roots, true));
    assertThat(r.platform()).isEqualTo(Platform.APPLE_APP_ATTEST);
    assertThat(r.securityLevel()).isEqualTo(SecurityLevel.SECURE_ENCLAVE);
    assertThat(r.appId()).isEqualTo(c.get("appId").asText());
    assertThat(r.attestedKey())
        .isEqualTo(
            AppleAttestationObject.parse(obj).credentialCertificate().getSubjectPublicKeyInfo());
    assertThat(r.rootFingerprint()).isEqualTo(roots.anchors().get(0).fingerprint());
    assertThat(r.bootState()).isNull();
    assertThat(r.deviceLocked()).isTrue();
    assertThat(r.environment()).isEqualTo(dev ? "development" : "production");
    assertThat(
            AppleAppAttest.verify(
                obj,
                clientDataHash(c),
                time(c, "verificationTimeUsedBySource"),
                policy(c, roots, dev)))
        .isEqualTo(r);
  }

  @Test
  void sandboxFailsWhenDevelopmentIsNotAllowed() throws Exception {
    JsonNode c = caseAt(1);
    assertCheck(
        c,
        clientDataHash(c),
        null,
        time(c, "verificationTimeUsedBySource"),
        policy(c, appleRoot(), false),
        AttestationCheck.ENVIRONMENT);
  }

  @Test
  void takimotoWrongAppId() throws Exception {
    JsonNode c = caseAt(1);
    assertCheck(
        c,
        clientDataHash(c),
        null,
        time(c, "verificationTimeUsedBySource"),
        new AppleAppAttest.Policy(appleRoot(), Set.of("org.sample.AttestSample"), true),
        AttestationCheck.APP_ID);
  }

  @Test
  void takimotoWrongClientDataHash() throws Exception {
    JsonNode c = caseAt(1);
    assertCheck(
        c,
        "xxxxxxxxxxxxxxxx".getBytes(StandardCharsets.US_ASCII),
        null,
        time(c, "verificationTimeUsedBySource"),
        policy(c, appleRoot(), true),
        AttestationCheck.CHALLENGE);
  }

  @Test
  void takimotoWrongKeyId() throws Exception {
    JsonNode c = caseAt(1);
    // As in the source: its last character sets unused bits, which Java's decoder ignores.
    byte[] wrong = B64.decode("vZiLwg6bm6++ogVSpwMVJOfseqKs9mMRQamXExFAR+1=");
    assertCheck(
        c,
        clientDataHash(c),
        wrong,
        time(c, "verificationTimeUsedBySource"),
        policy(c, appleRoot(), true),
        AttestationCheck.KEY);
  }

  @Test
  void takimotoExpired() throws Exception {
    JsonNode c = caseAt(1);
    assertCheck(
        c,
        clientDataHash(c),
        null,
        time(c, "expiredTimeUsedBySource"),
        policy(c, appleRoot(), true),
        AttestationCheck.VALIDITY);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1})
  void wrongRootFails(int i) throws Exception {
    JsonNode c = caseAt(i);
    assertCheck(
        c,
        clientDataHash(c),
        null,
        time(c, "verificationTimeUsedBySource"),
        policy(c, roots("AppleRootCA-G3.pem"), true),
        AttestationCheck.ROOT);
  }

  @Test
  void takimotoFileAgreesWithTheCase() throws Exception {
    JsonNode c = caseAt(1);
    JsonNode att =
        new ObjectMapper()
            .readTree(
                Files.readString(VectorFiles.require("apple-app-attest/takimoto3_ios-14.4.json")))
            .get("attestation");
    byte[] obj = B64.decode(att.get("attestationBase64").asText());
    assertThat(obj).isEqualTo(object(c));
    assertThat(B64.decode(att.get("keyIdBase64").asText()))
        .isEqualTo(B64.decode(c.get("keyIdB64").asText()));
    assertThat(att.get("teamIdentifier").asText() + "." + att.get("bundleIdentifier").asText())
        .isEqualTo(c.get("appId").asText());
    SubjectPublicKeyInfo pem;
    try (PEMParser p = new PEMParser(new java.io.StringReader(att.get("publicKey").asText()))) {
      pem = (SubjectPublicKeyInfo) p.readObject();
    }
    assertThat(pem.getEncoded())
        .isEqualTo(
            AppleAttestationObject.parse(obj)
                .credentialCertificate()
                .getSubjectPublicKeyInfo()
                .getEncoded());
    assertThat(c.get("publicKeyPem").asText().strip())
        .isEqualTo(att.get("publicKey").asText().strip());
  }

  private static void assertCheck(
      JsonNode c,
      byte[] clientDataHash,
      byte[] keyId,
      long atMs,
      AppleAppAttest.Policy policy,
      AttestationCheck want) {
    assertThatThrownBy(() -> AppleAppAttest.verify(object(c), clientDataHash, keyId, atMs, policy))
        .isInstanceOfSatisfying(
            AttestationException.class, e -> assertThat(e.check()).isEqualTo(want));
  }
}
