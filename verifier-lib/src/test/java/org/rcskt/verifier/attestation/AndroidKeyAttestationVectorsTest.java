package org.rcskt.verifier.attestation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.StringReader;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.openssl.PEMParser;
import org.junit.jupiter.api.Test;
import org.rcskt.verifier.attestation.AndroidAuthorizationList.VerifiedBootState;
import org.rcskt.verifier.attestation.AndroidKeyAttestation.AllowedApp;
import org.rcskt.verifier.attestation.AndroidKeyAttestation.Policy;
import org.rcskt.verifier.attestation.testing.AndroidTestChains;
import org.rcskt.verifier.testing.VectorFiles;

/**
 * The Android Key Attestation reference vectors: google/android-key-attestation's sample chains and
 * the values its unit tests assert, and go-webauthn's android-key responses.
 */
class AndroidKeyAttestationVectorsTest {
  private static final String GOOGLE = "android-attestation-google/";
  private static final String WEBAUTHN = "android-attestation-webauthn/";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HexFormat HEX = HexFormat.of();

  /** Inside every certificate of the two TEE chains (the Google root expires 2026-05-24). */
  private static final long GOOGLE_CHAINS_AT = ms("2020-01-01T00:00:00Z");

  /** The signing certificate digest in the sample chains' attestation application id. */
  private static final byte[] SAMPLE_APP_DIGEST =
      HEX.parseHex("301aa3cb081134501c45f1422abc66c24224fd5ded5fdc8f17e697176fd866aa");

  // KeyMint constants the source's enums stand for.
  private static final Map<String, Integer> PURPOSE = Map.of("SIGN", 2, "VERIFY", 3);
  private static final Map<String, Integer> ALGORITHM = Map.of("RSA", 1, "EC", 3);
  private static final Map<String, Integer> DIGEST = Map.of("SHA_2_256", 4);
  private static final Map<String, Integer> PADDING = Map.of("RSA_PSS", 3, "RSA_PKCS1_1_5_SIGN", 5);
  private static final Map<String, Integer> ORIGIN = Map.of("GENERATED", 0);

  @Test
  void everySampleChainHasTheExpectedLeafRecord() throws Exception {
    JsonNode chains = expectations().get("chains");
    assertThat(chains.size()).isEqualTo(4);
    for (Map.Entry<String, JsonNode> c : chains.properties()) {
      JsonNode chain = c.getValue();
      List<byte[]> der = new ArrayList<>();
      chain.get("files").forEach(f -> der.add(pem(GOOGLE + f.asText())));
      List<X509CertificateHolder> certs = CertificateChains.parse(der);
      for (int i = 0; i < certs.size(); i++) {
        assertThat(serialMatches(certs.get(i), chain.get("certs").get(i).get("serial").asText()))
            .as("%s cert %d serial", c.getKey(), i)
            .isTrue();
      }
      AndroidKeyDescription.Found found = AndroidKeyDescription.fromChain(certs);
      assertThat(found.certificateIndex()).as(c.getKey()).isZero();
      assertDescription(found.description(), chain.get("leafKeyDescription_parsedHere"));
      byte[] ext =
          certs
              .get(0)
              .getExtension(new ASN1ObjectIdentifier(AndroidKeyDescription.OID))
              .getExtnValue()
              .getOctets();
      assertThat(ext).isEqualTo(b64(chain.get("leafKeyDescriptionDerB64")));
      assertThat(AndroidKeyAttestation.describe(der).attestationVersion()).isEqualTo(3);
    }
  }

