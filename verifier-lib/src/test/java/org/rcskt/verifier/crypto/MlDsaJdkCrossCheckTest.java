package org.rcskt.verifier.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.SecureRandomSpi;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.bouncycastle.crypto.CipherParameters;
import org.bouncycastle.crypto.CryptoException;
import org.bouncycastle.crypto.params.MLDSAParameters;
import org.bouncycastle.crypto.params.MLDSAPrivateKeyParameters;
import org.bouncycastle.crypto.params.MLDSAPublicKeyParameters;
import org.bouncycastle.crypto.params.ParametersWithContext;
import org.bouncycastle.crypto.params.ParametersWithRandom;
import org.bouncycastle.crypto.signers.MLDSASigner;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checks Bouncy Castle's lightweight ML-DSA-65 (FIPS 204) against an independent implementation,
 * OpenJDK's own (JEP 497, JDK 24 and later): same public key from the same seed, byte-identical
 * signatures for the same rnd (deterministic signing is hedged signing with rnd = 32 zero bytes),
 * the JDK accepts Bouncy Castle's signatures and rejects altered ones.
 *
 * <p>The project targets Java 17, so the JDK side is a separate single-file program, {@code
 * src/test/jdk24/MlDsaJdkCheck.java} (outside {@code src/test/java}, so Maven never compiles it),
 * run with a JDK 24+ {@code java} in source-file mode on commands written to a temporary directory.
 * The JDK is looked for in this order:
 *
 * <ol>
 *   <li>the system property {@value #JDK_PROPERTY} (e.g. {@code mvn test
 *       -Drcskt.jdk24.home=/opt/jdk-25}). If it is set but does not name a JDK 24+ home (a
 *       directory with a {@code release} file whose JAVA_VERSION is at least 24 and a {@code
 *       bin/java}), the JDK tests are <em>skipped</em>, not failed, with a message that names the
 *       property and says what is wrong with it: the property is a per-machine setting, and a stale
 *       one should not break the build, only be reported;
 *   <li>the JVM running the test, if it is itself 24 or later;
 *   <li>the newest JDK 24+ home directly under {@code /usr/lib/jvm}.
 * </ol>
 *
 * If none is found the tests that need it are skipped with a message saying so; the checks of
 * Bouncy Castle alone still run.
 *
 * <p>What the JDK's public API offers (checked on Temurin 25.0.3): no seed or rnd parameter, but
 * {@code KeyPairGenerator.initialize(NamedParameterSpec.ML_DSA_65, random)} draws the 32-byte seed
 * xi, and {@code Signature.initSign(key, random)} the 32-byte rnd, from the given SecureRandom in
 * one request each (the test checks this every run). There is no way to give a context string:
 * {@code Signature.setParameter} rejects every parameter and the JDK always signs and verifies with
 * the empty context. So the signatures with a context are checked against the JDK only in that the
 * JDK must reject them (they are verified under the wrong, empty, context); that they verify under
 * their own context and no other is checked with Bouncy Castle alone.
 */
class MlDsaJdkCrossCheckTest {
  /** System property naming the home directory of a JDK 24 or later. */
  static final String JDK_PROPERTY = "rcskt.jdk24.home";

  private static final Path JVM_DIR = Path.of("/usr/lib/jvm");
  private static final int MIN_JDK = 24;
  private static final long HELPER_TIMEOUT_SECONDS = 120;

  private static final int SEEDS = 8;
  private static final int[] MESSAGE_LENGTHS = {0, 1, 300, 5000};
  private static final int[] CONTEXT_LENGTHS = {1, 32, 255};
  private static final int HEDGED_MESSAGE_LENGTH = 300;

  // ML-DSA-65 sizes (FIPS 204, table 2): the signature is c~ (48 bytes), z (5 x 640 bytes) and
  // the hint h (omega + k = 61 bytes).
  private static final int PK_BYTES = 1952;
  private static final int SK_BYTES = 4032;
  private static final int SIG_BYTES = 3309;
  private static final int C_TILDE_BYTES = 48;
  private static final int Z_BYTES = 3200;

  /** AlgorithmIdentifier of id-ml-dsa-65, OID 2.16.840.1.101.3.4.3.18, no parameters (RFC 9881). */
  private static final byte[] ML_DSA_65_ALGORITHM_ID = {
    0x30, 0x0b, 0x06, 0x09, 0x60, (byte) 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x03, 0x12
  };

