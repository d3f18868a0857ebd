package org.rcskt.monitor.alert;

/** What an alert is about. The wire name is the lowercase, hyphenated form. */
public enum AlertKind {
  /** A watched subject gained a key its owner did not list (registration or rotation). */
  UNEXPECTED_KEY(Severity.CRITICAL),
  /** A watched subject's key was replaced by its carrier without the old key's signature. */
  RECOVERY_ROTATION(Severity.WARNING),
  /**
   * A watched subject's post-quantum key (ML-DSA-65 or the hybrid) was replaced by an Ed25519 key,
   * which the log's policy allows: the contact's signatures are no longer post-quantum.
   */
  ALGORITHM_DOWNGRADE(Severity.WARNING),
  /**
   * A watched subject's device published (or withdrew) its key-agreement keys, signed by its
   * identity key: expected when the device refreshes them, worth a look when it did not.
   */
  KEY_AGREEMENT_KEYS(Severity.INFO),
  /** A watched subject's key was revoked; the alert carries the reason. */
  REVOCATION(Severity.WARNING),
  /** A watched subject's key was registered without a carrier attestation. */
  UNATTESTED_REGISTRATION(Severity.WARNING),
  /** An active key of a watched subject is past its not-after date. */
  KEY_EXPIRED(Severity.WARNING),
  /** The log served a checkpoint whose signature does not verify with its key. */
  BAD_SIGNATURE(Severity.CRITICAL),
  /** The log served a checkpoint smaller than one it served before. */
  ROLLBACK(Severity.CRITICAL),
  /** Two checkpoints of the log cannot both be true: a consistency proof does not verify. */
  INCONSISTENT_CHECKPOINT(Severity.CRITICAL),
  /** The entries the log served do not hash to the root its checkpoint signs. */
  ROOT_MISMATCH(Severity.CRITICAL),
  /** The log served an entry that differs from the one it served before at the same index. */
  ENTRY_REWRITTEN(Severity.CRITICAL),
  /** The log accepted an event that breaks the key-event rules, or one that does not decode. */
  RULE_VIOLATION(Severity.CRITICAL),
  /** The log signed two different trees of the same size, or two trees neither extends. */
  SPLIT_VIEW(Severity.CRITICAL),
  /**
   * A {@code MAP_ROOT} leaf of the log's signed tree commits to another subject map (root, subject
   * count or tree size) than the entries before it give (docs/protocol.md section 16).
   */
  MAP_ROOT_MISMATCH(Severity.CRITICAL),
  /**
   * The last leaf of a signed tree of size N > 0 (leaf N - 1) is not a {@code MAP_ROOT} entry: the
   * log signed a tree whose subject map it did not commit to (docs/protocol.md section 16).
   */
  MISSING_MAP_ROOT(Severity.CRITICAL),
  /**
   * The log's answer to the lookup of a watched phone number has a VRF proof that does not verify
   * with the log's configured VRF key, or states another index than the proof gives. The number is
   * not watched on that log until a lookup verifies. A log error, not proven misbehaviour: the
   * answer is not signed, so it proves nothing to a third party and carries no evidence bundle.
   */
  BAD_VRF_PROOF(Severity.CRITICAL),
  /**
   * The log's answer to the lookup of a watched phone number has a VRF proof that verifies, but its
   * checkpoint is not signed by the log, its map root leaf is not the checkpoint's last leaf or not
   * proven in its tree, or its completeness proof does not verify against that map root. Like
   * {@link #BAD_VRF_PROOF}, a log error without an evidence bundle: the number is not watched until
   * a lookup verifies.
   */
  BAD_LOOKUP_PROOF(Severity.CRITICAL),
  /** The monitor is alive; sent on the heartbeat interval when heartbeats are on. */
  HEARTBEAT(Severity.INFO);

  /** How urgent a kind of alert is. */
  public enum Severity {
    INFO,
    WARNING,
    CRITICAL
  }

  private final Severity severity;

  AlertKind(Severity severity) {
    this.severity = severity;
  }

  public Severity severity() {
    return severity;
  }

  /** True for the kinds that report log misbehaviour and carry an evidence bundle. */
  public boolean isMisbehaviour() {
    switch (this) {
      case BAD_SIGNATURE:
      case ROLLBACK:
      case INCONSISTENT_CHECKPOINT:
      case ROOT_MISMATCH:
      case ENTRY_REWRITTEN:
      case RULE_VIOLATION:
      case SPLIT_VIEW:
      case MAP_ROOT_MISMATCH:
      case MISSING_MAP_ROOT:
        return true;
      default:
        return false;
    }
  }

  /** The wire name, for example {@code unexpected-key}. */
  public String wireName() {
    return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
  }

  /**
   * The kind with wire name {@code name}.
   *
   * @throws IllegalArgumentException if no kind has that name
   */
  public static AlertKind fromWireName(String name) {
    for (AlertKind k : values()) {
      if (k.wireName().equals(name)) {
        return k;
      }
    }
    throw new IllegalArgumentException("unknown alert kind \"" + name + "\"");
  }
}