  @Test
  void theTeeChainsVerifyUnderTheGoogleRootAtAFixedTime() throws Exception {
    TrustAnchors google = googleRoot();
    AndroidStatusList status = statusList();
    for (String name :
        List.of("algorithm_EC_SecurityLevel_TEE", "algorithm_RSA_SecurityLevel_TEE")) {
      List<byte[]> der = chainFiles(name);
      Policy policy =
          new Policy(
              google, List.of(new AllowedApp("com.android.keychain", SAMPLE_APP_DIGEST)), status);
      byte[] abc = "abc".getBytes(StandardCharsets.US_ASCII);
      AttestationResult r = AndroidKeyAttestation.verify(der, abc, GOOGLE_CHAINS_AT, policy);
      assertThat(r.platform()).isEqualTo(Platform.ANDROID_KEY_ATTESTATION);
      assertThat(r.securityLevel()).isEqualTo(SecurityLevel.TRUSTED_ENVIRONMENT);
      assertThat(r.appId()).isEqualTo("com.android.keychain");
      assertThat(r.attestedKey())
          .isEqualTo(new X509CertificateHolder(der.get(0)).getSubjectPublicKeyInfo());
      assertThat(r.rootFingerprint()).isEqualTo(google.anchors().get(0).fingerprint());
      assertThat(r.bootState()).isEqualTo("UNVERIFIED");
      assertThat(r.deviceLocked()).isFalse();
      assertThat(r.environment()).isNull();

      // After the Google root expired, and before the intermediates were issued.
      AttestationException late =
          fails(
              AttestationCheck.VALIDITY,
              () -> AndroidKeyAttestation.verify(der, abc, ms("2026-06-01T00:00:00Z"), policy));
      assertThat(late.getMessage()).contains("certificate 3");
      fails(
          AttestationCheck.VALIDITY,
          () -> AndroidKeyAttestation.verify(der, abc, ms("2017-01-01T00:00:00Z"), policy));
      fails(
          AttestationCheck.CHALLENGE,
          () ->
              AndroidKeyAttestation.verify(
                  der, "abd".getBytes(StandardCharsets.US_ASCII), GOOGLE_CHAINS_AT, policy));
      fails(
          AttestationCheck.APP_ID,
          () ->
              AndroidKeyAttestation.verify(
                  der,
                  abc,
                  GOOGLE_CHAINS_AT,
                  new Policy(
                      google,
                      List.of(new AllowedApp("com.android.keychain", new byte[32])),
                      null)));
    }
  }

  @Test
  void theStrongBoxChainsAreRejected() {
    TrustAnchors google = googleRoot();
    Policy policy =
        new Policy(
            google, List.of(new AllowedApp("com.android.keychain", SAMPLE_APP_DIGEST)), null);
    byte[] abc = "abc".getBytes(StandardCharsets.US_ASCII);
    AttestationException ec =
        fails(
            AttestationCheck.CHAIN,
            () ->
                AndroidKeyAttestation.verify(
                    chainFiles("algorithm_EC_SecurityLevel_StrongBox"),
                    abc,
                    GOOGLE_CHAINS_AT,
                    policy));
    assertThat(ec.getMessage()).contains("certificate 0 names issuer");
    fails(
        AttestationCheck.ROOT,
        () ->
            AndroidKeyAttestation.verify(
                chainFiles("algorithm_RSA_SecurityLevel_StrongBox"),
                abc,
                GOOGLE_CHAINS_AT,
                policy));
  }

