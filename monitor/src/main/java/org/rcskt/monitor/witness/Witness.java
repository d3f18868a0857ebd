package org.rcskt.monitor.witness;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.checkpoint.Checkpoint;
import org.rcskt.verifier.checkpoint.CheckpointFormatException;
import org.rcskt.verifier.checkpoint.SignedCheckpoint;
import org.rcskt.verifier.merkle.ConsistencyProof;
import org.rcskt.verifier.merkle.ConsistencyProofException;
import org.rcskt.verifier.note.CosignatureV1Signer;
import org.rcskt.verifier.note.Note;
import org.rcskt.verifier.note.NoteFormatException;
import org.rcskt.verifier.note.NoteSignature;
import org.rcskt.verifier.note.NoteVerifier;
import org.rcskt.verifier.witness.AddCheckpointRequest;
import org.rcskt.verifier.witness.WitnessRequestException;

/**
 * A C2SP tlog-witness: cosigns a log's checkpoint only when it is signed by that log and consistent
 * with the latest checkpoint of the log this witness cosigned (docs/design/0011).
 *
 * <p>For each log, checking the request's old size against the latest cosigned checkpoint,
 * persisting the new one and signing happen under one lock, and the new checkpoint is durably
 * stored before the cosignature leaves: a witness that crashes at any moment never cosigns two
 * inconsistent checkpoints. Requests for different logs do not wait for each other.
 *
 * <p>Thread-safe. Every answer, including the refusals, is an {@link Answer} with the spec's status
 * and a one-line reason; nothing a client sends makes it throw, except a failure of the state
 * store, which is the caller's to report (and after which nothing was cosigned).
 */
public final class Witness {
  private static final System.Logger LOG = System.getLogger(Witness.class.getName());

  /** The spec's content type of a 409 answer's body, the latest cosigned size. */
  public static final String SIZE_CONTENT_TYPE = "text/x.tlog.size";

  private static final String TEXT = "text/plain; charset=utf-8";

  /** Where the witness keeps the latest checkpoint it cosigned for each log. */
  public interface State {
    /** The latest cosigned checkpoint of {@code origin} as a signed note, or null if none. */
    byte[] latest(String origin) throws IOException;

    /** Makes {@code note} the latest cosigned checkpoint of {@code origin}, durably. */
    void store(String origin, byte[] note) throws IOException;
  }

