package org.rcskt.verifier.witness;

import java.util.List;
import org.rcskt.verifier.VerificationException;

/** A log-signed checkpoint that too few of the policy's witnesses cosigned. */
public final class QuorumException extends VerificationException {
  private static final long serialVersionUID = 1L;

  private final long treeSize;
  private final int quorum;
  private final List<String> signed;
  private final List<String> witnesses;

  public QuorumException(long treeSize, int quorum, List<String> signed, List<String> witnesses) {
    super(
        "the checkpoint of size "
            + treeSize
            + " carries "
            + signed.size()
            + " of the "
            + quorum
            + " witness cosignatures required"
            + (signed.isEmpty() ? "" : " (from " + String.join(", ", signed) + ")")
            + "; the witnesses are "
            + String.join(", ", witnesses));
    this.treeSize = treeSize;
    this.quorum = quorum;
    this.signed = List.copyOf(signed);
    this.witnesses = List.copyOf(witnesses);
  }

  public long treeSize() {
    return treeSize;
  }

  public int quorum() {
    return quorum;
  }

  /** The policy's witnesses that did cosign. */
  public List<String> signed() {
    return signed;
  }

  /** All the policy's witnesses. */
  public List<String> witnesses() {
    return witnesses;
  }
}