  @Test
  void theRecordComesFromTheCertificateNearestTheRoot() throws Exception {
    JsonNode t = source("ParsedAttestationRecordTest.testParseAttestationRecord");
    List<byte[]> der =
        List.of(
            pem(GOOGLE + "pem/ParsedAttestationRecordTest/CERT2.pem"),
            pem(GOOGLE + "pem/ParsedAttestationRecordTest/CERT.pem"));
    List<X509CertificateHolder> certs = CertificateChains.parse(der);
    AndroidKeyDescription.Found found = AndroidKeyDescription.fromChain(certs);
    assertThat(found.certificateIndex()).isEqualTo(1);
    AndroidKeyDescription d = found.description();
    JsonNode e = t.get("expected");
    assertThat(d.attestationVersion()).isEqualTo(e.get("attestationVersion").asInt());
    assertThat(d.attestationSecurityLevel()).isEqualTo(level(e.get("attestationSecurityLevel")));
    assertThat(d.keyMintVersion()).isEqualTo(e.get("keymasterVersion").asInt());
    assertThat(d.keyMintSecurityLevel()).isEqualTo(level(e.get("keymasterSecurityLevel")));
    assertThat(new String(d.attestationChallenge(), StandardCharsets.UTF_8))
        .isEqualTo(e.get("attestationChallengeUtf8").asText());
    assertThat(new String(d.uniqueId(), StandardCharsets.UTF_8))
        .isEqualTo(e.get("uniqueIdUtf8").asText());
    assertThat(d.softwareEnforced()).isNotNull();
    assertThat(d.hardwareEnforced()).isNotNull();
    assertThat(AndroidKeyAttestation.describe(der).attestationChallenge())
        .isEqualTo(d.attestationChallenge());

    // The leaf's own (fake) record says something else.
    AndroidKeyDescription leaf = AndroidKeyDescription.fromChain(certs.subList(0, 1)).description();
    assertThat(leaf.attestationVersion()).isEqualTo(1);
    assertThat(new String(leaf.attestationChallenge(), StandardCharsets.UTF_8))
        .isEqualTo("A random challenge");

    // As evidence the pair fails: the leaf's issuer is not the next certificate.
    Policy policy =
        new Policy(googleRoot(), List.of(new AllowedApp("android", SAMPLE_APP_DIGEST)), null);
    fails(
        AttestationCheck.CHAIN,
        () ->
            AndroidKeyAttestation.verify(
                der, d.attestationChallenge(), ms("2023-02-15T15:45:00Z"), policy));
  }

  @Test
  void rootOfTrustParsesAsTheSourceExpects() throws Exception {
    JsonNode t = source("RootOfTrustTest.testCreateRootOfTrust");
    AndroidAuthorizationList.RootOfTrust r =
        AndroidAuthorizationList.RootOfTrust.parse(b64(t.get("rootOfTrustDerB64")));
    JsonNode e = t.get("expected");
    assertThat(r.verifiedBootKey()).isEqualTo(b64(e.get("verifiedBootKeyB64")));
    assertThat(r.deviceLocked()).isEqualTo(e.get("deviceLocked").asBoolean());
    assertThat(r.verifiedBootState().name()).isEqualTo(e.get("verifiedBootState").asText());
    assertThat(r.verifiedBootHash()).isEqualTo(b64(e.get("verifiedBootHashB64")));
  }

  @Test
  void theSoftwareEnforcedListParsesAsTheSourceExpects() throws Exception {
    JsonNode t = source("AuthorizationListTest.softwareEnforced");
    AndroidAuthorizationList l =
        AndroidAuthorizationList.parse(b64(t.get("authorizationListDerB64")));
    JsonNode e = t.get("expected");
    assertThat(l.creationDateTime()).isEqualTo(e.get("creationDateTimeEpochMs").asLong());
    assertThat(Instant.ofEpochMilli(l.creationDateTime()).toString())
        .isEqualTo(e.get("creationDateTimeIso").asText());
    assertThat(e.get("rootOfTrust").asText()).isEqualTo("absent");
    assertThat(l.rootOfTrust()).isNull();
    AndroidAuthorizationList.AttestationApplicationId id = l.attestationApplicationId();
    assertThat(id.der()).isEqualTo(b64(e.get("attestationApplicationIdDerB64")));
    assertThat(id.packages()).hasSize(13);
    assertThat(id.packages().get(0))
        .isEqualTo(
            new AndroidAuthorizationList.AttestationApplicationId.PackageInfo("android", 29));
    assertThat(id.hasPackage("com.google.android.hiddenmenu")).isTrue();
    assertThat(id.signatureDigests()).hasSize(1);
    assertThat(id.hasSignatureDigest(SAMPLE_APP_DIGEST)).isTrue();
    assertThat(l.individualAttestation()).isEqualTo(e.get("individualAttestation").asBoolean());
    assertThat(l.purpose()).isEmpty();
    assertThat(l.algorithm()).isNull();
  }

