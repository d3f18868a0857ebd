/*
 * The JDK side of org.rcskt.verifier.crypto.MlDsaJdkCrossCheckTest: ML-DSA-65 computed by
 * OpenJDK's own implementation (JEP 497, the SUN provider, JDK 24 and later), using only the
 * public java.security API and no third-party class.
 *
 * Not compiled by Maven (it lies outside src/test/java and needs JDK 24 or later); the test runs
 * it in source-file mode:  <jdk24+>/bin/java MlDsaJdkCheck.java <commands file>
 *
 * Input: one command per line, fields separated by one space, byte strings in lower-case hex,
 * "-" for an empty byte string:
 *
 *   keygen <name> <seed>                 key pair from a 32-byte seed xi (ML-DSA.KeyGen)
 *   keygen44 <name> <seed>               the same for ML-DSA-44 (the others are ML-DSA-65)
 *   sign <name> <key name> <rnd> <msg>   sign msg with that key, the 32-byte rnd as randomness
 *   verify <name> <spki> <msg> <sig>     verify sig with the key in the X.509 SPKI DER encoding
 *
 * Output, one line per command, in the same order, then "done <number of commands>":
 *
 *   jdk <java.runtime.version>                          (first line)
 *   keygen <name> draws=<n,...> spki=<hex> pkcs8=<hex>  the keys' getEncoded()
 *   sign <name> draws=<n,...> sig=<hex>
 *   verify <name> true|false|SignatureException
 *
 * The JDK takes no seed or rnd parameter: KeyPairGenerator.initialize(spec, random) and
 * Signature.initSign(key, random) draw them from the SecureRandom. The one passed here serves
 * exactly the given bytes and fails if asked for more; "draws" lists the lengths of the requests,
 * so the test can check that the JDK drew the seed, and rnd, as one 32-byte request each. The JDK
 * has no way to give an ML-DSA context string (Signature.setParameter rejects every parameter; it
 * always signs with the empty context), so there is no command for one.
 */

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.SecureRandomSpi;
import java.security.Signature;
import java.security.SignatureException;
import java.security.spec.NamedParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

public class MlDsaJdkCheck {
  private static final HexFormat HEX = HexFormat.of();

  public static void main(String[] args) throws Exception {
    if (args.length != 1) {
      System.err.println("usage: java MlDsaJdkCheck.java <commands file>");
      System.exit(2);
    }
    StringBuilder out = new StringBuilder();
    out.append("jdk ").append(System.getProperty("java.runtime.version")).append('\n');
    Map<String, KeyPair> keys = new HashMap<>();
    int count = 0;
    for (String line : Files.readAllLines(Path.of(args[0]), StandardCharsets.UTF_8)) {
      if (line.isEmpty()) {
        continue;
      }
      String[] f = line.split(" ", -1);
      switch (f[0]) {
        case "keygen", "keygen44" -> {
          expectFields(f, 3);
          ScriptedRandom random = new ScriptedRandom(bytes(f[2]));
          KeyPairGenerator g = KeyPairGenerator.getInstance("ML-DSA");
          g.initialize(
              f[0].equals("keygen44") ? NamedParameterSpec.ML_DSA_44 : NamedParameterSpec.ML_DSA_65,
              random);
          KeyPair kp = g.generateKeyPair();
          keys.put(f[1], kp);
          out.append(f[0])
              .append(' ')
              .append(f[1])
              .append(" draws=")
              .append(random.draws())
              .append(" spki=")
              .append(HEX.formatHex(kp.getPublic().getEncoded()))
              .append(" pkcs8=")
              .append(HEX.formatHex(kp.getPrivate().getEncoded()))
              .append('\n');
        }
        case "sign" -> {
          expectFields(f, 5);
          KeyPair kp = keys.get(f[2]);
          if (kp == null) {
            throw new IllegalArgumentException("sign " + f[1] + ": no key " + f[2]);
          }
          ScriptedRandom random = new ScriptedRandom(bytes(f[3]));
          // The key says which parameter set it is.
          Signature s = Signature.getInstance("ML-DSA");
          s.initSign(kp.getPrivate(), random);
          s.update(bytes(f[4]));
          byte[] sig = s.sign();
          out.append("sign ")
              .append(f[1])
              .append(" draws=")
              .append(random.draws())
              .append(" sig=")
              .append(HEX.formatHex(sig))
              .append('\n');
        }
        case "verify" -> {
          expectFields(f, 5);
          PublicKey pk =
              KeyFactory.getInstance("ML-DSA").generatePublic(new X509EncodedKeySpec(bytes(f[2])));
          Signature s = Signature.getInstance("ML-DSA-65");
          s.initVerify(pk);
          s.update(bytes(f[3]));
          String result;
          try {
            result = Boolean.toString(s.verify(bytes(f[4])));
          } catch (SignatureException e) {
            // The JDK throws, rather than returning false, for a signature it cannot decode,
            // such as one whose hint part is malformed.
            result = "SignatureException";
          }
          out.append("verify ").append(f[1]).append(' ').append(result).append('\n');
        }
        default -> throw new IllegalArgumentException("unknown command: " + f[0]);
      }
      count++;
    }
    out.append("done ").append(count).append('\n');
    System.out.print(out);
    System.out.flush();
  }

  private static void expectFields(String[] f, int n) {
    if (f.length != n) {
      throw new IllegalArgumentException(f[0] + ": expected " + n + " fields, got " + f.length);
    }
  }

  private static byte[] bytes(String hex) {
    return hex.equals("-") ? new byte[0] : HEX.parseHex(hex);
  }

  /** A SecureRandom that hands out exactly the given bytes and records the requested lengths. */
  static final class ScriptedRandom extends SecureRandom {
    private final Spi spi;

    ScriptedRandom(byte[] script) {
      this(new Spi(script));
    }

    private ScriptedRandom(Spi spi) {
      super(spi, null);
      this.spi = spi;
    }

    String draws() {
      StringJoiner j = new StringJoiner(",");
      spi.draws.forEach(n -> j.add(Integer.toString(n)));
      return j.length() == 0 ? "none" : j.toString();
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
                  + " left; requests so far "
                  + draws);
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
