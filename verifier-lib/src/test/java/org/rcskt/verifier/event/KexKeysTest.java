package org.rcskt.verifier.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.rcskt.verifier.event.Fixtures.CARRIER;
import static org.rcskt.verifier.event.Fixtures.PHONE;
import static org.rcskt.verifier.event.Fixtures.PHONE2;
import static org.rcskt.verifier.event.Fixtures.T0;
import static org.rcskt.verifier.event.Fixtures.alice;
import static org.rcskt.verifier.event.Fixtures.anchors;
import static org.rcskt.verifier.event.Fixtures.ctx;
import static org.rcskt.verifier.event.Fixtures.pk;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.generators.MLKEMKeyPairGenerator;
import org.bouncycastle.crypto.generators.X25519KeyPairGenerator;
import org.bouncycastle.crypto.params.MLKEMKeyGenerationParameters;
import org.bouncycastle.crypto.params.MLKEMParameters;
import org.bouncycastle.crypto.params.MLKEMPublicKeyParameters;
import org.bouncycastle.crypto.params.X25519KeyGenerationParameters;
import org.bouncycastle.crypto.params.X25519PublicKeyParameters;
import org.bouncycastle.pqc.crypto.xwing.XWingKeyGenerationParameters;
import org.bouncycastle.pqc.crypto.xwing.XWingKeyPairGenerator;
import org.bouncycastle.pqc.crypto.xwing.XWingPublicKeyParameters;
import org.junit.jupiter.api.Test;

/** Key-agreement keys (X25519, ML-KEM-768, X-Wing) published by a device in KEYS events. */
class KexKeysTest {
  private static final SecureRandom RANDOM = new SecureRandom(new byte[] {7});
  private final AnchorRegistry reg = anchors();

  private static byte[] x25519Key() {
    X25519KeyPairGenerator g = new X25519KeyPairGenerator();
    g.init(new X25519KeyGenerationParameters(RANDOM));
    return ((X25519PublicKeyParameters) g.generateKeyPair().getPublic()).getEncoded();
  }

  private static byte[] mlKemKey() {
    MLKEMKeyPairGenerator g = new MLKEMKeyPairGenerator();
    g.init(new MLKEMKeyGenerationParameters(RANDOM, MLKEMParameters.ml_kem_768));
    return ((MLKEMPublicKeyParameters) g.generateKeyPair().getPublic()).getEncoded();
  }

  private static byte[] xWingKey() {
    XWingKeyPairGenerator g = new XWingKeyPairGenerator();
    g.init(new XWingKeyGenerationParameters(RANDOM));
    AsymmetricCipherKeyPair kp = g.generateKeyPair();
    return ((XWingPublicKeyParameters) kp.getPublic()).getEncoded();
  }

  private static List<KexKey> allThree() {
    return List.of(
        KexKey.of(KexAlgorithm.X25519, x25519Key(), 0),
        KexKey.of(KexAlgorithm.ML_KEM_768, mlKemKey(), T0 + 86_400_000L),
        KexKey.of(KexAlgorithm.X_WING, xWingKey(), 0));
  }

  private Applied apply(SubjectState s, KeyEvent e) throws Exception {
    return EventRules.verifyAndApply(s, EventCodec.decode(e.encoded()), reg, ctx());
  }

  private SubjectState registered() throws Exception {
    return apply(
            SubjectState.EMPTY,
            alice(SubjectState.EMPTY, T0).register("phone", pk(PHONE)).sign(PHONE, CARRIER))
        .state();
  }

  private static void violation(ThrowingCallable call, Violation kind, String message) {
    Throwable t = org.assertj.core.api.Assertions.catchThrowable(call);
    assertThat(t).isInstanceOf(RuleViolationException.class);
    assertThat(((RuleViolationException) t).violation()).isEqualTo(kind);
    if (message != null) {
      assertThat(t).hasMessage(message);
    }
  }

  @Test
  void aDevicePublishesItsKeysSignedByItsIdentityKeyAndARotationClearsThem() throws Exception {
    SubjectState s = registered();
    List<KexKey> keys = allThree();
    KeyEvent e = alice(s, T0 + 1).keys("phone", keys).sign(PHONE);
    assertThat(e.type()).isEqualTo(EventType.KEYS);
    // Binary and JSON forms round-trip.
    assertThat(EventCodec.decode(e.encoded())).isEqualTo(e);
    assertThat(EventJson.parse(EventJson.toJsonString(e)).encoded()).isEqualTo(e.encoded());
    Applied a = apply(s, e);
    s = a.state();
    assertThat(s.device("phone").kexKeys()).isEqualTo(keys);
    assertThat(s.device("phone").publicKey()).isEqualTo(pk(PHONE));
    assertThat(s.nextSequence()).isEqualTo(2);
    assertThat(SubjectState.fromBytes(s.toBytes())).isEqualTo(s);
    // X-Wing's public key is the ML-KEM-768 key then the X25519 key (1,184 + 32 bytes).
    assertThat(keys.get(2).key()).hasSize(1216);

    // Replacing with none clears them; a ROTATE clears them too.
    SubjectState cleared = apply(s, alice(s, T0 + 2).keys("phone", List.of()).sign(PHONE)).state();
    assertThat(cleared.device("phone").kexKeys()).isEmpty();
    SubjectState rotated =
        apply(s, alice(s, T0 + 2).rotate("phone", pk(PHONE2)).sign(PHONE2, PHONE)).state();
    assertThat(rotated.device("phone").kexKeys()).isEmpty();
    assertThat(SubjectState.fromBytes(rotated.toBytes())).isEqualTo(rotated);
  }

