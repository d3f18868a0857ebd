package org.rcskt.monitor.watch;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.rcskt.monitor.alert.Alert;
import org.rcskt.monitor.alert.AlertKind;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.event.Applied;
import org.rcskt.verifier.event.Device;
import org.rcskt.verifier.event.EventBody;
import org.rcskt.verifier.event.EventPayload;
import org.rcskt.verifier.event.PublicKeyInfo;
import org.rcskt.verifier.event.SubjectState;

/**
 * Which alerts an accepted event of a watched subject raises. A new key the owner did not list
 * alerts (registration or rotation); a recovery rotation, a revocation and an unattested
 * registration always alert, since the owner should know even when the key is one they expect.
 *
 * <p>Alert ids are {@code <kind>:<origin>:<leafIndex>} for events and {@code
 * key-expired:<origin>:<subject>:<keyId>} for expiries, so the same finding always has the same id.
 */
public final class WatchRules {
  private WatchRules() {}

  /** The alerts raised by {@code applied}, the event at {@code leafIndex} of log {@code origin}. */
  public static List<Alert> alertsFor(
      String origin, long leafIndex, Applied applied, WatchList.Entry watched, long nowMs) {
    List<Alert> out = new ArrayList<>(2);
    EventBody body = applied.event().body();
    Map<String, String> details = new TreeMap<>();
    details.put("eventType", body.type().name());
    details.put("sequence", Long.toString(body.sequence()));
    details.put("carrierId", body.carrierId());
    details.put("eventTime", Instant.ofEpochMilli(body.timestampMs()).toString());
    details.put("leafHash", applied.eventHash().toHex());
    EventPayload p = body.payload();
    if (p instanceof EventPayload.Register || p instanceof EventPayload.Rotate) {
      String deviceId;
      PublicKeyInfo key;
      if (p instanceof EventPayload.Register) {
        deviceId = ((EventPayload.Register) p).deviceId();
        key = ((EventPayload.Register) p).publicKey();
      } else {
        deviceId = ((EventPayload.Rotate) p).deviceId();
        key = ((EventPayload.Rotate) p).publicKey();
      }
      details.put("deviceId", deviceId);
      details.put("keyId", key.keyId().toHex());
      details.put("keyAlgorithm", key.algorithm().name());
      org.rcskt.verifier.event.Device installed = applied.state().device(deviceId);
      details.put(
          "deviceAttestation", describe(installed == null ? null : installed.deviceAttestation()));
      String verb = p instanceof EventPayload.Register ? "registered" : "rotated to";
      if (!watched.expects(key.keyId())) {
        out.add(
            alert(
                AlertKind.UNEXPECTED_KEY,
                origin,
                leafIndex,
                body.subject(),
                watched,
                nowMs,
                "device "
                    + deviceId
                    + " of "
                    + watched.label()
                    + " "
                    + verb
                    + " key "
                    + key.keyId()
                    + ", which is not an expected key",
                details));
      }
      if (applied.unattestedRegistration()) {
        out.add(
            alert(
                AlertKind.UNATTESTED_REGISTRATION,
                origin,
                leafIndex,
                body.subject(),
                watched,
                nowMs,
                "device "
                    + deviceId
                    + " of "
                    + watched.label()
                    + " registered key "
                    + key.keyId()
                    + " without a carrier attestation",
                details));
      }
      if (applied.recovery()) {
        out.add(
            alert(
                AlertKind.RECOVERY_ROTATION,
                origin,
                leafIndex,
                body.subject(),
                watched,
                nowMs,
                "carrier "
                    + body.carrierId()
                    + " replaced the key of device "
                    + deviceId
                    + " of "
                    + watched.label()
                    + " with "
                    + key.keyId()
                    + " without the old key's signature (recovery)",
                details));
      }
      if (applied.downgrade()) {
        out.add(
            alert(
                AlertKind.ALGORITHM_DOWNGRADE,
                origin,
                leafIndex,
                body.subject(),
                watched,
                nowMs,
                "device "
                    + deviceId
                    + " of "
                    + watched.label()
                    + " rotated from a post-quantum key to "
                    + key.algorithm()
                    + " key "
                    + key.keyId()
                    + " (a downgrade the log's policy allows)",
                details));
      }
    } else if (p instanceof EventPayload.Revoke) {
      EventPayload.Revoke r = (EventPayload.Revoke) p;
      details.put("deviceId", r.deviceId());
      details.put("reason", r.reason().name());
      out.add(
          alert(
              AlertKind.REVOCATION,
              origin,
              leafIndex,
              body.subject(),
              watched,
              nowMs,
              "device " + r.deviceId() + " of " + watched.label() + " was revoked: " + r.reason(),
              details));
    } else if (p instanceof EventPayload.Keys) {
      EventPayload.Keys k = (EventPayload.Keys) p;
      details.put("deviceId", k.deviceId());
      StringBuilder algorithms = new StringBuilder();
      for (org.rcskt.verifier.event.KexKey x : k.keys()) {
        algorithms.append(algorithms.length() == 0 ? "" : ",").append(x.algorithm().name());
      }
      details.put("keyAgreementAlgorithms", algorithms.toString());
      out.add(
          alert(
              AlertKind.KEY_AGREEMENT_KEYS,
              origin,
              leafIndex,
              body.subject(),
              watched,
              nowMs,
              "device "
                  + k.deviceId()
                  + " of "
                  + watched.label()
                  + (k.keys().isEmpty()
                      ? " withdrew its key-agreement keys"
                      : " published key-agreement keys (" + algorithms + ")")
                  + ", signed by its identity key",
              details));
    }
    return out;
  }

