package org.rcskt.monitor.follow;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.rcskt.monitor.config.WatchConfig;
import org.rcskt.monitor.state.RocksDbStateStore;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.event.PhoneNumbers;
import org.rcskt.verifier.vrf.EcVrf;
import org.rcskt.verifier.vrf.VrfVerificationException;

/**
 * The subject indexes of the watched phone numbers in one log (docs/monitor.md, "Watching phone
 * numbers"). An index is the log's VRF output over the number, so only the log can give it: each
 * number is looked up once ({@code GET /v1/keys/<E.164>}), its VRF proof checked against the log's
 * configured VRF key, and the index kept in the state store with the proof. Later starts read it
 * from there and send nothing.
 *
 * <p>The state records are keyed by SHA-256 over a label, the VRF key and the number, so the number
 * is not written in the clear and an index learnt under one VRF key is never used with another. Not
 * thread-safe: one follower uses it from its polling thread.
 */
public final class PhoneIndexes {
  private static final byte[] LOOKUP_KEY_LABEL =
      "rcskt monitor phone index".getBytes(StandardCharsets.US_ASCII);

  /** How many verified indexes one state commit holds at most. */
  private static final int COMMIT_EVERY = 256;

  private final String origin;
  private final byte[] vrfKey;
  private final LogClient client;
  private final RocksDbStateStore store;
  private final Map<String, Hash> known = new LinkedHashMap<>();
  private AnswerCheck answerCheck = (index, answer) -> null;
  private long lookups;

  /**
   * @param vrfKey the log's VRF public key (32 bytes), or null when the configuration names no
   *     phone number for this log
   */
  public PhoneIndexes(String origin, byte[] vrfKey, LogClient client, RocksDbStateStore store) {
    this.origin = Objects.requireNonNull(origin, "origin");
    this.vrfKey = vrfKey == null ? null : vrfKey.clone();
    this.client = Objects.requireNonNull(client, "client");
    this.store = Objects.requireNonNull(store, "store");
  }

  /**
   * A further check of a lookup answer whose VRF proof verified, run before its index is kept: the
   * follower checks the answer's checkpoint, map root leaf and completeness proof with it.
   */
  @FunctionalInterface
  public interface AnswerCheck {
    /**
     * @param index the verified index
     * @return null if the answer passes, else the failed check, without values
     * @throws IOException if the monitor's own state fails
     */
    String check(Hash index, LogClient.Lookup answer) throws IOException;
  }

  /** Sets the check run on every verified answer (by default none). */
  public void answerCheck(AnswerCheck check) {
    this.answerCheck = Objects.requireNonNull(check, "check");
  }

  /**
   * A lookup whose answer does not verify.
   *
   * @param watch the entry whose number was looked up
   * @param statedIndex the index the log stated, as it wrote it
   * @param reason which check failed, without values (a proof's parts can confirm a guessed number
   *     offline, so they stay out of alerts and logs)
   * @param vrf true when the VRF proof or index failed, false when the {@link AnswerCheck} did
   */
  public record Refusal(WatchConfig watch, String statedIndex, String reason, boolean vrf) {}

  /**
   * The outcome of {@link #resolve}: the index of every phone number, or the first refusal.
   *
   * @param indexes the verified index of each number resolved so far
   * @param refusal the lookup that did not verify, which stopped the resolution; null if none
   */
  public record Result(Map<String, Hash> indexes, Refusal refusal) {}

