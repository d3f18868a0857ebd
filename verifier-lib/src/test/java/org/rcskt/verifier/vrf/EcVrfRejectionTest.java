package org.rcskt.verifier.vrf;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.rcskt.verifier.vrf.VrfVerificationException.Reason;

/** Every way {@link EcVrf#verify} and {@link EcVrf#proofToHash} refuse input, with the message. */
class EcVrfRejectionTest {
  private static final HexFormat HEX = HexFormat.of();

  /** RFC 9381 example 16 (RFC 8032 test 1's key, empty alpha). */
  private static final byte[] SK =
      HEX.parseHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");

  private static final byte[] PK = EcVrf.publicKey(SK);
  private static final byte[] ALPHA = "rcskt".getBytes(US_ASCII);
  private static final byte[] PI = EcVrf.prove(SK, ALPHA);

  /**
   * The eight points of small order, canonically encoded: the identity, (0, -1) of order 2, the two
   * points of order 4 with y = 0 and the four of order 8. Checked below, not taken on trust.
   */
  static final List<String> SMALL_ORDER =
      List.of(
          "0100000000000000000000000000000000000000000000000000000000000000",
          "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
          "0000000000000000000000000000000000000000000000000000000000000000",
          "0000000000000000000000000000000000000000000000000000000000000080",
          "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
          "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85",
          "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
          "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa");

  private static VrfVerificationException refusal(byte[] pk, byte[] alpha, byte[] pi) {
    return catchThrowableOfType(() -> EcVrf.verify(pk, alpha, pi), VrfVerificationException.class);
  }

  private static void assertRefused(byte[] pk, byte[] pi, Reason reason, String message) {
    VrfVerificationException e = refusal(pk, ALPHA, pi);
    assertThat(e).as("verify refuses %s", reason).isNotNull();
    assertThat(e.reason()).isEqualTo(reason);
    assertThat(e).hasMessage(message);
  }

  private static byte[] withGamma(String gammaHex) {
    byte[] pi = PI.clone();
    System.arraycopy(HEX.parseHex(gammaHex), 0, pi, 0, 32);
    return pi;
  }

  private static byte[] withS(BigInteger s) {
    byte[] pi = PI.clone();
    System.arraycopy(Scalar25519.toLittleEndian(s, 32), 0, pi, 48, 32);
    return pi;
  }

  @Test
  void theUntamperedProofVerifies() throws Exception {
    assertThat(EcVrf.verify(PK, ALPHA, PI)).isEqualTo(EcVrf.proofToHash(PI)).hasSize(64);
  }

  @Test
  void wrongProofLengths() {
    for (int len : new int[] {0, 1, 32, 48, 79, 81, 160}) {
      byte[] pi = Arrays.copyOf(PI, len);
      String message = "ECVRF proof must be 80 bytes, got " + len;
      assertRefused(PK, pi, Reason.PROOF_LENGTH, message);
      assertThatThrownBy(() -> EcVrf.proofToHash(pi))
          .isInstanceOf(VrfVerificationException.class)
          .hasMessage(message);
    }
    assertRefused(PK, null, Reason.PROOF_LENGTH, "ECVRF proof must be 80 bytes, got 0");
  }

