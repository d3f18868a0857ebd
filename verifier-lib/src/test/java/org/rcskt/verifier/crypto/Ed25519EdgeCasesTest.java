package org.rcskt.verifier.crypto;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.rcskt.verifier.crypto.EdwardsReference.Point;

/**
 * The Ed25519 edge cases of docs/protocol.md section 7.1: signatures built with small-order
 * components, unreduced scalars and non-canonical encodings, and what a verifier must answer. The
 * cases are rebuilt here from their recipes with a BigInteger model of the curve; the test checks
 * that the document shows exactly these bytes, that {@link Ed25519} gives the stated verdict, and
 * what the cofactored and the cofactorless equation each answer (on a lenient, ref10-like
 * decoding), so that every case shows which rule alone rejects it.
 */
class Ed25519EdgeCasesTest {
  private static final HexFormat HEX = HexFormat.of();
  private static final String BLOCK = "ed25519-cases";

  /** The order-8 point T of the recipes; {@link EdwardsReference#orderEight()} finds it. */
  static final String T8 = "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a";

  record Case(String name, boolean accept, byte[] key, byte[] message, byte[] signature) {}

  private static byte[] seed(String name) {
    try {
      return java.security.MessageDigest.getInstance("SHA-256")
          .digest(("rcskt vector ed25519-" + name).getBytes(US_ASCII));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] message(String name) {
    return ("rcskt ed25519 case " + name).getBytes(US_ASCII);
  }

  /** The message with " " and a decimal counter appended (counter -1: the plain message). */
  private static byte[] message(String name, int counter) {
    return counter < 0
        ? message(name)
        : (("rcskt ed25519 case " + name + " " + counter)).getBytes(US_ASCII);
  }

  /** The nonce of every crafted signature: SHA-512(seed || message) mod L. */
  private static BigInteger nonce(byte[] seed, byte[] message) {
    return new BigInteger(1, EdwardsReference.sha512(seed, message)).mod(EdwardsReference.L);
  }

  private static byte[] sig(byte[] r, BigInteger s) {
    byte[] out = new byte[64];
    System.arraycopy(r, 0, out, 0, 32);
    System.arraycopy(EdwardsReference.scalarBytes(s), 0, out, 32, 32);
    return out;
  }

  /** S = r + k a mod L for R's encoding, the key's encoding and the message as given. */
  private static byte[] sign(byte[] rEnc, BigInteger r, byte[] pk, BigInteger a, byte[] m) {
    BigInteger k = EdwardsReference.challenge(rEnc, pk, m);
    return sig(rEnc, r.add(k.multiply(a)).mod(EdwardsReference.L));
  }

  /** The cases, deterministic from their names. */
  static List<Case> cases() {
    BigInteger eight = BigInteger.valueOf(8);
    Point t8 = EdwardsReference.orderEight();
    assertThat(HEX.formatHex(t8.encode())).isEqualTo(T8);
    Point identity = Point.IDENTITY;
    List<Case> out = new ArrayList<>();

    // An ordinary RFC 8032 signature.
    String n = "honest";
    Ed25519.KeyPair kp = Ed25519.KeyPair.fromSeed(seed(n));
    out.add(new Case(n, true, kp.publicKey().encoded(), message(n), kp.sign(message(n))));

    // The honest S plus the group order: both equations still hold, but S must be below L.
    n = "s-not-reduced";
    kp = Ed25519.KeyPair.fromSeed(seed(n));
    byte[] honest = kp.sign(message(n));
    BigInteger s =
        EdwardsReference.littleEndian(java.util.Arrays.copyOfRange(honest, 32, 64))
            .add(EdwardsReference.L);
    out.add(
        new Case(
            n,
            false,
            kp.publicKey().encoded(),
            message(n),
            sig(java.util.Arrays.copyOf(honest, 32), s)));

    // R = [r]B + T: only the cofactored equation holds.
    n = "r-small-order-component";
    byte[] sd = seed(n);
    BigInteger a = EdwardsReference.secretScalar(sd);
    byte[] pk = Ed25519.KeyPair.fromSeed(sd).publicKey().encoded();
    BigInteger r = nonce(sd, message(n));
    byte[] rEnc = EdwardsReference.BASE.times(r).add(t8).encode();
    out.add(new Case(n, false, pk, message(n), sign(rEnc, r, pk, a, message(n))));

    // R is the identity (r = 0): both equations hold; a small-order R is refused for itself.
    n = "r-identity";
    sd = seed(n);
    a = EdwardsReference.secretScalar(sd);
    pk = Ed25519.KeyPair.fromSeed(sd).publicKey().encoded();
    rEnc = identity.encode();
    out.add(new Case(n, false, pk, message(n), sign(rEnc, BigInteger.ZERO, pk, a, message(n))));

    // The identity as R, encoded with y = p + 1: R's y must be below p.
    n = "r-non-canonical";
    sd = seed(n);
    a = EdwardsReference.secretScalar(sd);
    pk = Ed25519.KeyPair.fromSeed(sd).publicKey().encoded();
    rEnc = EdwardsReference.encodeY(EdwardsReference.P.add(BigInteger.ONE), false);
    out.add(new Case(n, false, pk, message(n), sign(rEnc, BigInteger.ZERO, pk, a, message(n))));

    // The identity as R, encoded y = 1 with the sign bit set ("x = -0"): not canonical.
    n = "r-x0-sign-bit";
    sd = seed(n);
    a = EdwardsReference.secretScalar(sd);
    pk = Ed25519.KeyPair.fromSeed(sd).publicKey().encoded();
    rEnc = EdwardsReference.encodeY(BigInteger.ONE, true);
    out.add(new Case(n, false, pk, message(n), sign(rEnc, BigInteger.ZERO, pk, a, message(n))));

    // The public key is T, of order 8: R = [7]B, S = 7 satisfies the cofactored equation.
    n = "key-order-8";
    rEnc = EdwardsReference.BASE.times(BigInteger.valueOf(7)).encode();
    out.add(new Case(n, false, t8.encode(), message(n), sig(rEnc, BigInteger.valueOf(7))));

    // The identity as public key: R = [11]B, S = 11 satisfies both equations.
    n = "key-identity";
    rEnc = EdwardsReference.BASE.times(BigInteger.valueOf(11)).encode();
    out.add(new Case(n, false, identity.encode(), message(n), sig(rEnc, BigInteger.valueOf(11))));

    // Public key [a]B + T. The message gets a counter until k is not a multiple of 8, so that only
    // the cofactored equation holds; in "-k8" until it is, so that both hold and only the subgroup
    // rule refuses the key.
    for (boolean multipleOf8 : new boolean[] {false, true}) {
      n = "key-small-order-component" + (multipleOf8 ? "-k8" : "");
      sd = seed(n);
      a = EdwardsReference.secretScalar(sd);
      pk = EdwardsReference.BASE.times(a).add(t8).encode();
      byte[] m;
      for (int i = -1; ; i++) {
        m = message(n, i);
        r = nonce(sd, m);
        rEnc = EdwardsReference.BASE.times(r).encode();
        boolean k8 = EdwardsReference.challenge(rEnc, pk, m).mod(eight).signum() == 0;
        if (k8 == multipleOf8) {
          break;
        }
      }
      out.add(new Case(n, false, pk, m, sign(rEnc, r, pk, a, m)));
    }

    // The identity as public key, encoded with y = p + 1; R = [r]B, S = r.
    n = "key-non-canonical";
    sd = seed(n);
    r = nonce(sd, message(n));
    rEnc = EdwardsReference.BASE.times(r).encode();
    pk = EdwardsReference.encodeY(EdwardsReference.P.add(BigInteger.ONE), false);
    out.add(new Case(n, false, pk, message(n), sig(rEnc, r)));

    // The identity as public key, encoded y = 1 with the sign bit set; R = [r]B, S = r.
    n = "key-x0-sign-bit";
    sd = seed(n);
    r = nonce(sd, message(n));
    rEnc = EdwardsReference.BASE.times(r).encode();
    pk = EdwardsReference.encodeY(BigInteger.ONE, true);
    out.add(new Case(n, false, pk, message(n), sig(rEnc, r)));
    return out;
  }

  static String render(List<Case> cases) {
    StringBuilder b = new StringBuilder();
    for (Case c : cases) {
      b.append("case ").append(c.name()).append(": ").append(c.accept() ? "accept" : "reject");
      b.append("\n  key ").append(HEX.formatHex(c.key()));
      b.append("\n  msg ").append(HEX.formatHex(c.message()));
      b.append("\n  sig ").append(HEX.formatHex(c.signature(), 0, 32));
      b.append("\n      ").append(HEX.formatHex(c.signature(), 32, 64));
      b.append('\n');
    }
    return b.toString();
  }

  static String documentBlock() throws IOException {
    Path doc = Path.of("..", "docs", "protocol.md").toAbsolutePath().normalize();
    assertThat(doc).as("docs/protocol.md is part of the repository").isRegularFile();
    List<String> lines = Files.readAllLines(doc, UTF_8);
    int start = lines.indexOf("```" + BLOCK);
    assertThat(start).as("a ```%s block in %s", BLOCK, doc).isNotNegative();
    StringBuilder b = new StringBuilder();
    for (int i = start + 1; !lines.get(i).startsWith("```"); i++) {
      b.append(lines.get(i)).append('\n');
    }
    return b.toString();
  }

  @Test
  void theDocumentShowsExactlyTheseCases() throws IOException {
    assertThat(documentBlock()).isEqualTo(render(cases()));
  }

  @Test
  void verifierLibGivesEachStatedVerdict() {
    for (Case c : cases()) {
      boolean accepted;
      try {
        accepted = Ed25519.PublicKey.of(c.key()).verify(c.message(), c.signature());
      } catch (IllegalArgumentException e) {
        accepted = false;
      }
      assertThat(accepted).as(c.name()).isEqualTo(c.accept());
    }
  }

  /**
   * What makes each case worth having: the cofactored and the cofactorless equation, on a lenient
   * decoding, each answer as stated, so the case is refused by the rule the table names and by no
   * equation alone (or, for the two small-order-component cases, only by the cofactorless one).
   */
  static final java.util.Map<String, List<Boolean>> EQUATIONS =
      java.util.Map.ofEntries(
          java.util.Map.entry("honest", List.of(true, true)),
          java.util.Map.entry("s-not-reduced", List.of(true, true)),
          java.util.Map.entry("r-small-order-component", List.of(true, false)),
          java.util.Map.entry("r-identity", List.of(true, true)),
          java.util.Map.entry("r-non-canonical", List.of(true, true)),
          java.util.Map.entry("r-x0-sign-bit", List.of(true, true)),
          java.util.Map.entry("key-order-8", List.of(true, false)),
          java.util.Map.entry("key-identity", List.of(true, true)),
          java.util.Map.entry("key-small-order-component", List.of(true, false)),
          java.util.Map.entry("key-small-order-component-k8", List.of(true, true)),
          java.util.Map.entry("key-non-canonical", List.of(true, true)),
          java.util.Map.entry("key-x0-sign-bit", List.of(true, true)));

  @Test
  void eachCaseSeparatesWhatItClaimsTo() {
    for (Case c : cases()) {
      boolean cofactored = EdwardsReference.cofactored(c.key(), c.message(), c.signature());
      boolean cofactorless = EdwardsReference.cofactorless(c.key(), c.message(), c.signature());
      assertThat(EQUATIONS).as("an expectation for case %s", c.name()).containsKey(c.name());
      assertThat(List.of(cofactored, cofactorless))
          .as("%s: cofactored, cofactorless", c.name())
          .isEqualTo(EQUATIONS.get(c.name()));
    }
    assertThat(cases()).hasSize(EQUATIONS.size());
  }

  @Test
  void theReferenceModelAgreesWithBouncyCastleOnOrdinarySignatures() {
    java.util.Random random = new java.util.Random(7);
    for (int i = 0; i < 20; i++) {
      byte[] seed = new byte[32];
      random.nextBytes(seed);
      Ed25519.KeyPair kp = Ed25519.KeyPair.fromSeed(seed);
      byte[] m = new byte[random.nextInt(100)];
      random.nextBytes(m);
      byte[] good = kp.sign(m);
      byte[] pk = kp.publicKey().encoded();
      assertThat(EdwardsReference.BASE.times(EdwardsReference.secretScalar(seed)).encode())
          .isEqualTo(pk);
      assertThat(EdwardsReference.cofactorless(pk, m, good)).isTrue();
      byte[] bad = good.clone();
      bad[40] ^= 1;
      assertThat(EdwardsReference.cofactored(pk, m, bad)).isFalse();
      assertThat(kp.publicKey().verify(m, bad)).isFalse();
    }
  }
}
