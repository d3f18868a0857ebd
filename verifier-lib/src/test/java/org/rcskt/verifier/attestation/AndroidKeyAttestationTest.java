package org.rcskt.verifier.attestation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.DERSet;
import org.bouncycastle.asn1.DERTaggedObject;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.junit.jupiter.api.Test;
import org.rcskt.verifier.attestation.AndroidAuthorizationList.VerifiedBootState;
import org.rcskt.verifier.attestation.AndroidKeyAttestation.AllowedApp;
import org.rcskt.verifier.attestation.AndroidKeyAttestation.Policy;
import org.rcskt.verifier.attestation.testing.AndroidTestChains;

class AndroidKeyAttestationTest {
  private static final long AT = AndroidTestChains.VALID_AT_MS;
  private static final AndroidTestChains GOOD = AndroidTestChains.builder().build();

  private static AttestationResult verify(AndroidTestChains c) throws AttestationException {
    return AndroidKeyAttestation.verify(c.chainDer(), c.challenge(), AT, c.policy());
  }

  private static AttestationException fails(AttestationCheck check, ThrowingCallable call) {
    Throwable t = catchThrowable(call);
    assertThat(t).isInstanceOf(AttestationException.class);
    AttestationException e = (AttestationException) t;
    assertThat(e.check()).as(e.getMessage()).isEqualTo(check);
    assertThat(e.getMessage()).doesNotContain("\n");
    return e;
  }

  private static Policy withApps(AndroidTestChains c, AllowedApp... apps) {
    return new Policy(c.roots(), List.of(apps), null);
  }

  @Test
  void aGoodChainVerifies() throws Exception {
    AttestationResult r = verify(GOOD);
    TrustAnchors roots = GOOD.roots();
    assertThat(r)
        .isEqualTo(
            new AttestationResult(
                Platform.ANDROID_KEY_ATTESTATION,
                SecurityLevel.TRUSTED_ENVIRONMENT,
                AndroidTestChains.DEFAULT_PACKAGE,
                GOOD.leafPublicKeyInfo(),
                roots.anchors().get(0).fingerprint(),
                "VERIFIED",
                true,
                null));
    assertThat(r.attestedKey())
        .isEqualTo(SubjectPublicKeyInfo.getInstance(GOOD.leafKey().getPublic().getEncoded()));
  }

  @Test
  void theRootMayBeIncludedInTheChain() throws Exception {
    List<byte[]> chain = GOOD.chainDer();
    chain.add(GOOD.roots().anchors().get(0).certificate().getEncoded());
    assertThat(AndroidKeyAttestation.verify(chain, GOOD.challenge(), AT, GOOD.policy()).appId())
        .isEqualTo(AndroidTestChains.DEFAULT_PACKAGE);
  }

  @Test
  void anEd25519LeafKeyVerifies() throws Exception {
    AndroidTestChains c = AndroidTestChains.builder().ed25519LeafKey().build();
    AttestationResult r = verify(c);
    assertThat(r.attestedKey().getAlgorithm().getAlgorithm().getId()).isEqualTo("1.3.101.112");
  }

  @Test
  void securityLevelAndBootStateComeFromTheRecord() throws Exception {
    AndroidTestChains strongBox =
        AndroidTestChains.builder()
            .securityLevel(SecurityLevel.STRONG_BOX, SecurityLevel.STRONG_BOX)
            .bootState(VerifiedBootState.SELF_SIGNED, false)
            .build();
    AttestationResult r = verify(strongBox);
    assertThat(r.securityLevel()).isEqualTo(SecurityLevel.STRONG_BOX);
    assertThat(r.bootState()).isEqualTo("SELF_SIGNED");
    assertThat(r.deviceLocked()).isFalse();

    // A software attestation carries its root of trust in softwareEnforced.
    AndroidTestChains software =
        AndroidTestChains.builder()
            .securityLevel(SecurityLevel.SOFTWARE, SecurityLevel.SOFTWARE)
            .bootState(VerifiedBootState.UNVERIFIED, true)
            .build();
    AndroidKeyDescription d = AndroidKeyAttestation.describe(software.chainDer());
    assertThat(d.hardwareEnforced().rootOfTrust()).isNull();
    assertThat(d.softwareEnforced().rootOfTrust()).isNotNull();
    r = verify(software);
    assertThat(r.securityLevel()).isEqualTo(SecurityLevel.SOFTWARE);
    assertThat(r.bootState()).isEqualTo("UNVERIFIED");
    assertThat(r.deviceLocked()).isTrue();

    AndroidTestChains none = AndroidTestChains.builder().bootState(null, true).build();
    r = verify(none);
    assertThat(r.bootState()).isNull();
    assertThat(r.deviceLocked()).isFalse();
  }

