package org.rcskt.verifier.client;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.VerificationException;

/**
 * The log showed this client a view of itself that contradicts one the client verified before. It
 * keeps the evidence: both signed checkpoints exactly as served and, for an inconsistency, the
 * consistency proof that failed.
 *
 * <p>What the evidence proves depends on the {@link Kind}. A {@link Kind#FORK} is self-contained
 * proof that the log signed two different trees of the same size, which an honest log never does.
 * An {@link Kind#INCONSISTENT} pair is proof once anyone asks the log for a consistency proof
 * between the two sizes and it cannot give one that verifies. A {@link Kind#ROLLBACK} shows an
 * older view than one already seen: an honest log never serves one, but anyone holding an old
 * signed checkpoint (a stale cache, an attacker between client and log) can replay it, so it is a
 * reason to stop trusting this connection rather than proof against the log's operator.
 */
public final class LogMisbehaviourException extends VerificationException {
  private static final long serialVersionUID = 1L;

  /** What the two views show. */
  public enum Kind {
    /** The new checkpoint has a smaller tree than one already verified. */
    ROLLBACK,
    /** Both checkpoints have the same tree size but different root hashes. */
    FORK,
    /** The new, larger tree does not extend the one already verified: its proof failed. */
    INCONSISTENT
  }

  private final Kind kind;
  private final String origin;
  private final byte[] previousCheckpoint;
  private final byte[] newCheckpoint;
  private final transient List<Hash> consistencyProof;

  /**
   * @param kind what the two views show
   * @param message the numbers involved, in words
   * @param origin the log's origin
   * @param previousCheckpoint the signed checkpoint verified earlier, as served
   * @param newCheckpoint the signed checkpoint that contradicts it, as served
   * @param consistencyProof the proof from the previous to the new size as served, empty when none
   *     was fetched
   * @param cause the failed proof verification, or null
   */
  public LogMisbehaviourException(
      Kind kind,
      String message,
      String origin,
      byte[] previousCheckpoint,
      byte[] newCheckpoint,
      List<Hash> consistencyProof,
      Throwable cause) {
    super(message, cause);
    this.kind = Objects.requireNonNull(kind, "kind");
    this.origin = Objects.requireNonNull(origin, "origin");
    this.previousCheckpoint = previousCheckpoint.clone();
    this.newCheckpoint = newCheckpoint.clone();
    this.consistencyProof = List.copyOf(consistencyProof);
  }

  /** What the two views show. */
  public Kind kind() {
    return kind;
  }

  /** The origin of the log that misbehaved. */
  public String origin() {
    return origin;
  }

  /** A copy of the signed checkpoint verified earlier, byte for byte as the log served it. */
  public byte[] previousCheckpoint() {
    return previousCheckpoint.clone();
  }

  /** A copy of the contradicting signed checkpoint, byte for byte as the log served it. */
  public byte[] newCheckpoint() {
    return newCheckpoint.clone();
  }

  /** The consistency proof that failed, as served; empty for a rollback or a fork. */
  public List<Hash> consistencyProof() {
    return consistencyProof;
  }

  /**
   * The evidence as text a user can forward to a monitor or the press: the kind, both checkpoints
   * and the proof, one hash per line.
   */
  public String evidence() {
    StringBuilder b = new StringBuilder();
    b.append("log misbehaviour: ").append(kind).append('\n');
    b.append(getMessage()).append("\n\nprevious checkpoint:\n");
    b.append(new String(previousCheckpoint, StandardCharsets.UTF_8));
    b.append("\nnew checkpoint:\n");
    b.append(new String(newCheckpoint, StandardCharsets.UTF_8));
    if (!consistencyProof.isEmpty()) {
      b.append("\nconsistency proof:\n");
      for (Hash h : consistencyProof) {
        b.append(h.toBase64()).append('\n');
      }
    }
    return b.toString();
  }
}
