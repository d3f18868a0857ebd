package org.rcskt.verifier.continuity;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.VerificationException;
import org.rcskt.verifier.checkpoint.SignedCheckpoint;
import org.rcskt.verifier.client.LogClient;
import org.rcskt.verifier.client.LoggedEvent;
import org.rcskt.verifier.client.NumberLookup;
import org.rcskt.verifier.client.StaleAnswerException;
import org.rcskt.verifier.client.SubjectHistory;
import org.rcskt.verifier.crypto.Ed25519;
import org.rcskt.verifier.event.Device;
import org.rcskt.verifier.event.PhoneNumbers;
import org.rcskt.verifier.event.PublicKeyInfo;
import org.rcskt.verifier.event.RulesContext;

/**
 * Trust-on-first-use continuity: decides whether the key a contact is shown with follows, in the
 * log, from the key the app pinned for that contact (docs/clients.md).
 *
 * <p>Each check fetches the contact's events and its carriers' ANCHOR events through a {@link
 * LogClient} (which verifies the checkpoint and every inclusion proof), replays them from an empty
 * state under the event rules (sequence numbers, previous-hash chain, signatures, authorization),
 * and only then compares keys. It never relies on a state summary from the server.
 *
 * <p>Thread-safe; checks of the same contact are serialized so a pin never moves backwards.
 */
public final class ContinuityChecker {
  private final LogClient client;
  private final PinStore pins;
  private final RulesContext rules;

  /**
   * @param client the client for the log, configured with the log's origin and key
   * @param pins where the app keeps its pins
   * @param rules the log's rules: its policy key (from the app's configuration, like the log key)
   *     and whether it accepts unattested registrations; the clock is ignored
   */
  public ContinuityChecker(LogClient client, PinStore pins, RulesContext rules) {
    this.client = Objects.requireNonNull(client, "client");
    this.pins = Objects.requireNonNull(pins, "pins");
    this.rules = Objects.requireNonNull(rules, "rules").withoutNow();
  }

  /**
   * Checks the key a contact with phone number {@code e164} is shown with: looks the number up
   * ({@link LogClient#lookup}: the VRF proof of its index, every inclusion proof and the
   * completeness proof), then decides on that answer as {@link #check(Hash, Ed25519.PublicKey)}
   * does. When the lookup does not verify the verdict is LOG_ERROR; its subject is the proven index
   * when the answer was only stale, and the zero hash when not even the index could be proven.
   *
   * @throws IllegalArgumentException if {@code e164} is not a strict E.164 number
   * @throws IllegalStateException if the client was built without the log's VRF key
   * @throws IOException if the log cannot be reached or the pin store fails; no decision was made
   */
  public Verdict check(String e164, Ed25519.PublicKey shownKey) throws IOException {
    return check(e164, PublicKeyInfo.ed25519(Objects.requireNonNull(shownKey, "shownKey")));
  }

  /**
   * As {@link #check(String, Ed25519.PublicKey)}, for a shown key of any algorithm (an ML-DSA-65 or
   * hybrid key included); the verdict reports the algorithm and any downgrade on the way.
   */
  public Verdict check(String e164, PublicKeyInfo shownKey) throws IOException {
    Hash shownKeyId = Objects.requireNonNull(shownKey, "shownKey").keyId();
    NumberLookup lookup;
    try {
      lookup = client.lookup(e164);
    } catch (VerificationException e) {
      Hash subject = e instanceof StaleAnswerException s ? s.subject() : Hash.ZERO;
      Optional<Pin> pin = subject.equals(Hash.ZERO) ? Optional.empty() : pins.get(subject);
      return Verdict.logError(
              subject,
              shownKeyId,
              pin.isEmpty(),
              e,
              latestOrNull(),
              "the log's answer for " + e164 + " does not verify: " + e.getMessage())
          .withShownKeyAlgorithm(shownKey.algorithm());
    }
    return check(lookup.index(), shownKeyId, lookup.history())
        .withShownKeyAlgorithm(shownKey.algorithm());
  }

  /**
   * Checks the key the contact with subject index {@code subject} is shown with.
   *
   * @throws IOException if the log cannot be reached or the pin store fails; no decision was made
   */
  public Verdict check(Hash subject, Ed25519.PublicKey shownKey) throws IOException {
    return check(subject, PublicKeyInfo.ed25519(Objects.requireNonNull(shownKey, "shownKey")));
  }

  /** As {@link #check(Hash, Ed25519.PublicKey)}, for a shown key of any algorithm. */
  public Verdict check(Hash subject, PublicKeyInfo shownKey) throws IOException {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(shownKey, "shownKey");
    return check(subject, shownKey.keyId(), null).withShownKeyAlgorithm(shownKey.algorithm());
  }