  @Test
  void onlyTheDevicesOwnKeyMaySignIt() throws Exception {
    SubjectState s = registered();
    List<KexKey> keys = allThree();
    violation(
        () -> apply(s, alice(s, T0 + 1).keys("phone", keys).sign(CARRIER)),
        Violation.MISSING_SIGNATURE,
        "KEYS of device phone must be signed by that device's key " + pk(PHONE).keyId());
    violation(
        () -> apply(s, alice(s, T0 + 1).keys("phone", keys).sign(PHONE, CARRIER)),
        Violation.UNEXPECTED_SIGNER,
        null);
    violation(
        () -> apply(s, alice(s, T0 + 1).keys("laptop", keys).sign(PHONE)),
        Violation.UNKNOWN_DEVICE,
        null);
  }

  @Test
  void invalidKeysAreRefusedNamingTheKeyAndTheProblem() throws Exception {
    SubjectState s = registered();
    // An X25519 key of small order: u = 0 (and the other small-order points alike).
    KexKey zero = KexKey.of(KexAlgorithm.X25519, new byte[32], 0);
    RuleViolationException e =
        (RuleViolationException)
            org.assertj.core.api.Assertions.catchThrowable(
                () -> apply(s, alice(s, T0 + 1).keys("phone", List.of(zero)).sign(PHONE)));
    assertThat(e.violation()).isEqualTo(Violation.INVALID_KEX_KEY);
    assertThat(e)
        .hasMessage(
            "payload.keyAgreementKeys[0] (X25519): the X25519 public key is of small order");
    assertThat(e.field(alice(s, T0 + 1).keys("phone", List.of(zero)).sign(PHONE)))
        .isEqualTo("payload.keyAgreementKeys");
    // An ML-KEM-768 key with a coefficient of 4095 >= q: the FIPS 203 modulus check.
    byte[] bad = mlKemKey();
    bad[0] = (byte) 0xff;
    bad[1] = (byte) 0x0f;
    violation(
        () ->
            apply(
                s,
                alice(s, T0 + 1)
                    .keys("phone", List.of(KexKey.of(KexAlgorithm.ML_KEM_768, bad, 0)))
                    .sign(PHONE)),
        Violation.INVALID_KEX_KEY,
        "payload.keyAgreementKeys[0] (ML_KEM_768): the ML-KEM-768 encapsulation key has a"
            + " coefficient of 4095 at byte 0, not below q = 3329 (FIPS 203 modulus check)");
    // X-Wing with a broken X25519 part.
    byte[] xw = xWingKey();
    Arrays.fill(xw, 1184, 1216, (byte) 0);
    violation(
        () ->
            apply(
                s,
                alice(s, T0 + 1)
                    .keys("phone", List.of(KexKey.of(KexAlgorithm.X_WING, xw, 0)))
                    .sign(PHONE)),
        Violation.INVALID_KEX_KEY,
        "payload.keyAgreementKeys[0] (X_WING): its X25519 part: the X25519 public key is of small"
            + " order");
    // Already expired.
    violation(
        () ->
            apply(
                s,
                alice(s, T0 + 10)
                    .keys("phone", List.of(KexKey.of(KexAlgorithm.X25519, x25519Key(), T0 + 5)))
                    .sign(PHONE)),
        Violation.KEY_EXPIRED,
        null);
  }

  @Test
  void malformedKeySetsAreRefusedByTheDecoders() {
    List<KexKey> keys = allThree();
    // Two keys of one algorithm, or out of order: refused when built and when decoded.
    assertThatThrownBy(() -> new EventPayload.Keys("phone", List.of(keys.get(1), keys.get(0))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "payload.keyAgreementKeys: keys must be in strictly ascending order of algorithm (one"
                + " per algorithm)");
    assertThatThrownBy(() -> KexKey.of(KexAlgorithm.ML_KEM_768, new byte[1183], 0))
        .hasMessage("key: ML_KEM_768 key must be 1184 bytes, got 1183 bytes");
    KeyEvent good =
        EventBuilder.forSubject(Fixtures.ALICE, "carrier.example")
            .sequence(1)
            .previousHash(Fixtures.ALICE)
            .timestampMs(T0)
            .keys("phone", List.of(keys.get(0)))
            .sign(PHONE);
    byte[] bytes = good.encoded();
    // The key's algorithm code sits right after the count byte: make it unknown.
    int at = indexOf(bytes, keys.get(0).key()) - 4;
    byte[] unknown = bytes.clone();
    unknown[at + 1] = 0x09;
    assertThatThrownBy(() -> EventCodec.decode(unknown))
        .isInstanceOf(EventFormatException.class)
        .hasMessage("payload.keyAgreementKeys[0].algorithm: unknown key-agreement algorithm 265");
    byte[] tooMany = bytes.clone();
    tooMany[at - 1] = 4;
    assertThatThrownBy(() -> EventCodec.decode(tooMany))
        .isInstanceOf(EventFormatException.class)
        .hasMessage("payload.keyAgreementKeys: count 4 is more than the maximum of 3");
    String json = EventJson.toJsonString(good).replace("\"X25519\"", "\"X448\"");
    assertThatThrownBy(() -> EventJson.parse(json))
        .isInstanceOf(EventFormatException.class)
        .hasMessage(
            "payload.keyAgreementKeys[0].algorithm: unknown key-agreement algorithm \"X448\"");
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    throw new AssertionError("not found");
  }
}