  @Test
  void theTeeEnforcedListParsesAsTheSourceExpects() throws Exception {
    JsonNode t = source("AuthorizationListTest.teeEnforced");
    AndroidAuthorizationList l =
        AndroidAuthorizationList.parse(b64(t.get("authorizationListDerB64")));
    JsonNode e = t.get("expected");
    assertThat(l.purpose()).containsExactlyInAnyOrderElementsOf(names(e.get("purpose"), PURPOSE));
    assertThat(l.algorithm()).isEqualTo(ALGORITHM.get(e.get("algorithm").asText()));
    assertThat(l.keySize()).isEqualTo(e.get("keySize").asInt());
    assertThat(l.digest()).containsExactlyInAnyOrderElementsOf(names(e.get("digest"), DIGEST));
    assertThat(l.padding()).containsExactlyInAnyOrderElementsOf(names(e.get("padding"), PADDING));
    assertThat(l.rsaPublicExponent()).isEqualTo(e.get("rsaPublicExponent").asLong());
    assertThat(l.noAuthRequired()).isEqualTo(e.get("noAuthRequired").asBoolean());
    assertThat(l.origin()).isEqualTo(ORIGIN.get(e.get("origin").asText()));
    assertThat(e.get("rootOfTrust").asText()).isEqualTo("present");
    assertThat(l.rootOfTrust().verifiedBootState()).isEqualTo(VerifiedBootState.UNVERIFIED);
    assertThat(l.osVersion()).isEqualTo(e.get("osVersion").asInt());
    // The source reads patch levels as dates; the record carries the numbers.
    assertThat(l.osPatchLevel()).isEqualTo(201907);
    assertThat(YearMonth.from(AndroidAuthorizationList.patchLevelDate(l.osPatchLevel())))
        .isEqualTo(YearMonth.parse(e.get("osPatchLevel").asText()));
    assertThat(l.vendorPatchLevel()).isEqualTo(20190705);
    assertThat(AndroidAuthorizationList.patchLevelDate(l.vendorPatchLevel()))
        .isEqualTo(LocalDate.parse(e.get("vendorPatchLevel").asText()));
    // Written 20190700 (day 00), which the source reads as the first of the month.
    assertThat(l.bootPatchLevel()).isEqualTo(20190700);
    assertThat(AndroidAuthorizationList.patchLevelDate(l.bootPatchLevel()))
        .isEqualTo(LocalDate.parse(e.get("bootPatchLevel").asText()));
    assertThat(l.individualAttestation()).isEqualTo(e.get("individualAttestation").asBoolean());
    assertThat(l.attestationApplicationId()).isNull();
  }

  @Test
  void theRepeatedDigestTagIsMerged() throws Exception {
    // Decision: a repeated SET OF INTEGER tag is merged (devices split sets, and Google's parser
    // merges them); a repeated tag of any other kind is rejected (AndroidKeyAttestationTest).
    JsonNode t = source("AuthorizationListTest.repeatedTags");
    AndroidAuthorizationList l =
        AndroidAuthorizationList.parse(b64(t.get("authorizationListDerB64")));
    assertThat(l.digest()).containsExactly(1, 4);
    assertThat(l.purpose()).containsExactly(5);
    assertThat(l.padding()).containsExactly(2);
    assertThat(l.algorithm()).isEqualTo(1);
    assertThat(l.keySize()).isEqualTo(2048);
    assertThat(l.rsaPublicExponent()).isEqualTo(65537L);
    assertThat(l.noAuthRequired()).isTrue();
    assertThat(l.rootOfTrust().deviceLocked()).isTrue();
    assertThat(l.rootOfTrust().verifiedBootState()).isEqualTo(VerifiedBootState.VERIFIED);
    assertThat(l.osVersion()).isEqualTo(140000);
    assertThat(l.osPatchLevel()).isEqualTo(202410);
    assertThat(l.vendorPatchLevel()).isEqualTo(20241001);
    assertThat(l.bootPatchLevel()).isEqualTo(20241001);
  }