  private static final HexFormat HEX = HexFormat.of();

  /** One seed's key pair, computed by Bouncy Castle. */
  record Key(String name, byte[] seed, MLDSAPrivateKeyParameters sk, byte[] pk) {}

  /** One message signed with one key by Bouncy Castle, and the altered signatures. */
  record Case(
      String name,
      Key key,
      byte[] msg,
      byte[] sig,
      byte[] flipped,
      int flippedByte,
      byte[] ctx,
      byte[] ctxSig) {}

  /** A signature with a non-zero rnd (hedged signing), computed by Bouncy Castle. */
  record Hedged(String name, Key key, byte[] rnd, byte[] msg, byte[] sig) {}

  @TempDir static Path tmp;

  private static final List<Key> keys = new ArrayList<>();
  private static final List<Case> cases = new ArrayList<>();
  private static final List<Hedged> hedged = new ArrayList<>();

  /** Why the JDK tests are skipped, or null if a JDK was found. */
  private static String jdkMissing;

  private static Path jdkHome;

  /** The helper's answers, by "command name", each the answer line's fields. */
  private static final Map<String, String[]> jdk = new HashMap<>();

  @BeforeAll
  static void computeWithBouncyCastleThenRunTheJdk() throws Exception {
    for (int i = 0; i < SEEDS; i++) {
      byte[] seed = sha256("rcskt mldsa cross-check " + i);
      MLDSAPrivateKeyParameters sk = new MLDSAPrivateKeyParameters(MLDSAParameters.ml_dsa_65, seed);
      Key key = new Key("k" + i, seed, sk, sk.getPublicKey());
      keys.add(key);
      for (int j = 0; j < MESSAGE_LENGTHS.length; j++) {
        int c = cases.size();
        byte[] msg = message(i, MESSAGE_LENGTHS[j]);
        byte[] sig = bcSign(sk, msg);
        int flippedByte = flipPosition(i, j);
        byte[] flipped = sig.clone();
        flipped[flippedByte] ^= (byte) (1 << (c % 8));
        byte[] ctx = new byte[CONTEXT_LENGTHS[c % CONTEXT_LENGTHS.length]];
        for (int k = 0; k < ctx.length; k++) {
          ctx[k] = (byte) (k * 3 + c + 1);
        }
        byte[] ctxSig = bcSign(new ParametersWithContext(sk, ctx), msg);
        cases.add(
            new Case("s" + i + "-" + msg.length, key, msg, sig, flipped, flippedByte, ctx, ctxSig));
      }
      byte[] rnd = sha256("rcskt mldsa rnd " + i);
      byte[] msg = message(i, HEDGED_MESSAGE_LENGTH);
      ScriptedRandom random = new ScriptedRandom(rnd);
      byte[] sig = bcSign(new ParametersWithRandom(sk, random), msg);
      assertThat(random.draws()).as("Bouncy Castle's requests for rnd").isEqualTo(List.of(32));
      hedged.add(new Hedged("h" + i, key, rnd, msg, sig));
    }

    Optional<String> problem = locateJdk();
    if (problem.isPresent()) {
      jdkMissing = problem.get();
      // Surefire does not print why a test was skipped; say it once here.
      System.err.println("MlDsaJdkCrossCheckTest: skipping the JDK checks: " + jdkMissing);
      return;
    }
    runJdkHelper();
  }

  // ---- Bouncy Castle alone (these run without a JDK 24 as well) ----

  @Test
  void bouncyCastleSizesAndDeterministicIsHedgedWithZeroRnd() throws Exception {
    for (Case c : cases) {
      assertThat(c.key().pk()).as(c.name() + " public key").hasSize(PK_BYTES);
      assertThat(expanded(c.key().sk())).as(c.name() + " private key").hasSize(SK_BYTES);
      assertThat(c.sig()).as(c.name() + " signature").hasSize(SIG_BYTES);
      assertThat(bcSign(c.key().sk(), c.msg())).as(c.name() + " signed twice").isEqualTo(c.sig());
      ScriptedRandom zeros = new ScriptedRandom(new byte[32]);
      assertSameBytes(
          c.name() + " signed with rnd = 32 zero bytes",
          c.sig(),
          bcSign(new ParametersWithRandom(c.key().sk(), zeros), c.msg()));
      assertThat(zeros.draws()).as(c.name() + " requests for rnd").isEqualTo(List.of(32));
      assertThat(bcVerify(c.key(), null, c.msg(), c.sig())).as(c.name()).isTrue();
    }
  }

