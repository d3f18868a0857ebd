package org.rcskt.verifier.continuity;

import java.util.List;
import java.util.Objects;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.VerificationException;
import org.rcskt.verifier.checkpoint.SignedCheckpoint;
import org.rcskt.verifier.event.KeyAlgorithm;
import org.rcskt.verifier.event.RevocationReason;

/**
 * The answer of a {@link ContinuityChecker}: whether the key a contact is shown with can be
 * trusted, given the key the app pinned for that contact and what the log shows.
 *
 * <p>docs/clients.md says what an app should show the user for each {@link Kind}.
 */
public final class Verdict {
  /** The six possible answers. */
  public enum Kind {
    /**
     * The shown key is the pinned key and is still active in the log; or, on first contact ({@link
     * #firstContact()}), the shown key is logged and active and is now pinned.
     */
    UNCHANGED,
    /**
     * Every step from the pinned key to the shown key is a logged rotation signed by the previous
     * key, each proven included in a verified checkpoint. The pin has advanced to the shown key.
     */
    ROTATED,
    /**
     * The shown key is logged and active, but at least one step from the pinned key to it was not
     * signed by the key before it: a carrier-attested recovery, or a key of another device. The pin
     * has not moved; the app should warn before trusting, then call {@link
     * ContinuityChecker#accept}. {@link #carrierAttested()} says whether a carrier vouched for
     * every unsigned step.
     */
    RECOVERED,
    /** The shown key was revoked or rotated away; {@link #revocationReason()} says why. */
    REVOKED,
    /** The shown key is not in the subject's logged history: the app must not trust it. */
    UNLOGGED,
    /** The log served something that does not verify; {@link #evidence()} holds it. */
    LOG_ERROR
  }

  /**
   * One change of key on the way from the pinned key to the shown key.
   *
   * @param leafIndex the leaf index of the event
   * @param sequence the event's sequence number in the subject's chain
   * @param eventHash the event's hash
   * @param deviceId the device whose key changed
   * @param fromKeyId the key id replaced, or null for a registration
   * @param toKeyId the key id installed
   * @param signedByPrevious whether the replaced key signed the change
   * @param carrierAttested whether a carrier anchor key signed the change
   * @param fromAlgorithm the algorithm of the key replaced, or null for a registration
   * @param toAlgorithm the algorithm of the key installed
   */
  public record Step(
      long leafIndex,
      long sequence,
      Hash eventHash,
      String deviceId,
      Hash fromKeyId,
      Hash toKeyId,
      boolean signedByPrevious,
      boolean carrierAttested,
      KeyAlgorithm fromAlgorithm,
      KeyAlgorithm toAlgorithm) {

    /**
     * Whether this step replaced a post-quantum key with one that is not (docs/protocol.md section
     * 9.4): a log accepts it only when its policy allows downgrades, and an app should warn.
     */
    public boolean downgrade() {
      return fromAlgorithm != null && fromAlgorithm.isPostQuantum() && !toAlgorithm.isPostQuantum();
    }
  }

  private final Kind kind;
  private final Hash subject;
  private final Hash shownKeyId;
  private final boolean firstContact;
  private final boolean carrierAttested;
  private final RevocationReason revocationReason;
  private final List<Step> steps;
  private final Pin pin;
  private final SignedCheckpoint checkpoint;
  private final VerificationException evidence;
  private final String detail;
  private final KeyAlgorithm shownKeyAlgorithm;
  private final List<org.rcskt.verifier.event.KexKey> keyAgreementKeys;
  private final org.rcskt.verifier.event.AttestationMark shownKeyAttestation;

  private Verdict(
      Kind kind,
      Hash subject,
      Hash shownKeyId,
      boolean firstContact,
      boolean carrierAttested,
      RevocationReason revocationReason,
      List<Step> steps,
      Pin pin,
      SignedCheckpoint checkpoint,
      VerificationException evidence,
      String detail) {
    this(
        kind,
        subject,
        shownKeyId,
        firstContact,
        carrierAttested,
        revocationReason,
        steps,
        pin,
        checkpoint,
        evidence,
        detail,
        null,
        List.of(),
        null);
  }