  @Test
  void theWebauthnRecordsMatch() throws Exception {
    for (JsonNode c : webauthnCases()) {
      List<byte[]> der = webauthnChain(c);
      AndroidKeyDescription.Found found =
          AndroidKeyDescription.fromChain(CertificateChains.parse(der));
      assertThat(found.certificateIndex()).as(c.get("name").asText()).isZero();
      JsonNode checked = c.get("checkedHere");
      assertDescription(found.description(), checked.get("keyDescription"));
      byte[] clientDataHash =
          MessageDigest.getInstance("SHA-256")
              .digest(c.get("clientDataJSON").asText().getBytes(StandardCharsets.UTF_8));
      assertThat(HEX.formatHex(clientDataHash)).isEqualTo(c.get("clientDataHashHex").asText());
      assertThat(found.description().attestationChallenge()).isEqualTo(clientDataHash);
      assertThat(checked.get("attestationChallenge_equals_clientDataHash").asBoolean()).isTrue();
    }
  }

  @Test
  void theFakeFidoChainsVerifyOnlyUnderTheirOwnLastCertificate() throws Exception {
    List<JsonNode> cases = webauthnCases();
    TrustAnchors google = googleRoot();
    long at = ms("2020-01-01T00:00:00Z");
    byte[] digest =
        HEX.parseHex("74cfcb507488f529108591c7a505919f327732fbc1d803526aea980006d2d898");
    List<AllowedApp> apps =
        List.of(new AllowedApp("com.android.keystore.androidkeystoredemo", digest));

    // Both verify under their own last certificate. For case 0 the collector's pairwise check
    // says false: the leaf's authority key id names the FAKE root's key, not x5c1's, so an
    // issuer lookup by key id finds nothing; but the leaf's signature verifies under x5c1's key
    // (the same key as case 1's x5c1), and the chain check matches names and signatures.
    for (int i = 0; i < 2; i++) {
      JsonNode c = cases.get(i);
      List<byte[]> der = webauthnChain(c);
      TrustAnchors own =
          TrustAnchors.fromPem(pemText(WEBAUTHN + "response" + i + "_x5c1.pem"), "x5c1");
      byte[] challenge = HEX.parseHex(c.get("clientDataHashHex").asText());
      AttestationResult r =
          AndroidKeyAttestation.verify(der, challenge, at, new Policy(own, apps, null));
      assertThat(r.securityLevel()).isEqualTo(SecurityLevel.SOFTWARE);
      assertThat(r.appId()).isEqualTo("com.android.keystore.androidkeystoredemo");
      assertThat(r.bootState()).isNull();
      assertThat(r.deviceLocked()).isFalse();
      assertThat(r.rootFingerprint()).isEqualTo(own.anchors().get(0).fingerprint());
      fails(
          AttestationCheck.ROOT,
          () -> AndroidKeyAttestation.verify(der, challenge, at, new Policy(google, apps, null)));
    }
    assertThat(
            new X509CertificateHolder(pem(WEBAUTHN + "response0_x5c1.pem"))
                .getSubjectPublicKeyInfo())
        .isEqualTo(
            new X509CertificateHolder(pem(WEBAUTHN + "response1_x5c1.pem"))
                .getSubjectPublicKeyInfo());
  }

