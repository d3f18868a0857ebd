package org.rcskt.server.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import org.rcskt.verifier.Hash;

/**
 * Verifies every N-th answer 200 of a load run, on the client's event loop, and counts how many
 * passed and failed. Only a sample, so that checking does not become what the run measures.
 */
abstract class SampledCheck implements LoadRun.ResponseCheck {
  private final int every;
  private final String failure;
  private final LongAdder verified = new LongAdder();
  private final LongAdder bad = new LongAdder();

  /**
   * @param every check answers {@code 0, every, 2 * every, ...}; 0 for none
   * @param failure the outcome a failed check is counted under instead of its status
   */
  SampledCheck(int every, String failure) {
    this.every = every;
    this.failure = failure;
  }

  /** Throws if {@code body}, the answer to request {@code i}, is wrong. */
  abstract void verify(long i, Buffer body) throws Exception;

  @Override
  public final String check(long i, int status, Buffer body) {
    if (status != 200 || every <= 0 || i % every != 0) {
      return null;
    }
    try {
      verify(i, body);
      verified.increment();
      return null;
    } catch (Exception e) {
      bad.increment();
      return failure;
    }
  }

  long verified() {
    return verified.sum();
  }

  long bad() {
    return bad.sum();
  }

  /** The base64 hashes of a JSON array such as an answer's {@code inclusionProof}. */
  static List<Hash> hashes(JsonNode array) {
    List<Hash> out = new ArrayList<>(array.size());
    array.forEach(n -> out.add(Hash.fromBase64(n.asText())));
    return out;
  }
}