  /**
   * An HTTP answer.
   *
   * @param status the HTTP status
   * @param contentType the body's media type
   * @param body the body
   */
  public record Answer(int status, String contentType, byte[] body) {
    static Answer text(int status, String reason) {
      return new Answer(status, TEXT, (reason + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /** The body as text. */
    public String bodyText() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  private final CosignatureV1Signer signer;
  private final Map<String, NoteVerifier> logs;
  private final Map<String, ReentrantLock> locks;
  private final State state;
  private final Consumer<SignedCheckpoint> seen;
  private final OncePerMinute badProofs = new OncePerMinute();
  // The latest cosigned checkpoint per origin, as stored; each entry under its origin's lock.
  private final Map<String, Optional<Checkpoint>> cosigned =
      new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * @param signer the witness's cosigning key
   * @param logs the log verifier key of each origin the witness serves
   * @param state the durable record of the latest cosigned checkpoints
   * @param seen told of every checkpoint that is correctly signed by a served log, cosigned or not
   *     (one that fails the consistency check may be evidence of a fork), after the answer is made;
   *     must not block
   */
  public Witness(
      CosignatureV1Signer signer,
      Map<String, NoteVerifier> logs,
      State state,
      Consumer<SignedCheckpoint> seen) {
    this.signer = Objects.requireNonNull(signer, "signer");
    this.logs = Map.copyOf(logs);
    this.state = Objects.requireNonNull(state, "state");
    this.seen = Objects.requireNonNull(seen, "seen");
    java.util.HashMap<String, ReentrantLock> l = new java.util.HashMap<>();
    for (String origin : this.logs.keySet()) {
      l.put(origin, new ReentrantLock());
    }
    this.locks = Map.copyOf(l);
  }

  /** The witness's cosigning key. */
  public CosignatureV1Signer signer() {
    return signer;
  }

  /**
   * Answers an {@code add-checkpoint} request body.
   *
   * @throws IOException if the state store fails; nothing was cosigned then
   */
  public Answer addCheckpoint(byte[] body) throws IOException {
    AddCheckpointRequest req;
    try {
      req = AddCheckpointRequest.parse(body);
    } catch (WitnessRequestException e) {
      return Answer.text(400, e.getMessage());
    }
    byte[] raw = req.checkpoint();
    Checkpoint unverified;
    try {
      unverified = Checkpoint.parse(Note.parse(raw).bodyBytes());
    } catch (NoteFormatException | CheckpointFormatException e) {
      return Answer.text(400, "the checkpoint is malformed: " + e.getMessage());
    }
    String origin = unverified.origin();
    NoteVerifier logKey = logs.get(origin);
    if (logKey == null) {
      return Answer.text(404, "this witness does not serve the log " + quote(origin));
    }
    SignedCheckpoint signed;
    try {
      signed = SignedCheckpoint.verify(raw, origin, logKey);
    } catch (org.rcskt.verifier.VerificationException e) {
      return Answer.text(403, "no signature of the log's key verifies: " + e.getMessage());
    }
    Checkpoint cp = signed.checkpoint();
    if (req.oldSize() > cp.treeSize()) {
      return Answer.text(
          400,
          "the old size " + req.oldSize() + " is larger than the checkpoint's " + cp.treeSize());
    }
    Answer answer;
    ReentrantLock lock = locks.get(origin);
    lock.lock();
    try {
      answer = underLock(origin, req, signed);
    } finally {
      lock.unlock();
    }
    try {
      seen.accept(signed);
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "passing a witnessed checkpoint on failed", e);
    }
    return answer;
  }

  private Answer underLock(String origin, AddCheckpointRequest req, SignedCheckpoint signed)
      throws IOException {
    Checkpoint cp = signed.checkpoint();
    Checkpoint latest = latest(origin);
    long latestSize = latest == null ? 0 : latest.treeSize();
    Hash latestRoot = latest == null ? null : latest.rootHash();
    if (req.oldSize() != latestSize) {
      return new Answer(
          409, SIZE_CONTENT_TYPE, (latestSize + "\n").getBytes(StandardCharsets.US_ASCII));
    }
    List<Hash> proof = req.proof();
    if (req.oldSize() == 0 || req.oldSize() == cp.treeSize()) {
      if (req.oldSize() == cp.treeSize()
          && latestRoot != null
          && !latestRoot.equals(cp.rootHash())) {
        LOG.log(
            Level.WARNING,
            "log {0} signed two checkpoints of size {1} with different roots ({2} cosigned, {3}"
                + " offered)",
            origin,
            cp.treeSize(),
            latestRoot,
            cp.rootHash());
        return new Answer(
            409, SIZE_CONTENT_TYPE, (latestSize + "\n").getBytes(StandardCharsets.US_ASCII));
      }
      if (!proof.isEmpty()) {
        return Answer.text(
            422,
            "the consistency proof from size "
                + req.oldSize()
                + " to "
                + cp.treeSize()
                + " must be empty; it has "
                + proof.size()
                + " hashes");
      }
    } else {
      try {
        ConsistencyProof.verify(req.oldSize(), cp.treeSize(), latestRoot, cp.rootHash(), proof);
      } catch (ConsistencyProofException e) {
        // Anyone can send a real checkpoint with a bad proof, so this is logged at most once a
        // minute per log, with the number of others since (the metrics count every 422).
        long suppressed = badProofs.report(origin, System.nanoTime());
        if (suppressed >= 0) {
          LOG.log(
              Level.WARNING,
              "log {0}: a checkpoint of size {1} that its consistency proof does not tie to the"
                  + " cosigned size {2}: {3}{4}",
              origin,
              cp.treeSize(),
              latestSize,
              e.getMessage(),
              suppressed == 0 ? "" : " (" + suppressed + " more such requests since the last)");
        }
        return Answer.text(422, "the consistency proof does not verify: " + e.getMessage());
      }
    }
    if (latest == null || cp.treeSize() > latestSize) {
      state.store(origin, signed.raw());
      cosigned.put(origin, Optional.of(cp));
    }
    // The cosignature covers the note's text exactly as the log signed it.
    byte[] sig = signer.sign(signed.note().bodyBytes());
    String line = NoteSignature.of(signer.name(), signer.keyId(), sig).line() + "\n";
    return new Answer(200, TEXT, line.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The latest cosigned checkpoint of {@code origin}, or null: read from the state once, then kept
   * in memory (only {@link #underLock}, holding the origin's lock, reads or changes it).
   */
  private Checkpoint latest(String origin) throws IOException {
    Optional<Checkpoint> known = cosigned.get(origin);
    if (known == null) {
      byte[] note = state.latest(origin);
      Checkpoint c = null;
      if (note != null) {
        try {
          c = Checkpoint.parse(Note.parse(note).bodyBytes());
        } catch (NoteFormatException | CheckpointFormatException e) {
          throw new IOException("the stored latest checkpoint of " + origin + " is damaged", e);
        }
      }
      known = Optional.ofNullable(c);
      cosigned.put(origin, known);
    }
    return known.orElse(null);
  }

  private static String quote(String s) {
    return "\"" + s + "\"";
  }

  /** Lets a warning through at most once a minute per key, counting the ones held back. */
  static final class OncePerMinute {
    private static final long INTERVAL_NANOS = 60_000_000_000L;
    private final Map<String, long[]> last = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * -1 to stay quiet; otherwise the number of warnings held back since the last one let through.
     */
    long report(String key, long nowNanos) {
      long[] slot = last.computeIfAbsent(key, k -> new long[] {nowNanos - INTERVAL_NANOS, 0});
      synchronized (slot) {
        if (nowNanos - slot[0] < INTERVAL_NANOS) {
          slot[1]++;
          return -1;
        }
        long held = slot[1];
        slot[0] = nowNanos;
        slot[1] = 0;
        return held;
      }
    }
  }
}