  private Verdict(
      Kind kind,
      Hash subject,
      Hash shownKeyId,
      boolean firstContact,
      boolean carrierAttested,
      RevocationReason revocationReason,
      List<Step> steps,
      Pin pin,
      SignedCheckpoint checkpoint,
      VerificationException evidence,
      String detail,
      KeyAlgorithm shownKeyAlgorithm,
      List<org.rcskt.verifier.event.KexKey> keyAgreementKeys,
      org.rcskt.verifier.event.AttestationMark shownKeyAttestation) {
    this.shownKeyAlgorithm = shownKeyAlgorithm;
    this.shownKeyAttestation = shownKeyAttestation;
    this.keyAgreementKeys = List.copyOf(keyAgreementKeys);
    this.kind = Objects.requireNonNull(kind, "kind");
    this.subject = Objects.requireNonNull(subject, "subject");
    this.shownKeyId = Objects.requireNonNull(shownKeyId, "shownKeyId");
    this.firstContact = firstContact;
    this.carrierAttested = carrierAttested;
    this.revocationReason = revocationReason;
    this.steps = List.copyOf(steps);
    this.pin = pin;
    this.checkpoint = checkpoint;
    this.evidence = evidence;
    this.detail = Objects.requireNonNull(detail, "detail");
  }

  static Verdict unchanged(
      Hash subject,
      Hash shownKeyId,
      boolean firstContact,
      boolean carrierAttested,
      Pin pin,
      SignedCheckpoint checkpoint,
      String detail) {
    return new Verdict(
        Kind.UNCHANGED,
        subject,
        shownKeyId,
        firstContact,
        carrierAttested,
        null,
        List.of(),
        pin,
        checkpoint,
        null,
        detail);
  }

  static Verdict rotated(
      Hash subject,
      Hash shownKeyId,
      boolean carrierAttested,
      List<Step> steps,
      Pin pin,
      SignedCheckpoint checkpoint,
      String detail) {
    return new Verdict(
        Kind.ROTATED,
        subject,
        shownKeyId,
        false,
        carrierAttested,
        null,
        steps,
        pin,
        checkpoint,
        null,
        detail);
  }

  static Verdict recovered(
      Hash subject,
      Hash shownKeyId,
      boolean firstContact,
      boolean carrierAttested,
      List<Step> steps,
      Pin candidate,
      SignedCheckpoint checkpoint,
      String detail) {
    return new Verdict(
        Kind.RECOVERED,
        subject,
        shownKeyId,
        firstContact,
        carrierAttested,
        null,
        steps,
        candidate,
        checkpoint,
        null,
        detail);
  }

  static Verdict revoked(
      Hash subject,
      Hash shownKeyId,
      boolean firstContact,
      RevocationReason reason,
      SignedCheckpoint checkpoint,
      String detail) {
    return new Verdict(
        Kind.REVOKED,
        subject,
        shownKeyId,
        firstContact,
        false,
        Objects.requireNonNull(reason, "reason"),
        List.of(),
        null,
        checkpoint,
        null,
        detail);
  }

  static Verdict unlogged(
      Hash subject,
      Hash shownKeyId,
      boolean firstContact,
      SignedCheckpoint checkpoint,
      String detail) {
    return new Verdict(
        Kind.UNLOGGED,
        subject,
        shownKeyId,
        firstContact,
        false,
        null,
        List.of(),
        null,
        checkpoint,
        null,
        detail);
  }

  static Verdict logError(
      Hash subject,
      Hash shownKeyId,
      boolean firstContact,
      VerificationException evidence,
      SignedCheckpoint checkpoint,
      String detail) {
    return new Verdict(
        Kind.LOG_ERROR,
        subject,
        shownKeyId,
        firstContact,
        false,
        null,
        List.of(),
        null,
        checkpoint,
        Objects.requireNonNull(evidence, "evidence"),
        detail);
  }

  /** This verdict, about a shown key of {@code algorithm}. */
  Verdict withShownKeyAlgorithm(KeyAlgorithm algorithm) {
    return copy(algorithm, keyAgreementKeys, shownKeyAttestation);
  }

  /**
   * This verdict, with the key-agreement keys and the device attestation mark of the shown key's
   * device.
   */
  Verdict withDevice(org.rcskt.verifier.event.Device device) {
    return copy(shownKeyAlgorithm, device.kexKeys(), device.deviceAttestation());
  }

