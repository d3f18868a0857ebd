package org.rcskt.verifier.event;

/**
 * The type-specific part of a key event. One record per {@link EventType}; the records validate
 * their fields on construction and throw {@link IllegalArgumentException} naming the field.
 */
public sealed interface EventPayload
    permits EventPayload.Register,
        EventPayload.Rotate,
        EventPayload.Revoke,
        EventPayload.Anchor,
        EventPayload.Keys {

  /** The event type this payload belongs to. */
  EventType type();

  /** REGISTER: adds {@code publicKey} as the key of the new device {@code deviceId}. */
  record Register(String deviceId, PublicKeyInfo publicKey) implements EventPayload {
    public Register {
      checkDeviceId(deviceId);
      checkKey(publicKey);
    }

    @Override
    public EventType type() {
      return EventType.REGISTER;
    }
  }

  /** ROTATE: replaces the key of the existing device {@code deviceId} with {@code publicKey}. */
  record Rotate(String deviceId, PublicKeyInfo publicKey) implements EventPayload {
    public Rotate {
      checkDeviceId(deviceId);
      checkKey(publicKey);
    }

    @Override
    public EventType type() {
      return EventType.ROTATE;
    }
  }

  /** REVOKE: removes the device {@code deviceId} and its key, for {@code reason}. */
  record Revoke(String deviceId, RevocationReason reason) implements EventPayload {
    public Revoke {
      checkDeviceId(deviceId);
      if (reason == null) {
        throw new IllegalArgumentException("payload.reason: missing");
      }
    }

    @Override
    public EventType type() {
      return EventType.REVOKE;
    }
  }

  /**
   * ANCHOR: adds or retires one attestation key of the event's carrier. A RETIRE names the key by
   * its algorithm and bytes (the key id) and must carry {@code notAfterMs} 0, so that every
   * retirement has exactly one encoding.
   */
  record Anchor(AnchorAction action, PublicKeyInfo publicKey) implements EventPayload {
    public Anchor {
      if (action == null) {
        throw new IllegalArgumentException("payload.action: missing");
      }
      checkKey(publicKey);
      String p = retireNotAfterProblem(action, publicKey.notAfterMs());
      if (p != null) {
        throw new IllegalArgumentException("payload.publicKey.notAfterMs: " + p);
      }
    }

    @Override
    public EventType type() {
      return EventType.ANCHOR;
    }
  }

  /**
   * KEYS: replaces the key-agreement keys of the existing device {@code deviceId} with {@code keys}
   * (0 to 3, at most one per algorithm, in ascending order of algorithm code; none clears them).
   */
  record Keys(String deviceId, java.util.List<KexKey> keys) implements EventPayload {
    /** The most key-agreement keys one device publishes: one per algorithm. */
    public static final int MAX_KEYS = KexAlgorithm.values().length;

    public Keys {
      checkDeviceId(deviceId);
      if (keys == null) {
        throw new IllegalArgumentException("payload.keyAgreementKeys: missing");
      }
      keys = java.util.List.copyOf(keys);
      String p = keysOrderProblem(keys);
      if (p != null) {
        throw new IllegalArgumentException("payload.keyAgreementKeys: " + p);
      }
    }

    @Override
    public EventType type() {
      return EventType.KEYS;
    }
  }

  /** The problem with the count or order of a KEYS event's keys, or null. */
  static String keysOrderProblem(java.util.List<KexKey> keys) {
    if (keys.size() > Keys.MAX_KEYS) {
      return "count " + keys.size() + " is more than the maximum of " + Keys.MAX_KEYS;
    }
    for (int i = 1; i < keys.size(); i++) {
      if (keys.get(i - 1).algorithm().code() >= keys.get(i).algorithm().code()) {
        return "keys must be in strictly ascending order of algorithm (one per algorithm)";
      }
    }
    return null;
  }

  /** The problem with a RETIRE's expiry field, or null. */
  static String retireNotAfterProblem(AnchorAction action, long notAfterMs) {
    return action == AnchorAction.RETIRE && notAfterMs != 0
        ? "must be 0 in a RETIRE, got " + notAfterMs
        : null;
  }

  private static void checkDeviceId(String deviceId) {
    String p = EventFormat.deviceIdProblem(deviceId);
    if (p != null) {
      throw new IllegalArgumentException("payload.deviceId: " + p);
    }
  }

  private static void checkKey(PublicKeyInfo key) {
    if (key == null) {
      throw new IllegalArgumentException("payload.publicKey: missing");
    }
  }
}