  private static final int ML_DSA_44_SEEDS = 4;

  /** ML-DSA-44, which signs the log's checkpoint line: the JDK's keys and signatures are ours. */
  @Test
  void jdkMlDsa44MatchesTheProjectsWrapper() throws Exception {
    assumeJdk();
    for (int i = 0; i < ML_DSA_44_SEEDS; i++) {
      MlDsa44.KeyPair kp = MlDsa44.KeyPair.fromSeed(sha256("rcskt mldsa44 " + i));
      byte[] jdkSpki = HEX.parseHex(field("keygen44 k44-" + i, "spki"));
      assertThat(
              Arrays.copyOfRange(jdkSpki, jdkSpki.length - MlDsa44.PUBLIC_KEY_SIZE, jdkSpki.length))
          .as("ML-DSA-44 public key %d", i)
          .isEqualTo(kp.publicKey().encoded());
      byte[] jdkSig = HEX.parseHex(field("sign s44-" + i, "sig"));
      assertThat(jdkSig).as("ML-DSA-44 signature %d", i).isEqualTo(kp.sign(message(i, 300)));
      assertThat(kp.publicKey().verify(message(i, 300), jdkSig)).isTrue();
    }
  }

  @Test
  void theProjectsWrapperGivesTheseBytes() {
    // MlDsa65 is what the project signs and verifies with: the cross-checked bytes are its bytes.
    for (Case c : cases) {
      MlDsa65.KeyPair kp = MlDsa65.KeyPair.fromSeed(c.key().seed());
      assertThat(kp.publicKey().encoded()).as(c.name()).isEqualTo(c.key().pk());
      assertThat(kp.sign(c.msg())).as(c.name()).isEqualTo(c.sig());
      assertThat(kp.sign(c.msg(), c.ctx())).as(c.name()).isEqualTo(c.ctxSig());
      MlDsa65.PublicKey pk = MlDsa65.PublicKey.of(c.key().pk());
      assertThat(pk.verify(c.msg(), c.sig())).as(c.name()).isTrue();
      assertThat(pk.verify(c.msg(), c.flipped())).as(c.name()).isFalse();
      assertThat(pk.verify(c.msg(), 0, c.msg().length, c.ctx(), c.ctxSig(), 0, c.ctxSig().length))
          .as(c.name())
          .isTrue();
    }
  }

  @Test
  void bouncyCastleContextSignaturesVerifyOnlyUnderTheirOwnContext() throws Exception {
    for (Case c : cases) {
      String n = c.name() + " with a " + c.ctx().length + "-byte context";
      assertThat(c.ctxSig()).as(n).hasSize(SIG_BYTES);
      assertThat(firstDifference(c.ctxSig(), c.sig()))
          .as(n + " differs from the signature without one")
          .isNotEqualTo(-1);
      assertThat(bcVerify(c.key(), c.ctx(), c.msg(), c.ctxSig())).as(n).isTrue();
      assertThat(bcVerify(c.key(), null, c.msg(), c.ctxSig())).as(n + ", no context").isFalse();
      byte[] otherCtx = c.ctx().clone();
      otherCtx[otherCtx.length - 1] ^= 1;
      assertThat(bcVerify(c.key(), otherCtx, c.msg(), c.ctxSig()))
          .as(n + ", other context")
          .isFalse();
      assertThat(bcVerify(c.key(), c.ctx(), c.msg(), c.sig()))
          .as(c.name() + " without a context, verified with one")
          .isFalse();
    }
    // The empty context is no context; FIPS 204 allows at most 255 bytes.
    Case c = cases.get(0);
    assertSameBytes(
        "empty context",
        c.sig(),
        bcSign(new ParametersWithContext(c.key().sk(), new byte[0]), c.msg()));
    assertThatThrownBy(
            () ->
                new MLDSASigner()
                    .init(true, new ParametersWithContext(c.key().sk(), new byte[256])))
        .isInstanceOf(IllegalArgumentException.class);
  }

  // ---- Against the JDK ----

