package org.rcskt.verifier.continuity;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.client.LoggedEvent;
import org.rcskt.verifier.client.SubjectHistory;
import org.rcskt.verifier.event.AnchorRegistry;
import org.rcskt.verifier.event.Applied;
import org.rcskt.verifier.event.Device;
import org.rcskt.verifier.event.EventPayload;
import org.rcskt.verifier.event.EventRules;
import org.rcskt.verifier.event.EventType;
import org.rcskt.verifier.event.KeyEvent;
import org.rcskt.verifier.event.PublicKeyInfo;
import org.rcskt.verifier.event.RevocationReason;
import org.rcskt.verifier.event.RuleViolationException;
import org.rcskt.verifier.event.RulesContext;
import org.rcskt.verifier.event.SubjectState;

/**
 * The result of replaying one subject's logged events, with its carriers' ANCHOR events, under the
 * event rules from an empty state: every key the subject ever had, how it came and how it went.
 * Built only by {@link #replay}, which throws on the first event the rules reject.
 */
final class KeyHistory {
  /** What happened to one key. */
  static final class KeyRecord {
    final PublicKeyInfo key;
    final String deviceId;
    final LoggedEvent introducedBy;
    final Verdict.Step introduction;
    KeyRecord successor;
    Verdict.Step succession; // the step to the successor
    LoggedEvent retiredBy; // a ROTATE away or a REVOKE; null while active
    RevocationReason reason; // for REVOKE; SUPERSEDED for a rotation away

    KeyRecord(PublicKeyInfo key, String deviceId, LoggedEvent introducedBy, Verdict.Step step) {
      this.key = key;
      this.deviceId = deviceId;
      this.introducedBy = introducedBy;
      this.introduction = step;
    }

    boolean active() {
      return retiredBy == null;
    }
  }

  final SubjectState state;
  final Map<Hash, KeyRecord> keys;
  final List<LoggedEvent> subjectEvents;

  private KeyHistory(
      SubjectState state, Map<Hash, KeyRecord> keys, List<LoggedEvent> subjectEvents) {
    this.state = state;
    this.keys = keys;
    this.subjectEvents = subjectEvents;
  }

  /** The subject's event with sequence number {@code sequence}, or null. */
  LoggedEvent eventWithSequence(long sequence) {
    if (sequence < 0 || sequence >= subjectEvents.size()) {
      return null;
    }
    // the replay checked that sequence numbers are 0, 1, 2, ...
    return subjectEvents.get((int) sequence);
  }

  /** The active device of the subject whose key has {@code keyId}, or null. */
  Device activeDevice(Hash keyId) {
    return state.deviceByKeyId(keyId);
  }

  /**
   * Replays {@code subject}'s events merged in log order with the ANCHOR events of {@code
   * carrierChains}.
   *
   * @param subject the subject's events, proofs verified
   * @param carrierChains the ANCHOR chains of the carriers the subject's events name, proofs
   *     verified; events that are not ANCHOR events of the chain's own carrier are ignored
   * @param rules the log's rules; any clock in it is dropped (replay has none)
   * @throws HistoryException at the first event the rules reject, or two different events claiming
   *     the same leaf index
   */
  static KeyHistory replay(
      SubjectHistory subject, List<SubjectHistory> carrierChains, RulesContext rules)
      throws HistoryException {
    RulesContext ctx = rules.withoutNow();
    List<Sourced> all = new ArrayList<>();
    for (LoggedEvent e : subject.events()) {
      all.add(new Sourced(e, false));
    }
    for (SubjectHistory chain : carrierChains) {
      for (LoggedEvent e : chain.events()) {
        KeyEvent ev = e.event();
        if (ev.type() == EventType.ANCHOR) {
          all.add(new Sourced(e, true));
        }
      }
    }
    all.sort(Comparator.comparingLong(s -> s.event.leafIndex()));

    SubjectState state = SubjectState.EMPTY;
    AnchorRegistry anchors = AnchorRegistry.EMPTY;
    Map<Hash, KeyRecord> keys = new HashMap<>();
    List<LoggedEvent> subjectEvents = new ArrayList<>(subject.events().size());
    Sourced previous = null;
    for (Sourced s : all) {
      LoggedEvent le = s.event;
      if (previous != null && previous.event.leafIndex() == le.leafIndex()) {
        if (!previous.event.event().equals(le.event())) {
          throw new HistoryException(
              "two different events were proven at leaf " + le.leafIndex(),
              le.leafIndex(),
              le.event().encodedUnsafe(),
              le.checkpoint().raw(),
              null);
        }
        continue; // the same ANCHOR event reached us twice
      }
      previous = s;
      Applied applied;
      try {
        applied =
            EventRules.verifyAndApply(
                // An ANCHOR event sees the phone state of its own subject: empty, unless the
                // subject replayed here is that carrier subject.
                le.event().subject().equals(subject.subject()) ? state : SubjectState.EMPTY,
                le.event(),
                anchors,
                ctx);
      } catch (RuleViolationException e) {
        throw new HistoryException(
            "event at leaf "
                + le.leafIndex()
                + " breaks the rules ("
                + e.violation()
                + "): "
                + e.getMessage(),
            le.leafIndex(),
            le.event().encodedUnsafe(),
            le.checkpoint().raw(),
            e);
      }
      anchors = applied.anchors();
      if (s.anchor) {
        continue;
      }
      record(keys, state, applied, le);
      state = applied.state();
      subjectEvents.add(le);
    }
    return new KeyHistory(state, keys, subjectEvents);
  }

  private static void record(
      Map<Hash, KeyRecord> keys, SubjectState before, Applied applied, LoggedEvent le) {
    KeyEvent e = le.event();
    EventPayload p = e.body().payload();
    if (p instanceof EventPayload.Register) {
      EventPayload.Register r = (EventPayload.Register) p;
      Verdict.Step step =
          new Verdict.Step(
              le.leafIndex(),
              e.sequence(),
              e.leafHash(),
              r.deviceId(),
              null,
              r.publicKey().keyId(),
              false,
              applied.carrierAttested(),
              null,
              r.publicKey().algorithm());
      keys.put(r.publicKey().keyId(), new KeyRecord(r.publicKey(), r.deviceId(), le, step));
    } else if (p instanceof EventPayload.Rotate) {
      EventPayload.Rotate r = (EventPayload.Rotate) p;
      KeyRecord old = keys.get(before.device(r.deviceId()).publicKey().keyId());
      Verdict.Step step =
          new Verdict.Step(
              le.leafIndex(),
              e.sequence(),
              e.leafHash(),
              r.deviceId(),
              old.key.keyId(),
              r.publicKey().keyId(),
              !applied.recovery(),
              applied.carrierAttested(),
              old.key.algorithm(),
              r.publicKey().algorithm());
      KeyRecord next = new KeyRecord(r.publicKey(), r.deviceId(), le, step);
      old.retiredBy = le;
      old.reason = RevocationReason.SUPERSEDED;
      old.successor = next;
      old.succession = step;
      keys.put(r.publicKey().keyId(), next);
    } else if (p instanceof EventPayload.Revoke) {
      EventPayload.Revoke r = (EventPayload.Revoke) p;
      KeyRecord old = keys.get(before.device(r.deviceId()).publicKey().keyId());
      old.retiredBy = le;
      old.reason = r.reason();
    }
  }

  private static final class Sourced {
    final LoggedEvent event;
    final boolean anchor;

    Sourced(LoggedEvent event, boolean anchor) {
      this.event = event;
      this.anchor = anchor;
    }
  }
}