  /**
   * Decides under the subject's lock. {@code fetched} is a history already verified (by a lookup)
   * or null; it is used unless a pin stored meanwhile is beyond its tree, in which case the subject
   * is fetched again so a concurrent check's newer pin is not judged against older data.
   */
  private Verdict check(Hash subject, Hash shownKeyId, SubjectHistory fetched) throws IOException {
    synchronized (lockFor(subject)) {
      Optional<Pin> pin = pins.get(subject);
      SubjectHistory history =
          fetched != null && (pin.isEmpty() || pin.get().leafIndex() < fetched.treeSize())
              ? fetched
              : null;
      Verdict v = fetchAndDecide(subject, shownKeyId, pin, history);
      if (v.kind() == Verdict.Kind.ROTATED
          || (v.kind() == Verdict.Kind.UNCHANGED && v.firstContact())) {
        pins.put(v.pin());
      }
      return v;
    }
  }

  /**
   * Pins the shown key of a RECOVERED verdict, once the user has accepted the warning.
   *
   * @throws IllegalArgumentException if {@code verdict} is not RECOVERED
   * @throws IOException if the pin cannot be stored
   */
  public void accept(Verdict verdict) throws IOException {
    if (verdict.kind() != Verdict.Kind.RECOVERED) {
      throw new IllegalArgumentException(
          "only a RECOVERED verdict needs accepting, this one is " + verdict.kind());
    }
    synchronized (lockFor(verdict.subject())) {
      pins.put(verdict.pin());
    }
  }

  private Verdict fetchAndDecide(
      Hash subject, Hash shownKeyId, Optional<Pin> pin, SubjectHistory fetched) throws IOException {
    boolean first = pin.isEmpty();
    SubjectHistory history;
    List<SubjectHistory> carriers = new ArrayList<>();
    try {
      history = fetched != null ? fetched : client.subject(subject);
      TreeSet<String> carrierIds = new TreeSet<>();
      for (LoggedEvent e : history.events()) {
        carrierIds.add(e.event().body().carrierId());
      }
      for (String carrierId : carrierIds) {
        carriers.add(client.subject(PhoneNumbers.carrierSubject(carrierId)));
      }
    } catch (VerificationException e) {
      SignedCheckpoint cp = latestOrNull();
      return Verdict.logError(
          subject, shownKeyId, first, e, cp, "the log's answer does not verify: " + e.getMessage());
    }
    return decide(history, carriers, pin, shownKeyId, rules);
  }

  private SignedCheckpoint latestOrNull() {
    try {
      return client.latestVerified().orElse(null);
    } catch (IOException | VerificationException e) {
      return null;
    }
  }