  @Test
  void wrongKeyLengths() {
    for (int len : new int[] {0, 31, 33, 64}) {
      assertRefused(
          Arrays.copyOf(PK, len),
          PI,
          Reason.PUBLIC_KEY_LENGTH,
          "ECVRF public key must be 32 bytes, got " + len);
    }
    assertRefused(null, PI, Reason.PUBLIC_KEY_LENGTH, "ECVRF public key must be 32 bytes, got 0");
    assertThatThrownBy(() -> EcVrf.prove(new byte[31], ALPHA))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("ECVRF secret key must be 32 bytes, got 31");
    assertThatThrownBy(() -> EcVrf.publicKey(new byte[33]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("ECVRF secret key must be 32 bytes, got 33");
  }

  @Test
  void theListedSmallOrderPointsAreTheEightPointsOfSmallOrder() {
    Set<String> distinct = new HashSet<>();
    for (String hex : SMALL_ORDER) {
      Edwards25519.Point p = Edwards25519.identity();
      assertThat(Edwards25519.decode(HEX.parseHex(hex), 0, p)).as(hex).isNull();
      assertThat(HEX.formatHex(Edwards25519.encode(p))).isEqualTo(hex);
      assertThat(Edwards25519.isIdentity(Edwards25519.mulByCofactor(p))).as(hex).isTrue();
      distinct.add(hex);
    }
    assertThat(distinct).hasSize(8);
    assertThat(Edwards25519.isIdentity(decoded(SMALL_ORDER.get(0)))).isTrue();
    // Orders 2 and 4 and 8: 2P, 4P are not the identity where the order is higher.
    assertThat(Edwards25519.isIdentity(Edwards25519.dbl(decoded(SMALL_ORDER.get(1))))).isTrue();
    for (int i = 2; i < 4; i++) {
      Edwards25519.Point p = decoded(SMALL_ORDER.get(i));
      assertThat(Edwards25519.isIdentity(Edwards25519.dbl(p))).isFalse();
      assertThat(Edwards25519.isIdentity(Edwards25519.dbl(Edwards25519.dbl(p)))).isTrue();
    }
    for (int i = 4; i < 8; i++) {
      Edwards25519.Point p = decoded(SMALL_ORDER.get(i));
      assertThat(Edwards25519.isIdentity(Edwards25519.dbl(Edwards25519.dbl(p)))).isFalse();
    }
  }

  private static Edwards25519.Point decoded(String hex) {
    Edwards25519.Point p = Edwards25519.identity();
    assertThat(Edwards25519.decode(HEX.parseHex(hex), 0, p)).isNull();
    return p;
  }

  @Test
  void smallOrderKeys() {
    for (String hex : SMALL_ORDER) {
      assertRefused(
          HEX.parseHex(hex),
          PI,
          Reason.PUBLIC_KEY_SMALL_ORDER,
          "ECVRF public key " + hex + " has small order (8 times it is the identity)");
    }
  }

  @Test
  void smallOrderComponentInAKeyIsNotSmallOrder() throws Exception {
    // PK + T for T of order 8 is a canonical point of large order: validate_key passes it, and the
    // proof (made for PK) fails on the challenge.
    Edwards25519.Point mixed =
        Edwards25519.add(decoded(HEX.formatHex(PK)), decoded(SMALL_ORDER.get(4)));
    byte[] pk = Edwards25519.encode(mixed);
    VrfVerificationException e = refusal(pk, ALPHA, PI);
    assertThat(e.reason()).isEqualTo(Reason.CHALLENGE_MISMATCH);
  }

  @Test
  void nonCanonicalKeys() {
    String y = " is not a canonical point encoding: y is not below 2^255 - 19";
    String zero = " is not a canonical point encoding: x is 0 but the sign bit is set";
    // y = p + 1 (the identity's y, plus p), y = p (y = 0, a point of order 4), y = 2^255 - 1.
    for (String hex :
        List.of(
            "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
            "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
            "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
            "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff")) {
      assertRefused(
          HEX.parseHex(hex), PI, Reason.PUBLIC_KEY_ENCODING, "ECVRF public key " + hex + y);
    }
    // x = 0 with the sign bit: the identity and (0, -1) with the top bit set.
    for (String hex :
        List.of(
            "0100000000000000000000000000000000000000000000000000000000000080",
            "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff")) {
      assertRefused(
          HEX.parseHex(hex), PI, Reason.PUBLIC_KEY_ENCODING, "ECVRF public key " + hex + zero);
    }
    // A point of large order whose y is below 19 also has the encoding y + p: refused.
    for (int small = 2; small < 19; small++) {
      byte[] canonical = new byte[32];
      canonical[0] = (byte) small;
      Edwards25519.Point p = Edwards25519.identity();
      if (Edwards25519.decode(canonical, 0, p) == null
          && !Edwards25519.isIdentity(Edwards25519.mulByCofactor(p))) {
        byte[] plusP =
            HEX.parseHex("edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f");
        plusP[0] = (byte) (0xed + small);
        assertRefused(
            plusP, PI, Reason.PUBLIC_KEY_ENCODING, "ECVRF public key " + HEX.formatHex(plusP) + y);
        return;
      }
    }
    throw new AssertionError("no point of large order with y below 19");
  }

  @Test
  void keyNotOnTheCurve() {
    byte[] pk = notOnCurve();
    assertRefused(
        pk,
        PI,
        Reason.PUBLIC_KEY_ENCODING,
        "ECVRF public key "
            + HEX.formatHex(pk)
            + " is not a point on edwards25519: no x satisfies the curve equation for its y");
  }

  /** The smallest y whose encoding is not a point (about half of all y are not). */
  private static byte[] notOnCurve() {
    for (int y = 2; ; y++) {
      byte[] b = new byte[32];
      b[0] = (byte) y;
      if (Edwards25519.decode(b, 0, Edwards25519.identity())
          == Edwards25519.DecodeFailure.NOT_ON_CURVE) {
        return b;
      }
    }
  }

  @Test
  void nonCanonicalGamma() {
    String hex = "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f";
    String message =
        "ECVRF proof Gamma "
            + hex
            + " is not a canonical point encoding: y is not below 2^255 - 19";
    assertRefused(PK, withGamma(hex), Reason.GAMMA_ENCODING, message);
    assertThatThrownBy(() -> EcVrf.proofToHash(withGamma(hex))).hasMessage(message);
    String negZero = "0100000000000000000000000000000000000000000000000000000000000080";
    assertRefused(
        PK,
        withGamma(negZero),
        Reason.GAMMA_ENCODING,
        "ECVRF proof Gamma "
            + negZero
            + " is not a canonical point encoding: x is 0 but the sign bit is set");
    String off = HEX.formatHex(notOnCurve());
    assertRefused(
        PK,
        withGamma(off),
        Reason.GAMMA_ENCODING,
        "ECVRF proof Gamma "
            + off
            + " is not a point on edwards25519: no x satisfies the curve equation for its y");
  }

  @Test
  void sNotBelowTheGroupOrder() {
    BigInteger s = Scalar25519.fromLittleEndian(Arrays.copyOfRange(PI, 48, 80));
    for (BigInteger bad :
        List.of(
            Scalar25519.L,
            Scalar25519.L.add(BigInteger.ONE),
            s.add(Scalar25519.L), // the same s mod L: the malleability the check prevents
            BigInteger.ONE.shiftLeft(256).subtract(BigInteger.ONE))) {
      byte[] pi = withS(bad);
      String message =
          "ECVRF proof scalar s "
              + HEX.formatHex(Arrays.copyOfRange(pi, 48, 80))
              + " (little-endian) is not below the group order L";
      assertRefused(PK, pi, Reason.S_NOT_REDUCED, message);
      assertThatThrownBy(() -> EcVrf.proofToHash(pi)).hasMessage(message);
    }
    // L - 1 is well-formed: decoding passes and the challenge fails.
    assertThat(refusal(PK, ALPHA, withS(Scalar25519.L.subtract(BigInteger.ONE))).reason())
        .isEqualTo(Reason.CHALLENGE_MISMATCH);
  }

  @Test
  void aProofForAnotherAlpha() throws Exception {
    byte[] other = EcVrf.prove(SK, "rcskt!".getBytes(US_ASCII));
    VrfVerificationException e = refusal(PK, ALPHA, other);
    assertThat(e.reason()).isEqualTo(Reason.CHALLENGE_MISMATCH);
    String c = HEX.formatHex(Arrays.copyOfRange(other, 32, 48));
    assertThat(e)
        .hasMessageStartingWith("ECVRF proof does not verify: its challenge c is " + c + " but ")
        .hasMessageMatching(".* but the key, alpha and proof give [0-9a-f]{32}");
    assertThat(refusal(PK, new byte[0], PI).reason()).isEqualTo(Reason.CHALLENGE_MISMATCH);
  }

  @Test
  void aProofUnderAnotherKey() {
    byte[] otherSk = SK.clone();
    otherSk[0] ^= 1;
    byte[] otherPk = EcVrf.publicKey(otherSk);
    assertThat(refusal(otherPk, ALPHA, PI).reason()).isEqualTo(Reason.CHALLENGE_MISMATCH);
    assertThat(refusal(PK, ALPHA, EcVrf.prove(otherSk, ALPHA)).reason())
        .isEqualTo(Reason.CHALLENGE_MISMATCH);
  }

  @Test
  void everyBitFlipIsRefused() {
    Random random = new Random(9381);
    int[] counts = new int[Reason.values().length];
    for (int part = 0; part < 3; part++) {
      int from = new int[] {0, 32, 48}[part];
      int to = new int[] {32, 48, 80}[part];
      for (int i = 0; i < 60; i++) {
        int bit = from * 8 + random.nextInt((to - from) * 8);
        byte[] pi = PI.clone();
        pi[bit >>> 3] ^= (byte) (1 << (bit & 7));
        VrfVerificationException e = refusal(PK, ALPHA, pi);
        assertThat(e).as("flipped bit %d of pi", bit).isNotNull();
        switch (part) {
          case 0 -> assertThat(e.reason()).isIn(Reason.GAMMA_ENCODING, Reason.CHALLENGE_MISMATCH);
          case 1 -> assertThat(e.reason()).isEqualTo(Reason.CHALLENGE_MISMATCH);
          default -> assertThat(e.reason()).isIn(Reason.S_NOT_REDUCED, Reason.CHALLENGE_MISMATCH);
        }
        counts[e.reason().ordinal()]++;
      }
    }
    // The loop met each kind of refusal the parts can produce.
    assertThat(counts[Reason.GAMMA_ENCODING.ordinal()]).isPositive();
    assertThat(counts[Reason.S_NOT_REDUCED.ordinal()]).isPositive();
    assertThat(counts[Reason.CHALLENGE_MISMATCH.ordinal()]).isPositive();
    // Flipping the key's bits is refused too.
    for (int i = 0; i < 60; i++) {
      int bit = random.nextInt(256);
      byte[] pk = PK.clone();
      pk[bit >>> 3] ^= (byte) (1 << (bit & 7));
      VrfVerificationException e = refusal(pk, ALPHA, PI);
      assertThat(e).as("flipped bit %d of the key", bit).isNotNull();
      assertThat(e.reason()).isIn(Reason.PUBLIC_KEY_ENCODING, Reason.CHALLENGE_MISMATCH);
    }
  }
}
