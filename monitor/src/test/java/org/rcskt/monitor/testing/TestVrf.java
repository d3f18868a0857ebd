package org.rcskt.monitor.testing;

import java.nio.charset.StandardCharsets;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.event.PhoneNumbers;
import org.rcskt.verifier.vrf.EcVrf;

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
