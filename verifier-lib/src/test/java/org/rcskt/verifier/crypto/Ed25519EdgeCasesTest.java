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
 * that the document shows exactly these bytes, that {@link Ed25519} (Bouncy Castle) gives the
 * stated verdict, and, for the cases that tell the two apart, that the cofactorless equation would
 * answer differently.
 */
class Ed25519EdgeCasesTest {
  private static final HexFormat HEX = HexFormat.of();
  private static final String BLOCK = "ed25519-cases";

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

  private static byte[] sig(byte[] r, BigInteger s) {
    byte[] out = new byte[64];
    System.arraycopy(r, 0, out, 0, 32);
    System.arraycopy(EdwardsReference.scalarBytes(s), 0, out, 32, 32);
    return out;
  }

  /** The cases, deterministic from their names. */
  static List<Case> cases() {
    BigInteger eight = BigInteger.valueOf(8);
    Point t8 = EdwardsReference.orderEight();
    List<Case> out = new ArrayList<>();

    // An ordinary signature.
    String n = "honest";
    Ed25519.KeyPair kp = Ed25519.KeyPair.fromSeed(seed(n));
    out.add(new Case(n, true, kp.publicKey().encoded(), message(n), kp.sign(message(n))));

    // The same S plus the group order: the equation still holds, but S must be below L.
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

    // R with a component of order 8: only the cofactored equation holds.
    n = "r-small-order-component";
    byte[] sd = seed(n);
    BigInteger a = EdwardsReference.secretScalar(sd);
    byte[] pk = Ed25519.KeyPair.fromSeed(sd).publicKey().encoded();
    BigInteger r =
        new BigInteger(1, EdwardsReference.sha512(sd, message(n))).mod(EdwardsReference.L);
    byte[] rEnc = EdwardsReference.BASE.times(r).add(t8).encode();
    BigInteger k = EdwardsReference.challenge(rEnc, pk, message(n));
    out.add(
        new Case(n, true, pk, message(n), sig(rEnc, r.add(k.multiply(a)).mod(EdwardsReference.L))));

    // R is the identity (r = 0): both equations hold.
    n = "r-identity";
    sd = seed(n);
    a = EdwardsReference.secretScalar(sd);
    pk = Ed25519.KeyPair.fromSeed(sd).publicKey().encoded();
    rEnc = Point.IDENTITY.encode();
    k = EdwardsReference.challenge(rEnc, pk, message(n));
    out.add(new Case(n, true, pk, message(n), sig(rEnc, k.multiply(a).mod(EdwardsReference.L))));

    // The identity as R again, encoded with y = p + 1: R's y must be below p.
    n = "r-non-canonical";
    sd = seed(n);
    a = EdwardsReference.secretScalar(sd);
    pk = Ed25519.KeyPair.fromSeed(sd).publicKey().encoded();
    rEnc = EdwardsReference.encodeY(EdwardsReference.P.add(BigInteger.ONE), false);
    k = EdwardsReference.challenge(rEnc, pk, message(n));
    out.add(new Case(n, false, pk, message(n), sig(rEnc, k.multiply(a).mod(EdwardsReference.L))));

    // A public key of order 8, with a signature that satisfies the cofactored equation.
    n = "key-order-8";
    byte[] t8Enc = t8.encode();
    rEnc = EdwardsReference.BASE.times(BigInteger.valueOf(7)).encode();
    out.add(new Case(n, false, t8Enc, message(n), sig(rEnc, BigInteger.valueOf(7))));

    // The identity as public key.
    n = "key-identity";
    rEnc = EdwardsReference.BASE.times(BigInteger.valueOf(11)).encode();
    out.add(
        new Case(n, false, Point.IDENTITY.encode(), message(n), sig(rEnc, BigInteger.valueOf(11))));

    // A public key with a component of order 8 (aB + T): valid under the cofactored equation. The
    // message gets a counter until the challenge is not a multiple of 8, so that the cofactorless
    // equation fails.
    n = "key-small-order-component";
    sd = seed(n);
    a = EdwardsReference.secretScalar(sd);
    pk = EdwardsReference.BASE.times(a).add(t8).encode();
    r = new BigInteger(1, EdwardsReference.sha512(sd)).mod(EdwardsReference.L);
    rEnc = EdwardsReference.BASE.times(r).encode();
    byte[] m = message(n);
    for (int i = 0; EdwardsReference.challenge(rEnc, pk, m).mod(eight).signum() == 0; i++) {
      m = (new String(message(n), US_ASCII) + " " + i).getBytes(US_ASCII);
    }
    k = EdwardsReference.challenge(rEnc, pk, m);
    out.add(new Case(n, true, pk, m, sig(rEnc, r.add(k.multiply(a)).mod(EdwardsReference.L))));
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

  /** What makes each case worth having: which rule or equation decides it. */
  @Test
  void eachCaseSeparatesWhatItClaimsTo() {
    for (Case c : cases()) {
      boolean cofactored = EdwardsReference.cofactored(c.key(), c.message(), c.signature());
      boolean cofactorless = EdwardsReference.cofactorless(c.key(), c.message(), c.signature());
      switch (c.name()) {
        case "honest", "r-identity" -> assertThat(cofactorless && cofactored).as(c.name()).isTrue();
        case "r-small-order-component", "key-small-order-component" -> {
          assertThat(cofactored).as(c.name()).isTrue();
          assertThat(cofactorless).as(c.name()).isFalse();
        }
        // Rejected by an encoding or range rule, not by the equation.
        case "s-not-reduced", "r-non-canonical", "key-order-8", "key-identity" ->
            assertThat(cofactored).as(c.name()).isTrue();
        default -> throw new AssertionError("no expectation for case " + c.name());
      }
    }
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