  @Test
  void aTamperedLeafFailsTheChainCheck() {
    List<byte[]> sig = GOOD.chainDer();
    sig.get(0)[sig.get(0).length - 1] ^= 0x01;
    fails(
        AttestationCheck.CHAIN,
        () -> AndroidKeyAttestation.verify(sig, GOOD.challenge(), AT, GOOD.policy()));

    // In the signed part: change one byte of the challenge inside the leaf's record. The
    // signature check comes first, so this is CHAIN, not CHALLENGE.
    List<byte[]> tbs = GOOD.chainDer();
    int at = indexOf(tbs.get(0), GOOD.challenge());
    assertThat(at).isPositive();
    tbs.get(0)[at] ^= 0x20;
    AttestationException e =
        fails(
            AttestationCheck.CHAIN,
            () -> AndroidKeyAttestation.verify(tbs, GOOD.challenge(), AT, GOOD.policy()));
    assertThat(e.getMessage()).contains("certificate 0's signature");
  }

  @Test
  void anotherRootFails() {
    AndroidTestChains other = AndroidTestChains.builder().build();
    fails(
        AttestationCheck.ROOT,
        () ->
            AndroidKeyAttestation.verify(
                GOOD.chainDer(), GOOD.challenge(), AT, withApps(other, allowed(GOOD))));
  }

  @Test
  void anExpiredOrNotYetValidLeafFails() {
    AndroidTestChains c =
        AndroidTestChains.builder()
            .leafValidity(
                Instant.parse("2024-06-01T00:00:00Z"), Instant.parse("2024-12-01T00:00:00Z"))
            .build();
    AttestationException expired =
        fails(
            AttestationCheck.VALIDITY,
            () -> AndroidKeyAttestation.verify(c.chainDer(), c.challenge(), AT, c.policy()));
    assertThat(expired.getMessage()).contains("certificate 0");
    long before = Instant.parse("2024-05-31T23:59:59Z").toEpochMilli();
    fails(
        AttestationCheck.VALIDITY,
        () -> AndroidKeyAttestation.verify(c.chainDer(), c.challenge(), before, c.policy()));
    long inside = Instant.parse("2024-09-01T00:00:00Z").toEpochMilli();
    assertThat(
            catchThrowable(
                () ->
                    AndroidKeyAttestation.verify(c.chainDer(), c.challenge(), inside, c.policy())))
        .isNull();
  }

  @Test
  void aRevokedIntermediateFails() throws Exception {
    BigInteger serial = new BigInteger("00ab12cd34ef5678", 16);
    AndroidTestChains c = AndroidTestChains.builder().intermediateSerial(serial).build();
    AndroidStatusList list =
        AndroidStatusList.parse(
            "{\"entries\": {\"AB12CD34EF5678\": {\"status\": \"REVOKED\", \"reason\":"
                + " \"KEY_COMPROMISE\"}}}",
            "test-status.json");
    Policy p = new Policy(c.roots(), List.of(allowed(c)), list);
    AttestationException e =
        fails(
            AttestationCheck.REVOKED,
            () -> AndroidKeyAttestation.verify(c.chainDer(), c.challenge(), AT, p));
    assertThat(e.getMessage())
        .contains(
            "certificate 1", "ab12cd34ef5678", "REVOKED", "KEY_COMPROMISE", "test-status.json");

    // The same list does not touch a chain whose serials it does not list.
    assertThat(
            AndroidKeyAttestation.verify(
                    GOOD.chainDer(),
                    GOOD.challenge(),
                    AT,
                    new Policy(GOOD.roots(), List.of(allowed(GOOD)), list))
                .appId())
        .isEqualTo(AndroidTestChains.DEFAULT_PACKAGE);
  }

