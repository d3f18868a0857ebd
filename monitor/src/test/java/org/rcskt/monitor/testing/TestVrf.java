package org.rcskt.monitor.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.event.PhoneNumbers;
import org.rcskt.verifier.vrf.EcVrf;
import org.rcskt.verifier.vrf.VrfKeys;

/**
 * A fixed VRF key for tests that need a phone number's subject index without a log at hand: the
 * secret is SHA-256("rcskt test vrf key"). A test that submits to a real server and later looks
 * numbers up writes {@link #SECRET} as that server's VRF key.
 */
public final class TestVrf {
  private TestVrf() {}

  public static final byte[] SECRET =
      Hash.sha256("rcskt test vrf key".getBytes(StandardCharsets.US_ASCII)).toByteArray();

  public static final byte[] PUBLIC = EcVrf.publicKey(SECRET);

  /**
   * Writes the test key as a log server's VRF key file (unless the file exists), so that the
   * indexes the server proves in lookups are the ones {@link #index} computes for submissions.
   */
  public static void writeKeyFile(Path file) {
    if (Files.exists(file)) {
      return;
    }
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.writeString(
          file,
          VrfKeys.formatSecret(TestLog.VRF_KEY_NAME, SECRET) + "\n",
          StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The subject index of {@code e164} under the test key. */
  public static Hash index(String e164) {
    return PhoneNumbers.subjectIndex(SECRET, e164);
  }

  /**
   * A stand-in index for benchmarks that make millions of subjects: a plain hash of the number,
   * which the log cannot tell from a VRF output (it never sees numbers), at a thousandth of the
   * cost of a VRF proof. Never for tests of lookups.
   */
  public static Hash standIn(String e164) {
    return Hash.sha256(
        "rcskt bench stand-in".getBytes(StandardCharsets.US_ASCII),
        e164.getBytes(StandardCharsets.US_ASCII));
  }
}
