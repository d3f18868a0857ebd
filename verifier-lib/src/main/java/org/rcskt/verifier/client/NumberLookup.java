package org.rcskt.verifier.client;

import java.util.Objects;
import org.rcskt.verifier.Hash;

/**
 * A phone number looked up with {@link LogClient#lookup}: the index the log's VRF gives it, checked
 * with the VRF proof against the log's VRF public key, and the subject's verified events.
 *
 * @param number the E.164 number asked for
 * @param index the number's subject index, proven by {@link #vrfProof()}
 * @param vrfProof the 80-byte ECVRF proof
 * @param history the subject's events, as {@link LogClient#subject} returns them
 */
public record NumberLookup(String number, Hash index, byte[] vrfProof, SubjectHistory history) {
  public NumberLookup {
    Objects.requireNonNull(number, "number");
    Objects.requireNonNull(index, "index");
    vrfProof = vrfProof.clone();
    Objects.requireNonNull(history, "history");
  }

  @Override
  public byte[] vrfProof() {
    return vrfProof.clone();
  }
}