  @Test
  void jdkDrawsTheSeedAndRndAsOne32ByteRequestEach() {
    assumeJdk();
    for (Key k : keys) {
      assertThat(field("keygen " + k.name(), "draws")).as(k.name() + " keygen").isEqualTo("32");
    }
    for (Case c : cases) {
      assertThat(field("sign " + c.name(), "draws")).as(c.name() + " sign").isEqualTo("32");
    }
    for (Hedged h : hedged) {
      assertThat(field("sign " + h.name(), "draws")).as(h.name() + " sign").isEqualTo("32");
    }
  }

  @Test
  void jdkDerivesTheSameKeysFromTheSeed() {
    assumeJdk();
    for (Key k : keys) {
      byte[] spki = HEX.parseHex(field("keygen " + k.name(), "spki"));
      assertThat(spki.length).as(k.name() + " JDK public key encoding").isGreaterThan(PK_BYTES);
      assertSameBytes(
          k.name() + " public key (the end of the JDK's SubjectPublicKeyInfo)",
          k.pk(),
          Arrays.copyOfRange(spki, spki.length - PK_BYTES, spki.length));
      assertSameBytes(
          k.name() + " SubjectPublicKeyInfo (the JDK's, and the one this test builds)",
          spki(k.pk()),
          spki);
      // JDK 25 encodes the private key in PKCS#8 as the expanded key (RFC 9881's expandedKey);
      // the "both" form also ends with it, a seed-only form would end with the seed.
      byte[] pkcs8 = HEX.parseHex(field("keygen " + k.name(), "pkcs8"));
      byte[] expanded = expanded(k.sk());
      assertThat(endsWith(pkcs8, expanded) || endsWith(pkcs8, k.seed()))
          .as(
              k.name()
                  + " JDK private key (PKCS#8, %d bytes) ends with Bouncy Castle's expanded"
                  + " private key or the seed",
              pkcs8.length)
          .isTrue();
    }
  }

  @Test
  void jdkSignaturesAreByteIdentical() {
    assumeJdk();
    for (Case c : cases) {
      assertSameBytes(
          c.name() + " deterministic signature (JDK with rnd = 32 zero bytes)",
          c.sig(),
          HEX.parseHex(field("sign " + c.name(), "sig")));
    }
    for (Hedged h : hedged) {
      assertSameBytes(
          h.name() + " hedged signature, rnd " + HEX.formatHex(h.rnd()),
          h.sig(),
          HEX.parseHex(field("sign " + h.name(), "sig")));
    }
  }

  @Test
  void jdkVerifiesBouncyCastleSignatures() {
    assumeJdk();
    for (Case c : cases) {
      assertThat(verdict("verify v-" + c.name())).as(c.name()).isEqualTo("true");
    }
    for (Hedged h : hedged) {
      assertThat(verdict("verify v-" + h.name())).as(h.name()).isEqualTo("true");
    }
  }

  @Test
  void jdkRejectsAFlippedBitAndTheWrongContext() {
    assumeJdk();
    for (Case c : cases) {
      // The JDK throws SignatureException for a signature it cannot decode (a malformed hint).
      assertThat(verdict("verify f-" + c.name()))
          .as(c.name() + " with a bit flipped in byte " + c.flippedByte())
          .isIn("false", "SignatureException");
      assertThat(verdict("verify c-" + c.name()))
          .as(c.name() + " signed with a " + c.ctx().length + "-byte context, verified without")
          .isEqualTo("false");
    }
  }

  // ---- Running the JDK ----

