package org.rcskt.server.log;

import java.util.Objects;
import org.rcskt.verifier.event.PhoneNumbers;

/**
 * Computes phone subject indexes with the log's VRF secret key (docs/protocol.md section 3.1). Only
 * the log holds the key, so only the log can say which subject a number is; every index it hands
 * out carries the VRF proof that lets anyone holding the VRF public key check it.
 */
public final class PhoneIndexer {
  private final byte[] secretKey;

  public PhoneIndexer(byte[] secretKey) {
    this.secretKey = Objects.requireNonNull(secretKey, "secretKey").clone();
  }

  /**
   * The index of {@code e164} with its proof.
   *
   * @throws BadRequestException naming the rule {@code e164} breaks
   */
  public PhoneNumbers.ProvenIndex index(String e164) {
    validate(e164);
    return PhoneNumbers.prove(secretKey, e164);
  }

  /**
   * Checks that {@code e164} is a strict E.164 number.
   *
   * @throws BadRequestException naming the rule {@code e164} breaks
   */
  public void validate(String e164) {
    try {
      PhoneNumbers.validate(e164);
    } catch (IllegalArgumentException e) {
      throw new BadRequestException("number", e.getMessage());
    }
  }
}