  @Test
  void aWrongChallengeFails() {
    byte[] wrong = GOOD.challenge();
    wrong[0] ^= 1;
    fails(
        AttestationCheck.CHALLENGE,
        () -> AndroidKeyAttestation.verify(GOOD.chainDer(), wrong, AT, GOOD.policy()));
    fails(
        AttestationCheck.CHALLENGE,
        () -> AndroidKeyAttestation.verify(GOOD.chainDer(), new byte[0], AT, GOOD.policy()));
  }

  @Test
  void theAppMustBeAllowedWithItsSigningCertificate() throws Exception {
    byte[] digest = GOOD.signingDigest();
    AttestationException e =
        fails(
            AttestationCheck.APP_ID,
            () ->
                AndroidKeyAttestation.verify(
                    GOOD.chainDer(),
                    GOOD.challenge(),
                    AT,
                    withApps(GOOD, new AllowedApp("org.example.other", digest))));
    assertThat(e.getMessage()).contains("none of the key's 1 packages", GOOD.packageName());

    byte[] otherDigest = digest.clone();
    otherDigest[31] ^= 1;
    e =
        fails(
            AttestationCheck.APP_ID,
            () ->
                AndroidKeyAttestation.verify(
                    GOOD.chainDer(),
                    GOOD.challenge(),
                    AT,
                    withApps(GOOD, new AllowedApp(GOOD.packageName(), otherDigest))));
    assertThat(e.getMessage()).contains("is allowed but");

    e =
        fails(
            AttestationCheck.APP_ID,
            () ->
                AndroidKeyAttestation.verify(
                    GOOD.chainDer(), GOOD.challenge(), AT, withApps(GOOD)));
    assertThat(e.getMessage()).contains("no Android app is allowed");

    AndroidTestChains noId = AndroidTestChains.builder().withoutApplicationId().build();
    fails(AttestationCheck.APP_ID, () -> verify(noId));

    // Any entry of the allow list may match.
    AttestationResult r =
        AndroidKeyAttestation.verify(
            GOOD.chainDer(),
            GOOD.challenge(),
            AT,
            withApps(
                GOOD,
                new AllowedApp(GOOD.packageName(), otherDigest),
                new AllowedApp("org.example.other", digest),
                allowed(GOOD)));
    assertThat(r.appId()).isEqualTo(GOOD.packageName());
  }

  @Test
  void aLeafWithoutTheExtensionFails() throws Exception {
    AndroidTestChains c = AndroidTestChains.builder().withoutKeyDescription().build();
    fails(AttestationCheck.EXTENSION, () -> verify(c));
    fails(AttestationCheck.EXTENSION, () -> AndroidKeyAttestation.describe(c.chainDer()));
    assertThat(AndroidKeyDescription.fromChain(CertificateChains.parse(c.chainDer()))).isNull();
  }

  @Test
  void anExtensionThatDoesNotParseFails() {
    AndroidTestChains garbage =
        AndroidTestChains.builder().rawKeyDescription(new byte[] {0x30, 0x05, 0x02}).build();
    fails(AttestationCheck.MALFORMED, () -> verify(garbage));
    AndroidTestChains wrongShape =
        AndroidTestChains.builder()
            .rawKeyDescription(der(new DERSequence(new ASN1Integer(3))))
            .build();
    fails(AttestationCheck.EXTENSION, () -> verify(wrongShape));
  }

  @Test
  void aCertificateBelowTheLeafFails() throws Exception {
    // The leaf can issue: the chain checks pass, and the record nearest the root is the leaf's,
    // at index 1, so the chain has a certificate below the attested key.
    AndroidTestChains c = AndroidTestChains.builder().certBelowLeaf(true).leafIsCa(true).build();
    assertThat(c.chainDer()).hasSize(3);
    AndroidKeyDescription.Found found =
        AndroidKeyDescription.fromChain(CertificateChains.parse(c.chainDer()));
    assertThat(found.certificateIndex()).isEqualTo(1);
    assertThat(found.description().attestationSecurityLevel())
        .isEqualTo(SecurityLevel.TRUSTED_ENVIRONMENT);
    // The forged record below claims StrongBox.
    AndroidKeyDescription forged =
        AndroidKeyDescription.fromChain(CertificateChains.parse(c.chainDer().subList(0, 1)))
            .description();
    assertThat(forged.attestationSecurityLevel()).isEqualTo(SecurityLevel.STRONG_BOX);
    AttestationException e = fails(AttestationCheck.CHAIN, () -> verify(c));
    assertThat(e.getMessage()).contains("below the attested key");

    // A leaf that is not a CA cannot issue at all.
    AndroidTestChains notCa = AndroidTestChains.builder().certBelowLeaf(true).build();
    e = fails(AttestationCheck.CHAIN, () -> verify(notCa));
    assertThat(e.getMessage()).contains("certificate 1", "not a CA");
  }