  private Verdict copy(
      KeyAlgorithm algorithm,
      List<org.rcskt.verifier.event.KexKey> keys,
      org.rcskt.verifier.event.AttestationMark attestation) {
    return new Verdict(
        kind,
        subject,
        shownKeyId,
        firstContact,
        carrierAttested,
        revocationReason,
        steps,
        pin,
        checkpoint,
        evidence,
        detail,
        algorithm,
        keys,
        attestation);
  }

  /**
   * For UNCHANGED, ROTATED and RECOVERED: what the device attestation evidence of the shown key's
   * REGISTER or ROTATE showed (platform, security level, whether hardware-backed), as checked by
   * the replay under the rules it was given; null when that event carried none, and for the other
   * kinds. An app can show "hardware-backed" when {@code shownKeyAttestation().hardwareBacked()}.
   */
  public org.rcskt.verifier.event.AttestationMark shownKeyAttestation() {
    return shownKeyAttestation;
  }

  /**
   * For UNCHANGED, ROTATED and RECOVERED: the key-agreement keys (X25519, ML-KEM-768, X-Wing) the
   * device holding the shown key published with it, proven like the rest of the verdict (its KEYS
   * event is in the replayed, verified history); empty when it published none, and for the other
   * kinds. Encrypt only to these: a KEM key handed over outside the log may not be the device's.
   */
  public List<org.rcskt.verifier.event.KexKey> keyAgreementKeys() {
    return keyAgreementKeys;
  }

  /**
   * The algorithm of the key the contact was shown with: whether the app can count on a
   * post-quantum signature from this contact ({@link KeyAlgorithm#isPostQuantum()}).
   */
  public KeyAlgorithm shownKeyAlgorithm() {
    return shownKeyAlgorithm;
  }

  /**
   * Whether a step from the pinned key to the shown key dropped a post-quantum key for one that is
   * not (a logged downgrade, which only a log whose policy allows downgrades accepts). An app that
   * relied on the contact's post-quantum key should warn, as for a recovery.
   */
  public boolean downgraded() {
    for (Step s : steps) {
      if (s.downgrade()) {
        return true;
      }
    }
    return false;
  }

  /** The answer. */
  public Kind kind() {
    return kind;
  }

  /** The contact's subject index. */
  public Hash subject() {
    return subject;
  }

  /** The key id of the key the contact was shown with. */
  public Hash shownKeyId() {
    return shownKeyId;
  }

  /** Whether the app had no pin for the contact before this check. */
  public boolean firstContact() {
    return firstContact;
  }

  /**
   * For UNCHANGED and RECOVERED: whether a carrier vouched for the shown key (its registration or a
   * recovery carried the carrier's attestation, or it descends by signed rotations from a key that
   * did). For ROTATED: whether any rotation on the way was also carrier-signed. False otherwise.
   * False on first contact marks a trust-on-first-use registration nobody vouched for.
   */
  public boolean carrierAttested() {
    return carrierAttested;
  }

  /**
   * For REVOKED: why the shown key is no longer valid. A key rotated away (not revoked by a REVOKE
   * event) reports {@link RevocationReason#SUPERSEDED}. Null for every other kind.
   */
  public RevocationReason revocationReason() {
    return revocationReason;
  }

  /**
   * The key changes from the pinned key to the shown key, in log order (for ROTATED and RECOVERED);
   * for a shown key of another device line, the changes from that device's registration. Empty for
   * the other kinds.
   */
  public List<Step> steps() {
    return steps;
  }

  /**
   * The pin for the shown key: for UNCHANGED and ROTATED, the pin now stored; for RECOVERED, the
   * pin {@link ContinuityChecker#accept} would store. Null for the other kinds.
   */
  public Pin pin() {
    return pin;
  }

  /** The verified checkpoint the decision rests on, or null if none could be verified. */
  public SignedCheckpoint checkpoint() {
    return checkpoint;
  }

  /**
   * For LOG_ERROR: what did not verify, with its data (a {@link
   * org.rcskt.verifier.client.LogMisbehaviourException} holds both checkpoints and the proof). Null
   * for every other kind.
   */
  public VerificationException evidence() {
    return evidence;
  }

  /** A one-line explanation with the leaf indexes involved, for logs and support. */
  public String detail() {
    return detail;
  }

  @Override
  public String toString() {
    return "Verdict["
        + kind
        + (firstContact ? " first contact" : "")
        + (downgraded() ? " downgraded" : "")
        + ": "
        + detail
        + "]";
  }
}