  /**
   * The decision, given verified histories: pure, for tests and for callers that fetch in their own
   * way.
   */
  static Verdict decide(
      SubjectHistory history,
      List<SubjectHistory> carrierChains,
      Optional<Pin> pin,
      Hash shownKeyId,
      RulesContext rules) {
    Hash subject = history.subject();
    SignedCheckpoint cp = history.checkpoint();
    boolean first = pin.isEmpty();
    KeyHistory h;
    try {
      h = KeyHistory.replay(history, carrierChains, rules);
      if (pin.isPresent()) {
        checkPinnedEvent(h, pin.get(), cp);
      }
    } catch (HistoryException e) {
      return Verdict.logError(subject, shownKeyId, first, e, cp, e.getMessage());
    }

    KeyHistory.KeyRecord shown = h.keys.get(shownKeyId);
    if (shown == null) {
      return Verdict.unlogged(
          subject,
          shownKeyId,
          first,
          cp,
          "key "
              + shownKeyId
              + " is not among the "
              + h.keys.size()
              + " keys of the subject's "
              + h.subjectEvents.size()
              + " logged events at tree size "
              + history.treeSize());
    }
    if (!shown.active()) {
      return Verdict.revoked(
          subject,
          shownKeyId,
          first,
          shown.reason,
          cp,
          "key "
              + shownKeyId
              + (shown.successor != null
                  ? " was rotated to " + shown.successor.key.keyId()
                  : " was revoked (" + shown.reason + ")")
              + " at leaf "
              + shown.retiredBy.leafIndex());
    }
    Device device = h.activeDevice(shownKeyId);
    Pin shownPin = pinFor(subject, shown);
    if (first) {
      return withKex(
          device,
          Verdict.unchanged(
              subject,
              shownKeyId,
              true,
              device.attested(),
              shownPin,
              cp,
              "first contact: key "
                  + shownKeyId
                  + " of device "
                  + device.deviceId()
                  + " is active"
                  + (device.attested() ? ", carrier-attested" : ", not attested by a carrier")
                  + (device.recovered() ? ", installed by a recovery" : "")));
    }
    Pin p = pin.get();
    Hash pinnedKeyId = p.key().keyId();
    if (pinnedKeyId.equals(shownKeyId)) {
      return withKex(
          device,
          Verdict.unchanged(
              subject,
              shownKeyId,
              false,
              device.attested(),
              p,
              cp,
              "key " + shownKeyId + " is the pinned key and still active"));
    }

    // Follow the pinned key's device line forward; it reaches the shown key only through
    // rotations of that device.
    List<Verdict.Step> steps = new ArrayList<>();
    KeyHistory.KeyRecord k = h.keys.get(pinnedKeyId);
    boolean reached = false;
    while (k.successor != null) {
      steps.add(k.succession);
      k = k.successor;
      if (k.key.keyId().equals(shownKeyId)) {
        reached = true;
        break;
      }
    }
    if (reached) {
      boolean allSigned = true;
      boolean anyAttested = false;
      for (Verdict.Step s : steps) {
        allSigned &= s.signedByPrevious();
        anyAttested |= s.carrierAttested();
      }
      if (allSigned) {
        return withKex(
            device,
            Verdict.rotated(
                subject,
                shownKeyId,
                anyAttested,
                steps,
                shownPin,
                cp,
                steps.size()
                    + " signed rotation"
                    + (steps.size() == 1 ? "" : "s")
                    + " from the pinned key "
                    + pinnedKeyId
                    + " to "
                    + shownKeyId
                    + ", the last at leaf "
                    + steps.get(steps.size() - 1).leafIndex()));
      }
      Verdict.Step firstBreak = null;
      for (Verdict.Step s : steps) {
        if (!s.signedByPrevious()) {
          firstBreak = s;
          break;
        }
      }
      return withKex(
          device,
          Verdict.recovered(
              subject,
              shownKeyId,
              false,
              true,
              steps,
              shownPin,
              cp,
              "key "
                  + firstBreak.fromKeyId()
                  + " was replaced by a carrier-attested recovery not signed by it at leaf "
                  + firstBreak.leafIndex()));
    }
    // The shown key belongs to another device line: list that line from its registration.
    List<Verdict.Step> line = new ArrayList<>();
    KeyHistory.KeyRecord r = shown;
    while (true) {
      line.add(0, r.introduction);
      Hash from = r.introduction.fromKeyId();
      if (from == null) {
        break;
      }
      r = h.keys.get(from);
    }
    return withKex(
        device,
        Verdict.recovered(
            subject,
            shownKeyId,
            false,
            device.attested(),
            line,
            shownPin,
            cp,
            "key "
                + shownKeyId
                + " of device "
                + device.deviceId()
                + " does not descend from the pinned key "
                + pinnedKeyId
                + (k.active()
                    ? " (still active on device " + k.deviceId + ")"
                    : " (its line ended at leaf " + k.retiredBy.leafIndex() + ")")
                + (device.attested() ? "; a carrier attested it" : "; no carrier attested it")));
  }

  /** Checks that the history still holds the event the pin came from, unchanged. */
  private static void checkPinnedEvent(KeyHistory h, Pin pin, SignedCheckpoint cp)
      throws HistoryException {
    LoggedEvent e = h.eventWithSequence(pin.sequence());
    byte[] raw = e == null ? cp.raw() : e.checkpoint().raw();
    if (e == null) {
      throw new HistoryException(
          "the log shows "
              + h.subjectEvents.size()
              + " events for the subject, but the pinned key came from its event with sequence "
              + pin.sequence()
              + " at leaf "
              + pin.leafIndex(),
          -1,
          new byte[0],
          raw,
          null);
    }
    Hash pinnedKeyId = pin.key().keyId();
    KeyHistory.KeyRecord rec = h.keys.get(pinnedKeyId);
    if (e.leafIndex() != pin.leafIndex()
        || !e.event().leafHash().equals(pin.eventHash())
        || rec == null
        || rec.introducedBy != e) {
      throw new HistoryException(
          "the subject's event with sequence "
              + pin.sequence()
              + " is now "
              + e.event().leafHash()
              + " at leaf "
              + e.leafIndex()
              + ", but the pinned key "
              + pinnedKeyId
              + " came from event "
              + pin.eventHash()
              + " at leaf "
              + pin.leafIndex(),
          e.leafIndex(),
          e.event().encodedUnsafe(),
          raw,
          null);
    }
  }

  /** {@code v} with the key-agreement keys and attestation mark of the shown key's device. */
  private static Verdict withKex(Device device, Verdict v) {
    return v.withDevice(device);
  }

  private static Pin pinFor(Hash subject, KeyHistory.KeyRecord r) {
    LoggedEvent e = r.introducedBy;
    return new Pin(subject, r.key, e.event().sequence(), e.leafIndex(), e.event().leafHash());
  }

  // A small striped lock set: serializes checks of one subject without a lock per subject.
  private final Object[] locks = newLocks(64);

  private static Object[] newLocks(int n) {
    Object[] l = new Object[n];
    for (int i = 0; i < n; i++) {
      l[i] = new Object();
    }
    return l;
  }

  private Object lockFor(Hash subject) {
    return locks[Math.floorMod(subject.hashCode(), locks.length)];
  }
}