  @Test
  void anIssuerThatIsNotACaFails() {
    AndroidTestChains c = AndroidTestChains.builder().intermediateIsCa(false).build();
    AttestationException e = fails(AttestationCheck.CHAIN, () -> verify(c));
    assertThat(e.getMessage()).contains("not a CA");
  }

  @Test
  void malformedOrOversizedInputFails() {
    fails(
        AttestationCheck.MALFORMED,
        () ->
            AndroidKeyAttestation.verify(
                List.of(new byte[] {0x30, 0x03, 0x02, 0x01}), GOOD.challenge(), AT, GOOD.policy()));
    fails(
        AttestationCheck.MALFORMED,
        () -> AndroidKeyAttestation.verify(List.of(), GOOD.challenge(), AT, GOOD.policy()));
    List<byte[]> nine = new ArrayList<>(Collections.nCopies(9, GOOD.chainDer().get(0)));
    AttestationException e =
        fails(
            AttestationCheck.MALFORMED,
            () -> AndroidKeyAttestation.verify(nine, GOOD.challenge(), AT, GOOD.policy()));
    assertThat(e.getMessage()).contains("got 9");
  }

  @Test
  void describeReturnsTheRecordWithoutChecks() throws Exception {
    AndroidKeyDescription d = AndroidKeyAttestation.describe(GOOD.chainDer());
    assertThat(d.attestationVersion()).isEqualTo(300);
    assertThat(d.keyMintVersion()).isEqualTo(300);
    assertThat(d.attestationChallenge()).isEqualTo(GOOD.challenge());
    assertThat(d.uniqueId()).isEmpty();
    assertThat(d.hardwareEnforced().purpose()).containsExactly(2);
    assertThat(d.hardwareEnforced().algorithm()).isEqualTo(3);
    assertThat(d.hardwareEnforced().keySize()).isEqualTo(256);
    assertThat(d.hardwareEnforced().ecCurve()).isEqualTo(1);
    assertThat(d.hardwareEnforced().noAuthRequired()).isTrue();
    assertThat(d.hardwareEnforced().osVersion()).isEqualTo(140000);
    assertThat(d.softwareEnforced().attestationApplicationId().packages())
        .containsExactly(
            new AndroidAuthorizationList.AttestationApplicationId.PackageInfo(
                GOOD.packageName(), 42));
    assertThat(
            d.softwareEnforced()
                .attestationApplicationId()
                .hasSignatureDigest(GOOD.signingDigest()))
        .isTrue();
    assertThat(AndroidKeyDescription.parse(GOOD.keyDescriptionDer()).attestationChallenge())
        .isEqualTo(GOOD.challenge());
  }

