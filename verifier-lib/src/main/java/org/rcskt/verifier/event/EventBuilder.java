package org.rcskt.verifier.event;

import org.rcskt.verifier.Hash;
import org.rcskt.verifier.crypto.Ed25519;

/**
 * Builds and signs key events. Not thread-safe; one builder per event.
 *
 * <pre>{@code
 * KeyEvent e = EventBuilder.forSubject(PhoneNumbers.subjectIndex("+33612345678"), "orange.fr")
 *     .after(state)
 *     .timestampMs(now)
 *     .register("phone-1", PublicKeyInfo.ed25519(device.publicKey()))
 *     .sign(device, carrierAnchor);
 * }</pre>
 */
public final class EventBuilder {
  private final Hash subject;
  private final String carrierId;
  private long sequence;
  private Hash previousHash = Hash.ZERO;
  private long timestampMs;
  private EventPayload payload;
  private byte[] evidence;

  private EventBuilder(Hash subject, String carrierId) {
    this.subject = subject;
    this.carrierId = carrierId;
  }

  /** An event about {@code subject}, naming carrier {@code carrierId}. */
  public static EventBuilder forSubject(Hash subject, String carrierId) {
    return new EventBuilder(subject, carrierId);
  }

  /** An ANCHOR event of {@code carrierId}, whose subject is the carrier's subject. */
  public static EventBuilder forCarrier(String carrierId) {
    return new EventBuilder(PhoneNumbers.carrierSubject(carrierId), carrierId);
  }

  /** Sets the sequence number (default 0). */
  public EventBuilder sequence(long sequence) {
    this.sequence = sequence;
    return this;
  }

  /** Sets the previous event's leaf hash (default {@link Hash#ZERO}). */
  public EventBuilder previousHash(Hash previousHash) {
    this.previousHash = previousHash;
    return this;
  }

  /** Sets the sequence number and previous hash to follow {@code state}. */
  public EventBuilder after(SubjectState state) {
    return sequence(state.nextSequence()).previousHash(state.lastEventHash());
  }

  /** Sets the sequence number and previous hash to follow the carrier's ANCHOR chain. */
  public EventBuilder after(AnchorRegistry.Carrier carrier) {
    return sequence(carrier.nextSequence()).previousHash(carrier.lastEventHash());
  }

  /** Sets the sequence number and previous hash to follow {@code previous}. */
  public EventBuilder after(KeyEvent previous) {
    return sequence(previous.sequence() + 1).previousHash(previous.leafHash());
  }

  /** Sets the timestamp in milliseconds since the Unix epoch. */
  public EventBuilder timestampMs(long timestampMs) {
    this.timestampMs = timestampMs;
    return this;
  }

  /** Sets the opaque device attestation evidence (at most 8192 bytes; default none). */
  public EventBuilder attestationEvidence(byte[] evidence) {
    this.evidence = evidence;
    return this;
  }

  /** Sets the payload, and with it the event type. */
  public EventBuilder payload(EventPayload payload) {
    this.payload = payload;
    return this;
  }

  /**
   * A REGISTER of {@code key} for device {@code deviceId}.
   *
   * @throws IllegalArgumentException if the device id is invalid
   */
  public EventBuilder register(String deviceId, PublicKeyInfo key) {
    return payload(new EventPayload.Register(deviceId, key));
  }

  /**
   * A ROTATE of device {@code deviceId} to {@code key}.
   *
   * @throws IllegalArgumentException if the device id is invalid
   */
  public EventBuilder rotate(String deviceId, PublicKeyInfo key) {
    return payload(new EventPayload.Rotate(deviceId, key));
  }

  /**
   * A REVOKE of device {@code deviceId}.
   *
   * @throws IllegalArgumentException if the device id is invalid
   */
  /** A KEYS payload: device {@code deviceId}'s key-agreement keys become {@code keys}. */
  public EventBuilder keys(String deviceId, java.util.List<KexKey> keys) {
    return payload(new EventPayload.Keys(deviceId, keys));
  }

  public EventBuilder revoke(String deviceId, RevocationReason reason) {
    return payload(new EventPayload.Revoke(deviceId, reason));
  }

  /** An ANCHOR that adds {@code key} to the carrier's attestation keys. */
  public EventBuilder anchorAdd(PublicKeyInfo key) {
    return payload(new EventPayload.Anchor(AnchorAction.ADD, key));
  }

  /** Retires {@code key}; its expiry is ignored (a RETIRE carries none). */
  public EventBuilder anchorRetire(PublicKeyInfo key) {
    return payload(new EventPayload.Anchor(AnchorAction.RETIRE, key.withNotAfter(0)));
  }

  /**
   * The unsigned body.
   *
   * @throws IllegalArgumentException if a field is missing or out of its limits
   */
  public EventBody body() {
    return EventBody.of(subject, sequence, previousHash, timestampMs, carrierId, payload, evidence);
  }

  /**
   * The body signed by each of {@code signers}.
   *
   * @throws IllegalArgumentException if a field is missing or out of its limits, or the signers are
   *     not 1 to 8 distinct keys
   */
  public KeyEvent sign(Ed25519.KeyPair... signers) {
    return KeyEvents.sign(body(), signers);
  }

  /**
   * The body signed by each of {@code signers}, of any algorithm.
   *
   * @throws IllegalArgumentException if a field is missing or out of its limits, the signers are
   *     not 1 to 8 distinct keys, or the event would exceed the size limit
   */
  public KeyEvent sign(EventSigner... signers) {
    return KeyEvents.sign(body(), signers);
  }
}