  /** A {@link AlertKind#KEY_EXPIRED} alert for each active key of {@code state} past its date. */
  public static List<Alert> expiries(
      String origin, Hash subject, SubjectState state, WatchList.Entry watched, long nowMs) {
    List<Alert> out = new ArrayList<>();
    for (Device d : state.devices()) {
      PublicKeyInfo k = d.publicKey();
      if (!k.isExpiredAt(nowMs)) {
        continue;
      }
      Map<String, String> details = new TreeMap<>();
      details.put("deviceId", d.deviceId());
      details.put("keyId", k.keyId().toHex());
      details.put("notAfter", Instant.ofEpochMilli(k.notAfterMs()).toString());
      out.add(
          new Alert(
              0,
              AlertKind.KEY_EXPIRED.wireName() + ":" + origin + ":" + subject + ":" + k.keyId(),
              AlertKind.KEY_EXPIRED,
              nowMs,
              origin,
              subject,
              watched.label(),
              -1,
              "key "
                  + k.keyId()
                  + " of device "
                  + d.deviceId()
                  + " of "
                  + watched.label()
                  + " is past its not-after date "
                  + Instant.ofEpochMilli(k.notAfterMs()),
              details,
              null));
    }
    return out;
  }

  private static Alert alert(
      AlertKind kind,
      String origin,
      long leafIndex,
      Hash subject,
      WatchList.Entry watched,
      long nowMs,
      String message,
      Map<String, String> details) {
    return new Alert(
        0,
        kind.wireName() + ":" + origin + ":" + leafIndex,
        kind,
        nowMs,
        origin,
        subject,
        watched.label(),
        leafIndex,
        message,
        details,
        null);
  }

  /**
   * A key's device attestation mark in one word or three: {@code none}, {@code <platform>
   * unchecked}, or {@code <platform> <level> hardware-backed|not-hardware-backed}.
   */
  static String describe(org.rcskt.verifier.event.AttestationMark m) {
    if (m == null) {
      return "none";
    }
    if (!m.verified()) {
      return m.platform().name() + " unchecked";
    }
    return m.platform().name()
        + " "
        + m.securityLevel().name()
        + (m.hardwareBacked() ? " hardware-backed" : " not-hardware-backed");
  }
}