  @Test
  void recordsCopyTheirArrays() throws Exception {
    AndroidKeyDescription d = AndroidKeyDescription.parse(GOOD.keyDescriptionDer());
    d.attestationChallenge()[0] ^= 1;
    assertThat(d.attestationChallenge()).isEqualTo(GOOD.challenge());
    AllowedApp a = allowed(GOOD);
    a.signingCertificateSha256()[0] ^= 1;
    assertThat(a.signingCertificateSha256()).isEqualTo(GOOD.signingDigest());
    assertThatThrownBy(() -> new AllowedApp("x", new byte[31]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("32 bytes");
    assertThatThrownBy(() -> new AllowedApp("", new byte[32]))
        .isInstanceOf(IllegalArgumentException.class);
  }

  // Authorization list rules, on lists encoded here.

  @Test
  void aRepeatedSetTagIsMergedAndOtherRepeatedTagsAreRejected() throws Exception {
    AndroidAuthorizationList merged =
        AndroidAuthorizationList.parse(
            der(
                new DERSequence(
                    new ASN1Encodable[] {
                      tagged(5, new DERSet(new ASN1Integer(1))),
                      tagged(
                          5,
                          new DERSet(new ASN1Encodable[] {new ASN1Integer(4), new ASN1Integer(1)})),
                      tagged(1, new DERSet(new ASN1Integer(2))),
                      tagged(1, new DERSet(new ASN1Integer(3))),
                    })));
    assertThat(merged.digest()).containsExactly(1, 4);
    assertThat(merged.purpose()).containsExactly(2, 3);

    for (int tag : new int[] {2, 3, 10, 200, 503, 701, 702, 705, 706, 718, 719, 720}) {
      ASN1Encodable v = tag == 503 || tag == 720 ? DERNull.INSTANCE : new ASN1Integer(1);
      AttestationException e =
          fails(
              AttestationCheck.EXTENSION,
              () ->
                  AndroidAuthorizationList.parse(
                      der(new DERSequence(new ASN1Encodable[] {tagged(tag, v), tagged(tag, v)}))));
      assertThat(e.getMessage()).contains("tag " + tag + " repeated");
    }
  }

  @Test
  void unknownTagsAreSkippedAndOrderIsFree() throws Exception {
    AndroidAuthorizationList l =
        AndroidAuthorizationList.parse(
            der(
                new DERSequence(
                    new ASN1Encodable[] {
                      tagged(702, new ASN1Integer(0)),
                      tagged(9999, new DEROctetString(new byte[] {1, 2, 3})),
                      tagged(9999, new DERSequence()),
                      tagged(600, DERNull.INSTANCE),
                      tagged(2, new ASN1Integer(3)),
                    })));
    assertThat(l.origin()).isZero();
    assertThat(l.algorithm()).isEqualTo(3);
    assertThat(l.purpose()).isEmpty();
    assertThat(l.rootOfTrust()).isNull();
    assertThat(l.noAuthRequired()).isFalse();
  }

  @Test
  void listsThatBreakTheSchemaAreRejected() {
    // Implicit tag, wrong types, untagged element, out-of-range integer.
    List<byte[]> bad =
        List.of(
            der(new DERSequence(new DERTaggedObject(false, 2, new ASN1Integer(3)))),
            der(new DERSequence(tagged(2, new DEROctetString(new byte[1])))),
            der(new DERSequence(tagged(1, new ASN1Integer(2)))),
            der(new DERSequence(tagged(503, new ASN1Integer(0)))),
            der(new DERSequence(new ASN1Integer(3))),
            der(new DERSequence(tagged(3, new ASN1Integer(BigInteger.ONE.shiftLeft(40))))),
            der(new DERSequence(tagged(709, new ASN1Integer(0)))),
            der(new DERSequence(tagged(704, new DERSequence(new ASN1Integer(0))))));
    for (byte[] b : bad) {
      fails(AttestationCheck.EXTENSION, () -> AndroidAuthorizationList.parse(b));
    }
    fails(
        AttestationCheck.MALFORMED, () -> AndroidAuthorizationList.parse(new byte[] {0x30, 0x7f}));
    // An application id whose inner bytes are not DER.
    fails(
        AttestationCheck.MALFORMED,
        () ->
            AndroidAuthorizationList.parse(
                der(new DERSequence(tagged(709, new DEROctetString(new byte[] {0x30, 0x10}))))));
  }

  @Test
  void keyDescriptionsThatBreakTheSchemaAreRejected() throws Exception {
    byte[] good = GOOD.keyDescriptionDer();
    ASN1Sequence s = ASN1Sequence.getInstance(good);
    ASN1Encodable[] f = s.toArray();
    f[1] = new org.bouncycastle.asn1.ASN1Enumerated(3);
    AttestationException e =
        fails(
            AttestationCheck.EXTENSION, () -> AndroidKeyDescription.parse(der(new DERSequence(f))));
    assertThat(e.getMessage()).contains("attestationSecurityLevel 3");
    fails(
        AttestationCheck.EXTENSION,
        () -> AndroidKeyDescription.parse(der(new DERSequence(new ASN1Integer(3)))));
    fails(AttestationCheck.MALFORMED, () -> AndroidKeyDescription.parse(new byte[0]));
    byte[] trailing = java.util.Arrays.copyOf(good, good.length + 1);
    fails(AttestationCheck.MALFORMED, () -> AndroidKeyDescription.parse(trailing));
    // Fields after the eighth are ignored.
    ASN1Encodable[] longer = java.util.Arrays.copyOf(s.toArray(), 9);
    longer[8] = new ASN1Integer(7);
    assertThat(AndroidKeyDescription.parse(der(new DERSequence(longer))).attestationVersion())
        .isEqualTo(300);
  }

  @Test
  void patchLevelsReadAsDates() {
    assertThat(AndroidAuthorizationList.patchLevelDate(201907)).isEqualTo(LocalDate.of(2019, 7, 1));
    assertThat(AndroidAuthorizationList.patchLevelDate(20190705))
        .isEqualTo(LocalDate.of(2019, 7, 5));
    assertThat(AndroidAuthorizationList.patchLevelDate(20190700))
        .isEqualTo(LocalDate.of(2019, 7, 1));
    assertThatThrownBy(() -> AndroidAuthorizationList.patchLevelDate(20191301))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> AndroidAuthorizationList.patchLevelDate(0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  // Status list parsing.

  @Test
  void statusListKeysIgnoreCaseAndLeadingZeros() {
    AndroidStatusList l =
        AndroidStatusList.parse(
            "{\"entries\":{\"00Ab\":{\"status\":\"SUSPENDED\",\"comment\":\"c\",\"expires\":\"x\"}}}",
            "s");
    assertThat(l.size()).isEqualTo(1);
    assertThat(l.statusOf("ab"))
        .isEqualTo(new AndroidStatusList.Entry("00Ab", "SUSPENDED", null, "c"));
    assertThat(l.statusOf("000AB")).isNotNull();
    assertThat(l.statusOf("abc")).isNull();
    assertThatThrownBy(() -> l.statusOf("xyz")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void malformedStatusListsAreRejected() {
    Map<String, String> bad =
        Map.of(
            "not json", "not JSON",
            "{\"entries\": []}", "no \"entries\" object",
            "{}", "no \"entries\" object",
            "[]", "no \"entries\" object",
            "{\"entries\": {\"xyz\": {\"status\": \"REVOKED\"}}}", "\"xyz\" is not a hex",
            "{\"entries\": {\"ab\": {\"reason\": \"KEY_COMPROMISE\"}}}", "no \"status\" string",
            "{\"entries\": {\"ab\": \"REVOKED\"}}", "no \"status\" string",
            "{\"entries\": {\"ab\": {\"status\": 1}}}", "no \"status\" string",
            "{\"entries\": {\"ab\": {\"status\": \"REVOKED\"}, \"0AB\": {\"status\": \"REVOKED\"}}}",
                "listed twice",
            "{\"entries\": {\"ab\": {\"status\": \"REVOKED\"}, \"ab\": {\"status\": \"REVOKED\"}}}",
                "not JSON");
    bad.forEach(
        (json, message) ->
            assertThatThrownBy(() -> AndroidStatusList.parse(json, "list.json"))
                .as(json)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("list.json: ")
                .hasMessageContaining(message));
    assertThatThrownBy(() -> AndroidStatusList.parse("{} {}", "list.json"))
        .isInstanceOf(IllegalArgumentException.class);
    String huge = " ".repeat(AndroidStatusList.MAX_JSON_CHARS + 1);
    assertThatThrownBy(() -> AndroidStatusList.parse(huge, "list.json"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("over");
  }

  @Test
  void aCertificateIsLookedUpByItsHexAndDecimalSerial() throws Exception {
    BigInteger serial = new BigInteger("12345678901234567890");
    AndroidTestChains c = AndroidTestChains.builder().intermediateSerial(serial).build();
    X509CertificateHolder intermediate = new X509CertificateHolder(c.chainDer().get(1));
    String entry = "{\"status\": \"REVOKED\"}";
    AndroidStatusList hex =
        AndroidStatusList.parse(
            "{\"entries\": {\"" + serial.toString(16) + "\": " + entry + "}}", "h");
    AndroidStatusList dec =
        AndroidStatusList.parse("{\"entries\": {\"" + serial + "\": " + entry + "}}", "d");
    assertThat(hex.statusOf(intermediate).serial()).isEqualTo(serial.toString(16));
    assertThat(dec.statusOf(intermediate).serial()).isEqualTo(serial.toString());
    assertThat(hex.statusOf(new X509CertificateHolder(c.chainDer().get(0)))).isNull();
    fails(
        AttestationCheck.REVOKED,
        () ->
            AndroidKeyAttestation.verify(
                c.chainDer(), c.challenge(), AT, new Policy(c.roots(), List.of(allowed(c)), dec)));
  }

  @Test
  void aSeedMakesTheSameChain() {
    List<byte[]> a = AndroidTestChains.builder().seed(7).build().chainDer();
    List<byte[]> b = AndroidTestChains.builder().seed(7).build().chainDer();
    List<byte[]> c = AndroidTestChains.builder().seed(8).build().chainDer();
    for (int i = 0; i < a.size(); i++) {
      assertThat(a.get(i)).isEqualTo(b.get(i)).isNotEqualTo(c.get(i));
    }
  }

  // Randomized: flipped bytes must fail with an AttestationException and nothing else.

  @Test
  void flippedBytesInAChainFailWithAnAttestationException() throws Exception {
    long seed = Long.getLong("rcskt.seed", 0x5EED_A77E_57L);
    System.out.println("AndroidKeyAttestationTest flipped-bytes seed: " + seed);
    Random random = new Random(seed);
    AndroidTestChains fixed = AndroidTestChains.builder().seed(seed).build();
    AttestationResult good = verify(fixed);
    List<byte[]> chain = fixed.chainDer();
    Map<AttestationCheck, Integer> seen = new EnumMap<>(AttestationCheck.class);
    int same = 0;
    for (int round = 0; round < 1500; round++) {
      List<byte[]> copy = new ArrayList<>();
      chain.forEach(d -> copy.add(d.clone()));
      int cert = random.nextInt(copy.size());
      int flips = 1 + random.nextInt(3);
      StringBuilder where = new StringBuilder();
      for (int i = 0; i < flips; i++) {
        int pos = random.nextInt(copy.get(cert).length);
        copy.get(cert)[pos] ^= (byte) (1 + random.nextInt(255));
        where.append(pos).append(' ');
      }
      try {
        // A flip may leave the meaning unchanged: Bouncy Castle reads a BOOLEAN TRUE written as
        // any non-zero byte, re-encodes it as 0xFF for the signature check, and the chain's DER
        // check compares the stored bytes. Then the result must be the same.
        AttestationResult r =
            AndroidKeyAttestation.verify(copy, fixed.challenge(), AT, fixed.policy());
        same++;
        assertThat(r)
            .as("seed %d round %d cert %d at %s", seed, round, cert, where)
            .isEqualTo(good);
      } catch (AttestationException e) {
        seen.merge(e.check(), 1, Integer::sum);
      } catch (RuntimeException | Error e) {
        throw new AssertionError(
            "seed " + seed + " round " + round + " cert " + cert + " at " + where + ": " + e, e);
      }
    }
    System.out.println(
        "AndroidKeyAttestationTest flipped-bytes failures by check: " + seen + ", same: " + same);
    assertThat(seen).containsKeys(AttestationCheck.MALFORMED, AttestationCheck.CHAIN);
  }

  @Test
  void flippedBytesInAKeyDescriptionParseOrFailWithAnAttestationException() {
    long seed = Long.getLong("rcskt.seed", 0x5EED_DE5CL);
    System.out.println("AndroidKeyAttestationTest key-description seed: " + seed);
    Random random = new Random(seed);
    byte[] good = AndroidTestChains.builder().seed(seed).build().keyDescriptionDer();
    int parsed = 0;
    for (int round = 0; round < 20_000; round++) {
      byte[] copy = good.clone();
      int pos = random.nextInt(copy.length);
      copy[pos] ^= (byte) (1 + random.nextInt(255));
      try {
        AndroidKeyDescription.parse(copy);
        parsed++;
      } catch (AttestationException e) {
        assertThat(e.check()).isIn(AttestationCheck.MALFORMED, AttestationCheck.EXTENSION);
      } catch (RuntimeException | Error e) {
        throw new AssertionError("seed " + seed + " round " + round + " at " + pos + ": " + e, e);
      }
    }
    // Flips inside values (the challenge, digests) still parse.
    assertThat(parsed).isPositive();
  }

  private static AllowedApp allowed(AndroidTestChains c) {
    return new AllowedApp(c.packageName(), c.signingDigest());
  }

  private static DERTaggedObject tagged(int tag, ASN1Encodable v) {
    return new DERTaggedObject(true, tag, v);
  }

  private static byte[] der(ASN1Encodable v) {
    try {
      return v.toASN1Primitive().getEncoded("DER");
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
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
    return -1;
  }
}