  private static void runJdkHelper() throws Exception {
    Path helper = helperSource();
    StringBuilder commands = new StringBuilder();
    List<String> names = new ArrayList<>();
    for (Key k : keys) {
      command(commands, names, "keygen", k.name(), hex(k.seed()));
    }
    for (int i = 0; i < ML_DSA_44_SEEDS; i++) {
      command(commands, names, "keygen44", "k44-" + i, hex(sha256("rcskt mldsa44 " + i)));
      command(
          commands, names, "sign", "s44-" + i, "k44-" + i, hex(new byte[32]), hex(message(i, 300)));
    }
    for (Case c : cases) {
      command(commands, names, "sign", c.name(), c.key().name(), hex(new byte[32]), hex(c.msg()));
    }
    for (Hedged h : hedged) {
      command(commands, names, "sign", h.name(), h.key().name(), hex(h.rnd()), hex(h.msg()));
    }
    for (Case c : cases) {
      String spki = hex(spki(c.key().pk()));
      command(commands, names, "verify", "v-" + c.name(), spki, hex(c.msg()), hex(c.sig()));
      command(commands, names, "verify", "f-" + c.name(), spki, hex(c.msg()), hex(c.flipped()));
      command(commands, names, "verify", "c-" + c.name(), spki, hex(c.msg()), hex(c.ctxSig()));
    }
    for (Hedged h : hedged) {
      String spki = hex(spki(h.key().pk()));
      command(commands, names, "verify", "v-" + h.name(), spki, hex(h.msg()), hex(h.sig()));
    }
    Path in = tmp.resolve("commands.txt");
    Path out = tmp.resolve("jdk-out.txt");
    Path err = tmp.resolve("jdk-err.txt");
    Files.writeString(in, commands, StandardCharsets.UTF_8);

    Path java = javaLauncher(jdkHome);
    ProcessBuilder pb =
        new ProcessBuilder(java.toString(), helper.toString(), in.toString())
            .directory(tmp.toFile())
            .redirectOutput(out.toFile())
            .redirectError(err.toFile());
    // Nothing from this machine's Java settings may reach the helper's JVM.
    for (String v :
        List.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS", "CLASSPATH")) {
      pb.environment().remove(v);
    }
    Process p = pb.start();
    if (!p.waitFor(HELPER_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
      fail("%s %s did not finish in %d s", java, helper, HELPER_TIMEOUT_SECONDS);
    }
    String stderr = Files.readString(err, StandardCharsets.UTF_8);
    assertThat(p.exitValue())
        .as("exit status of %s %s; its stderr:%n%s", java, helper, stderr)
        .isZero();

    List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
    assertThat(lines).as("JDK helper output").isNotEmpty();
    assertThat(lines.get(0)).as("first line of the JDK helper output").startsWith("jdk ");
    System.err.println(
        "MlDsaJdkCrossCheckTest: the JDK side ran on " + jdkHome + " (" + lines.get(0) + ")");
    assertThat(lines.get(lines.size() - 1))
        .as("last line of the JDK helper output")
        .isEqualTo("done " + names.size());
    for (String line : lines.subList(1, lines.size() - 1)) {
      String[] f = line.split(" ", -1);
      assertThat(f.length).as("JDK helper output line: %.200s", line).isGreaterThanOrEqualTo(3);
      jdk.put(f[0] + " " + f[1], f);
    }
    assertThat(jdk.keySet())
        .as("commands the JDK answered")
        .containsExactlyInAnyOrderElementsOf(names);
  }

  private static void command(StringBuilder to, List<String> names, String... fields) {
    to.append(String.join(" ", fields)).append('\n');
    names.add(fields[0] + " " + fields[1]);
  }

  private static void assumeJdk() {
    assumeTrue(jdkMissing == null, jdkMissing);
  }

  /** The value of a "key=value" field of the JDK's answer to a command. */
  private static String field(String command, String key) {
    String[] f = jdk.get(command);
    assertThat(f).as("JDK answer to " + command).isNotNull();
    for (int i = 2; i < f.length; i++) {
      if (f[i].startsWith(key + "=")) {
        return f[i].substring(key.length() + 1);
      }
    }
    throw new AssertionError("JDK answer to " + command + " has no " + key + "=");
  }

  private static String verdict(String command) {
    String[] f = jdk.get(command);
    assertThat(f).as("JDK answer to " + command).isNotNull();
    return f[2];
  }

  private static Path helperSource() {
    String rel = "src/test/jdk24/MlDsaJdkCheck.java";
    List<Path> tried = new ArrayList<>();
    // Surefire runs in the module directory and sets basedir; an IDE may run in the repository.
    for (Path base :
        List.of(
            Path.of(System.getProperty("basedir", ".")), Path.of("."), Path.of("verifier-lib"))) {
      Path p = base.resolve(rel).toAbsolutePath().normalize();
      if (Files.isRegularFile(p)) {
        return p;
      }
      tried.add(p);
    }
    throw new AssertionError("JDK helper program not found; looked at " + tried);
  }

  // ---- Finding a JDK 24 or later ----

  /** Sets {@link #jdkHome}, or returns why no usable JDK was found. */
  private static Optional<String> locateJdk() throws IOException {
    String given = System.getProperty(JDK_PROPERTY);
    if (given != null && !given.isBlank()) {
      Path home = Path.of(given);
      Optional<String> problem = problemWith(home);
      if (problem.isPresent()) {
        return Optional.of(
            "system property "
                + JDK_PROPERTY
                + "="
                + given
                + " is not a JDK "
                + MIN_JDK
                + "+ home: "
                + problem.get());
      }
      jdkHome = home;
      return Optional.empty();
    }
    Path running = Path.of(System.getProperty("java.home"));
    if (problemWith(running).isEmpty()) {
      jdkHome = running;
      return Optional.empty();
    }
    if (Files.isDirectory(JVM_DIR)) {
      try (Stream<Path> dirs = Files.list(JVM_DIR)) {
        Optional<Path> newest =
            dirs.filter(d -> problemWith(d).isEmpty())
                .max(
                    Comparator.comparingInt(MlDsaJdkCrossCheckTest::releaseVersion)
                        .thenComparing(Path::toString));
        if (newest.isPresent()) {
          jdkHome = newest.get();
          return Optional.empty();
        }
      }
    }
    return Optional.of(
        String.format(
            "no JDK %d or later to check ML-DSA against (OpenJDK's ML-DSA, JEP 497):"
                + " system property %s is not set, the running JVM is Java %d, and %s;"
                + " set -D%s=<a JDK %d+ home> to run these checks",
            MIN_JDK,
            JDK_PROPERTY,
            Runtime.version().feature(),
            Files.isDirectory(JVM_DIR)
                ? "no directory in "
                    + JVM_DIR
                    + " has bin/java and a release file with JAVA_VERSION >= "
                    + MIN_JDK
                : JVM_DIR + " does not exist",
            JDK_PROPERTY,
            MIN_JDK));
  }

  private static Optional<String> problemWith(Path home) {
    if (!Files.isDirectory(home)) {
      return Optional.of(home + " is not a directory");
    }
    Path release = home.resolve("release");
    if (!Files.isRegularFile(release)) {
      return Optional.of("no file " + release);
    }
    int version = releaseVersion(home);
    if (version < 0) {
      return Optional.of("no readable JAVA_VERSION in " + release);
    }
    if (version < MIN_JDK) {
      return Optional.of(release + " says Java " + version);
    }
    Path java = javaLauncher(home);
    if (!Files.isExecutable(java)) {
      return Optional.of("no executable " + java);
    }
    return Optional.empty();
  }

  /** The feature version in a JDK's release file (JAVA_VERSION="25.0.3" gives 25), or -1. */
  private static int releaseVersion(Path home) {
    try {
      for (String line : Files.readAllLines(home.resolve("release"), StandardCharsets.UTF_8)) {
        if (line.startsWith("JAVA_VERSION=")) {
          String v = line.substring("JAVA_VERSION=".length()).replace("\"", "").trim();
          if (v.startsWith("1.")) {
            v = v.substring(2); // 1.8.0_402 is Java 8
          }
          int end = 0;
          while (end < v.length() && Character.isDigit(v.charAt(end))) {
            end++;
          }
          return end == 0 ? -1 : Integer.parseInt(v.substring(0, end));
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }

  private static Path javaLauncher(Path home) {
    Path java = home.resolve("bin").resolve("java");
    Path exe = home.resolve("bin").resolve("java.exe");
    return !Files.exists(java) && Files.exists(exe) ? exe : java;
  }

  // ---- Bouncy Castle, DER and bytes ----

  private static byte[] bcSign(CipherParameters params, byte[] msg) throws CryptoException {
    MLDSASigner s = new MLDSASigner();
    s.init(true, params);
    s.update(msg, 0, msg.length);
    return s.generateSignature();
  }

  private static boolean bcVerify(Key key, byte[] ctx, byte[] msg, byte[] sig) {
    MLDSAPublicKeyParameters pk = new MLDSAPublicKeyParameters(MLDSAParameters.ml_dsa_65, key.pk());
    MLDSASigner s = new MLDSASigner();
    s.init(false, ctx == null ? pk : new ParametersWithContext(pk, ctx));
    s.update(msg, 0, msg.length);
    return s.verifySignature(sig);
  }

  private static byte[] expanded(MLDSAPrivateKeyParameters sk) {
    return sk.withPreferredFormat(MLDSAPrivateKeyParameters.EXPANDED_KEY).getEncoded();
  }

  /** SubjectPublicKeyInfo ::= SEQUENCE { AlgorithmIdentifier, BIT STRING (no unused bits) }. */
  static byte[] spki(byte[] rawPublicKey) {
    byte[] bits = new byte[rawPublicKey.length + 1];
    System.arraycopy(rawPublicKey, 0, bits, 1, rawPublicKey.length);
    return der(0x30, concat(ML_DSA_65_ALGORITHM_ID, der(0x03, bits)));
  }

  private static byte[] der(int tag, byte[] value) {
    int n = value.length;
    byte[] length;
    if (n < 0x80) {
      length = new byte[] {(byte) n};
    } else if (n <= 0xff) {
      length = new byte[] {(byte) 0x81, (byte) n};
    } else if (n <= 0xffff) {
      length = new byte[] {(byte) 0x82, (byte) (n >> 8), (byte) n};
    } else {
      throw new IllegalArgumentException("DER value too long for this test: " + n);
    }
    return concat(new byte[] {(byte) tag}, concat(length, value));
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] r = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }

  /**
   * Where to flip a bit of the signature of message j under seed i: in c~, early and late in z, and
   * in the hint's index part (which the JDK may refuse to decode rather than reject).
   */
  private static int flipPosition(int i, int j) {
    switch (j) {
      case 0:
        return i * 5;
      case 1:
        return C_TILDE_BYTES + 11 + i * 397;
      case 2:
        return C_TILDE_BYTES + Z_BYTES - 1 - i * 13;
      default:
        return C_TILDE_BYTES + Z_BYTES + i * 7;
    }
  }

  private static byte[] message(int i, int length) {
    byte[] m = new byte[length];
    for (int k = 0; k < length; k++) {
      m[k] = (byte) (k * 7 + i * 13 + length);
    }
    return m;
  }

  private static byte[] sha256(String s) throws NoSuchAlgorithmException {
    return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
  }

  private static String hex(byte[] b) {
    return b.length == 0 ? "-" : HEX.formatHex(b);
  }

  private static boolean endsWith(byte[] a, byte[] suffix) {
    return a.length >= suffix.length
        && Arrays.equals(a, a.length - suffix.length, a.length, suffix, 0, suffix.length);
  }

  /** The first index where a and b differ, the shorter length if one is a prefix, or -1. */
  private static int firstDifference(byte[] a, byte[] b) {
    return Arrays.mismatch(a, b);
  }

  private static void assertSameBytes(String what, byte[] expected, byte[] actual) {
    int i = firstDifference(expected, actual);
    if (i >= 0) {
      fail(
          "%s: %d bytes expected, %d bytes got, first difference at byte %d (expected %s, got %s)",
          what,
          expected.length,
          actual.length,
          i,
          i < expected.length ? String.format("%02x", expected[i]) : "end",
          i < actual.length ? String.format("%02x", actual[i]) : "end");
    }
  }

  /** A SecureRandom that hands out exactly the given bytes and records the requested lengths. */
  static final class ScriptedRandom extends SecureRandom {
    private final transient Spi spi;

    ScriptedRandom(byte[] script) {
      this(new Spi(script));
    }

    private ScriptedRandom(Spi spi) {
      super(spi, null);
      this.spi = spi;
    }

    List<Integer> draws() {
      return spi.draws;
    }

    private static final class Spi extends SecureRandomSpi {
      private final byte[] script;
      private int used;
      final List<Integer> draws = new ArrayList<>();

      Spi(byte[] script) {
        this.script = script;
      }

      @Override
      protected void engineSetSeed(byte[] seed) {
        throw new UnsupportedOperationException("scripted random: setSeed");
      }

      @Override
      protected void engineNextBytes(byte[] bytes) {
        draws.add(bytes.length);
        if (bytes.length > script.length - used) {
          throw new IllegalStateException(
              "scripted random: asked for "
                  + bytes.length
                  + " bytes, "
                  + (script.length - used)
                  + " left");
        }
        System.arraycopy(script, used, bytes, 0, bytes.length);
        used += bytes.length;
      }

      @Override
      protected byte[] engineGenerateSeed(int numBytes) {
        throw new UnsupportedOperationException("scripted random: generateSeed");
      }
    }
  }
}