  /**
   * Resolves the phone entries of {@code watch}: from the state store, else by a lookup on the log
   * whose answer is checked and then stored. Stops at the first answer that does not verify; the
   * entries after it are tried on the next call. Indexes verified before a failure are kept.
   *
   * @throws LogHttpException if a lookup fails (unreachable, malformed answer); nothing about the
   *     number is in its message
   * @throws IOException if the state store fails
   * @throws IllegalStateException if a phone entry exists but no VRF key was given
   */
  public Result resolve(List<WatchConfig> watch) throws IOException {
    int staged = 0;
    RocksDbStateStore.Commit commit = store.begin();
    try {
      for (WatchConfig w : watch) {
        if (w.phone().isEmpty() || known.containsKey(w.phone().get())) {
          continue;
        }
        if (vrfKey == null) {
          throw new IllegalStateException(origin + " has no VRF key to check phone indexes with");
        }
        String number = w.phone().get();
        Hash key = lookupKey(number);
        byte[] rec = store.phoneIndex(origin, key);
        if (rec != null && rec.length >= Hash.SIZE) {
          known.put(number, Hash.of(Arrays.copyOf(rec, Hash.SIZE)));
          continue;
        }
        lookups++;
        LogClient.Lookup answer = client.lookup(number);
        Hash index;
        try {
          index = verify(vrfKey, number, answer);
        } catch (RefusedException e) {
          return new Result(
              Map.copyOf(known), new Refusal(w, answer.index(), e.getMessage(), true));
        }
        String problem = answerCheck.check(index, answer);
        if (problem != null) {
          return new Result(Map.copyOf(known), new Refusal(w, answer.index(), problem, false));
        }
        commit.phoneIndex(origin, key, record(index, answer.vrfProof()));
        known.put(number, index);
        if (++staged == COMMIT_EVERY) {
          commit.commit();
          commit.close();
          commit = store.begin();
          staged = 0;
        }
      }
      return new Result(Map.copyOf(known), null);
    } finally {
      if (staged > 0) {
        commit.commit();
      }
      commit.close();
    }
  }

  /** How many lookups this object sent (tests check that a second start sends none). */
  public long lookups() {
    return lookups;
  }

  /** An answer whose proof or index does not verify; the message names the check, no values. */
  static final class RefusedException extends Exception {
    private static final long serialVersionUID = 1L;

    RefusedException(String message) {
      super(message);
    }
  }

  /**
   * Checks a lookup answer for {@code e164}: its proof must verify under {@code vrfKey}, and the
   * stated index must be the one the proof gives.
   *
   * @return the verified index
   * @throws RefusedException naming the failed check
   */
  static Hash verify(byte[] vrfKey, String e164, LogClient.Lookup answer) throws RefusedException {
    Hash index;
    try {
      index = PhoneNumbers.verifiedIndex(vrfKey, e164, answer.vrfProof());
    } catch (VrfVerificationException e) {
      throw new RefusedException("the VRF proof does not verify (" + reason(e) + ")");
    }
    if (!answer.index().equalsIgnoreCase(index.toHex())) {
      throw new RefusedException("the stated index is not the one the VRF proof gives");
    }
    return index;
  }

  /**
   * Checks a lookup answer as {@link #verify(byte[], String, LogClient.Lookup)} does, for callers
   * outside this package.
   *
   * @throws IllegalArgumentException naming the failed check
   */
  public static Hash verifiedIndex(byte[] vrfKey, String e164, LogClient.Lookup answer) {
    try {
      return verify(vrfKey, e164, answer);
    } catch (RefusedException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  private static String reason(VrfVerificationException e) {
    switch (e.reason()) {
      case PROOF_LENGTH:
        return "it is not " + EcVrf.PROOF_SIZE + " bytes";
      case GAMMA_ENCODING:
        return "its Gamma is not a point";
      case S_NOT_REDUCED:
        return "its scalar s is not reduced";
      case CHALLENGE_MISMATCH:
        return "its challenge does not match: it is not for this key and number";
      default:
        return e.reason().name();
    }
  }

  private Hash lookupKey(String number) {
    return Hash.sha256(LOOKUP_KEY_LABEL, vrfKey, number.getBytes(StandardCharsets.US_ASCII));
  }

  private static byte[] record(Hash index, byte[] proof) {
    return ByteBuffer.allocate(Hash.SIZE + proof.length)
        .put(index.toByteArray())
        .put(proof)
        .array();
  }
}