  @Test
  void theDeviceChainVerifiesUnderTheGoogleRoot() throws Exception {
    JsonNode c = webauthnCases().get(2);
    assertThat(c.get("checkedHere").get("lastCertIsGoogleRsaRoot").asBoolean()).isTrue();
    List<byte[]> der = webauthnChain(c);
    assertThat(der).hasSize(5);
    long at = ms("2025-01-20T00:00:00Z");
    for (X509CertificateHolder h : CertificateChains.parse(der)) {
      assertThat(h.getNotBefore().getTime()).isLessThanOrEqualTo(at);
      assertThat(h.getNotAfter().getTime()).isGreaterThanOrEqualTo(at);
    }
    byte[] gms = HEX.parseHex("f0fd6c5b410f25cb25c3b53346c8972fae30f8ee7411df910480ad6b2d60db83");
    Policy policy =
        new Policy(
            googleRoot(), List.of(new AllowedApp("com.google.android.gms", gms)), statusList());
    byte[] challenge = HEX.parseHex(c.get("clientDataHashHex").asText());
    AttestationResult r = AndroidKeyAttestation.verify(der, challenge, at, policy);
    assertThat(r.securityLevel()).isEqualTo(SecurityLevel.TRUSTED_ENVIRONMENT);
    assertThat(r.appId()).isEqualTo("com.google.android.gms");
    assertThat(r.bootState()).isEqualTo("VERIFIED");
    assertThat(r.deviceLocked()).isTrue();
    assertThat(r.rootFingerprint()).isEqualTo(googleRoot().anchors().get(0).fingerprint());
    // The Droid CA3 intermediate lasts a month.
    fails(
        AttestationCheck.VALIDITY,
        () -> AndroidKeyAttestation.verify(der, challenge, ms("2025-03-01T00:00:00Z"), policy));
  }

  @Test
  void theSampleStatusListParsesAndFindsItsSerials() throws Exception {
    AndroidStatusList list = statusList();
    assertThat(list.size()).isEqualTo(5);
    AndroidStatusList.Entry revoked = list.statusOf("6681152659205225093");
    assertThat(revoked.status()).isEqualTo("REVOKED");
    assertThat(revoked.reason()).isEqualTo("KEY_COMPROMISE");
    AndroidStatusList.Entry suspended = list.statusOf("00CC66E9A93713B6E643B26C15879786F7");
    assertThat(suspended.status()).isEqualTo("SUSPENDED");
    assertThat(suspended.comment()).isEqualTo("Entry for testing only");
    assertThat(list.statusOf("cc66e9a93713b6e643b26c15879786f8")).isNull();

    // No certificate of the vectors is listed.
    JsonNode chains = expectations().get("chains");
    for (Map.Entry<String, JsonNode> c : chains.properties()) {
      for (byte[] d : chainFiles(c.getKey())) {
        assertThat(list.statusOf(new X509CertificateHolder(d))).isNull();
      }
    }

    // 6681152659205225093 is a decimal serial (0x5cb838f1fe157a85); cc66... is hex.
    for (BigInteger serial :
        List.of(
            new BigInteger("6681152659205225093"),
            new BigInteger("cc66e9a93713b6e643b26c15879786f7", 16))) {
      AndroidTestChains t = AndroidTestChains.builder().intermediateSerial(serial).build();
      assertThat(list.statusOf(new X509CertificateHolder(t.chainDer().get(1)))).isNotNull();
      AttestationException e =
          fails(
              AttestationCheck.REVOKED,
              () ->
                  AndroidKeyAttestation.verify(
                      t.chainDer(),
                      t.challenge(),
                      AndroidTestChains.VALID_AT_MS,
                      new Policy(t.roots(), t.policy().allowedApps(), list)));
      assertThat(e.getMessage()).contains(serial.toString(16), "KEY_COMPROMISE", "status.json");
    }
  }

  // Helpers.

  private static AttestationException fails(AttestationCheck check, ThrowingCallable call) {
    Throwable t = catchThrowable(call);
    assertThat(t).isInstanceOf(AttestationException.class);
    AttestationException e = (AttestationException) t;
    assertThat(e.check()).as(e.getMessage()).isEqualTo(check);
    return e;
  }

