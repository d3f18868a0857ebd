package org.rcskt.verifier.witness;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.rcskt.verifier.checkpoint.CheckpointFormatException;
import org.rcskt.verifier.checkpoint.Cosignature;
import org.rcskt.verifier.checkpoint.OriginMismatchException;
import org.rcskt.verifier.checkpoint.SignedCheckpoint;
import org.rcskt.verifier.note.CosignatureV1Verifier;
import org.rcskt.verifier.note.InvalidNoteSignatureException;
import org.rcskt.verifier.note.NoteFormatException;
import org.rcskt.verifier.note.NoteSignature;
import org.rcskt.verifier.note.NoteVerifier;
import org.rcskt.verifier.note.NoteVerifiers;
import org.rcskt.verifier.note.UnverifiedNoteException;

/**
 * Which witnesses a checkpoint needs: at least {@code quorum} of a set of {@code cosignature/v1}
 * keys. A checkpoint that the log signed but too few of them cosigned is refused with a {@link
 * QuorumException} naming the witnesses that did.
 *
 * <p>A cosignature from a configured witness that does not verify rejects the checkpoint (as for
 * any signature of a known key in a signed note); cosignatures from other keys are ignored.
 */
public final class WitnessPolicy {
  private final int quorum;
  private final List<CosignatureV1Verifier> witnesses;
  private final NoteVerifiers cosigners;

  private WitnessPolicy(int quorum, List<CosignatureV1Verifier> witnesses) {
    this.quorum = quorum;
    this.witnesses = List.copyOf(witnesses);
    this.cosigners = NoteVerifiers.of(this.witnesses);
  }

  /** No witnesses required: every log-signed checkpoint is accepted, as without a policy. */
  public static WitnessPolicy none() {
    return new WitnessPolicy(0, List.of());
  }

  /**
   * At least {@code quorum} of {@code witnesses}.
   *
   * @throws IllegalArgumentException if the quorum is not between 1 and the number of witnesses, or
   *     two witnesses share a name
   */
  public static WitnessPolicy of(int quorum, List<CosignatureV1Verifier> witnesses) {
    Objects.requireNonNull(witnesses, "witnesses");
    Set<String> names = new HashSet<>();
    for (CosignatureV1Verifier w : witnesses) {
      if (!names.add(w.name())) {
        throw new IllegalArgumentException("two witnesses are named " + w.name());
      }
    }
    if (quorum < 1 || quorum > witnesses.size()) {
      throw new IllegalArgumentException(
          "a quorum of " + quorum + " is not between 1 and the " + witnesses.size() + " witnesses");
    }
    return new WitnessPolicy(quorum, witnesses);
  }

  /** How many of the witnesses must have cosigned. */
  public int quorum() {
    return quorum;
  }

  /** The witnesses. */
  public List<CosignatureV1Verifier> witnesses() {
    return witnesses;
  }

  /** The witnesses' keys, to verify cosignatures with. */
  public NoteVerifiers cosigners() {
    return cosigners;
  }

  /**
   * Verifies a signed checkpoint and its cosignatures and checks the quorum.
   *
   * @throws QuorumException if the log signed it but fewer than {@link #quorum} witnesses cosigned
   * @throws NoteFormatException as for {@link SignedCheckpoint#verify(byte[], String, NoteVerifier,
   *     NoteVerifiers)}, and the others it lists
   */
  public SignedCheckpoint verify(byte[] raw, String origin, NoteVerifier logKey)
      throws NoteFormatException,
          CheckpointFormatException,
          OriginMismatchException,
          InvalidNoteSignatureException,
          UnverifiedNoteException,
          QuorumException {
    SignedCheckpoint cp = SignedCheckpoint.verify(raw, origin, logKey, cosigners);
    check(cp);
    return cp;
  }

  /**
   * Checks the quorum of a checkpoint already verified with {@link #cosigners}.
   *
   * @throws QuorumException if fewer than {@link #quorum} witnesses cosigned it
   */
  public void check(SignedCheckpoint cp) throws QuorumException {
    List<String> signed = signers(cp);
    if (signed.size() < quorum) {
      List<String> all = new ArrayList<>();
      for (CosignatureV1Verifier w : witnesses) {
        all.add(w.name());
      }
      throw new QuorumException(cp.checkpoint().treeSize(), quorum, signed, all);
    }
  }

  /** The names of the policy's witnesses that cosigned {@code cp}, in the note's order. */
  public List<String> signers(SignedCheckpoint cp) {
    Set<String> out = new LinkedHashSet<>();
    for (Cosignature c : cp.cosignatures()) {
      for (CosignatureV1Verifier w : witnesses) {
        if (w.name().equals(c.name()) && w.keyId() == c.keyId()) {
          out.add(c.name());
        }
      }
    }
    return List.copyOf(out);
  }

  /**
   * The names of {@code witnesses} whose cosignature on {@code cp} (a checkpoint whose log
   * signature was verified) verifies, for reports: a witness whose line is missing or does not
   * verify is left out instead of failing the checkpoint (that is {@link #verify}'s job for
   * clients).
   */
  public static List<String> cosignedBy(
      SignedCheckpoint cp, List<CosignatureV1Verifier> witnesses) {
    byte[] body = cp.note().bodyBytes();
    List<String> out = new ArrayList<>();
    for (CosignatureV1Verifier w : witnesses) {
      for (NoteSignature sig : cp.note().signatures()) {
        if (sig.isFrom(w) && w.verify(body, sig.signature())) {
          out.add(w.name());
          break;
        }
      }
    }
    return List.copyOf(out);
  }

  @Override
  public String toString() {
    return "WitnessPolicy[" + quorum + " of " + witnesses.size() + "]";
  }
}