  private static void assertDescription(AndroidKeyDescription d, JsonNode want) {
    assertThat(d.attestationVersion()).isEqualTo(want.get("attestationVersion").asInt());
    assertThat(d.attestationSecurityLevel()).isEqualTo(level(want.get("attestationSecurityLevel")));
    assertThat(d.keyMintVersion()).isEqualTo(want.get("keymasterOrKeyMintVersion").asInt());
    assertThat(d.keyMintSecurityLevel()).isEqualTo(level(want.get("keymasterSecurityLevel")));
    assertThat(HEX.formatHex(d.attestationChallenge()))
        .isEqualTo(want.get("attestationChallengeHex").asText());
    assertThat(HEX.formatHex(d.uniqueId())).isEqualTo(want.get("uniqueIdHex").asText());
  }

  private static SecurityLevel level(JsonNode name) {
    return switch (name.asText()) {
      case "Software", "SOFTWARE" -> SecurityLevel.SOFTWARE;
      case "TrustedEnvironment", "TRUSTED_ENVIRONMENT" -> SecurityLevel.TRUSTED_ENVIRONMENT;
      case "StrongBox", "STRONG_BOX" -> SecurityLevel.STRONG_BOX;
      default -> throw new IllegalArgumentException("unknown security level " + name);
    };
  }

  /** openssl prints serials of up to 64 bits in decimal and longer ones in hex. */
  private static boolean serialMatches(X509CertificateHolder c, String printed) {
    BigInteger s = c.getSerialNumber();
    return s.equals(new BigInteger(printed, 16))
        || (printed.chars().allMatch(Character::isDigit) && s.equals(new BigInteger(printed)));
  }

  private static List<Integer> names(JsonNode array, Map<String, Integer> codes) {
    List<Integer> out = new ArrayList<>();
    array.forEach(n -> out.add(codes.get(n.asText())));
    return out;
  }

  private static JsonNode expectations() throws IOException {
    return JSON.readTree(
        VectorFiles.require(GOOGLE + "android_key_attestation_expectations.json").toFile());
  }

  private static JsonNode source(String name) throws IOException {
    return expectations().get("sourceAssertedExpectations").get(name);
  }

  private static List<JsonNode> webauthnCases() throws IOException {
    JsonNode root =
        JSON.readTree(VectorFiles.require(WEBAUTHN + "android_key_webauthn_cases.json").toFile());
    List<JsonNode> out = new ArrayList<>();
    root.get("cases").forEach(out::add);
    assertThat(out).hasSize(3);
    return out;
  }

  private static List<byte[]> webauthnChain(JsonNode c) {
    List<byte[]> der = new ArrayList<>();
    c.get("x5cFiles").forEach(f -> der.add(pem(WEBAUTHN + f.asText())));
    return der;
  }

  private static List<byte[]> chainFiles(String name) {
    List<byte[]> der = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      der.add(pem(GOOGLE + "pem/" + name + "/cert" + i + ".pem"));
    }
    return der;
  }

  private static TrustAnchors googleRoot() {
    return TrustAnchors.fromPem(
        pemText(GOOGLE + "google_root_ca_pubkey_from_Constants.pem"), "Google root public key");
  }

  private static AndroidStatusList statusList() throws IOException {
    return AndroidStatusList.parse(
        Files.readString(VectorFiles.require(GOOGLE + "status.json")), "status.json");
  }

  private static String pemText(String relative) {
    try {
      return Files.readString(VectorFiles.require(relative));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static byte[] pem(String relative) {
    Path p = VectorFiles.require(relative);
    try (PEMParser parser = new PEMParser(new StringReader(Files.readString(p)))) {
      return ((X509CertificateHolder) parser.readObject()).getEncoded();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static byte[] b64(JsonNode n) {
    return Base64.getDecoder().decode(n.asText());
  }

  private static long ms(String instant) {
    return Instant.parse(instant).toEpochMilli();
  }
}
