package org.rcskt.verifier.event;

import java.util.Arrays;
import java.util.Objects;
import org.rcskt.verifier.Hash;

/**
 * The signed part of a key event: everything but the signatures. Immutable, with content equality.
 * Its encoding ({@link EventCodec#encodeBody}) prefixed with {@link EventFormat#SIGNATURE_LABEL} is
 * the message every signature on the event covers.
 */
public final class EventBody {
  private static final byte[] NO_EVIDENCE = new byte[0];

  private final Hash subject;
  private final long sequence;
  private final Hash previousHash;
  private final long timestampMs;
  private final String carrierId;
  private final EventPayload payload;
  private final byte[] attestationEvidence;

  private EventBody(
      Hash subject,
      long sequence,
      Hash previousHash,
      long timestampMs,
      String carrierId,
      EventPayload payload,
      byte[] attestationEvidence) {
    this.subject = subject;
    this.sequence = sequence;
    this.previousHash = previousHash;
    this.timestampMs = timestampMs;
    this.carrierId = carrierId;
    this.payload = payload;
    this.attestationEvidence = attestationEvidence;
  }

  /**
   * A version-1 event body.
   *
   * @param subject the subject index ({@link PhoneNumbers#subjectIndex} or {@link
   *     PhoneNumbers#carrierSubject} for ANCHOR events)
   * @param sequence the subject's sequence number for this event, 0 for its first event
   * @param previousHash the leaf hash of the subject's previous event, {@link Hash#ZERO} for the
   *     first
   * @param timestampMs milliseconds since the Unix epoch
   * @param carrierId the carrier id, 1 to 64 characters of {@code [a-z0-9.-]}
   * @param payload the type-specific fields
   * @param attestationEvidence opaque device attestation evidence, at most 8192 bytes; null or
   *     empty for none
   * @throws IllegalArgumentException if a field is missing or outside its limits; the message
   *     starts with the field's name
   */
  public static EventBody of(
      Hash subject,
      long sequence,
      Hash previousHash,
      long timestampMs,
      String carrierId,
      EventPayload payload,
      byte[] attestationEvidence) {
    require(subject, "subject");
    require(previousHash, "previousHash");
    require(payload, "payload");
    check("sequence", EventFormat.nonNegativeProblem(sequence));
    check("timestampMs", EventFormat.nonNegativeProblem(timestampMs));
    check("carrierId", EventFormat.carrierIdProblem(carrierId));
    byte[] evidence = attestationEvidence == null ? NO_EVIDENCE : attestationEvidence.clone();
    check(
        "attestationEvidence",
        EventFormat.lengthProblem(evidence.length, 0, EventFormat.MAX_ATTESTATION_EVIDENCE_LENGTH));
    return new EventBody(
        subject, sequence, previousHash, timestampMs, carrierId, payload, evidence);
  }

  /** Builds without copying or re-checking; for the decoders, which have checked every field. */
  static EventBody wrap(
      Hash subject,
      long sequence,
      Hash previousHash,
      long timestampMs,
      String carrierId,
      EventPayload payload,
      byte[] attestationEvidence) {
    return new EventBody(
        subject, sequence, previousHash, timestampMs, carrierId, payload, attestationEvidence);
  }

  private static void require(Object value, String field) {
    if (value == null) {
      throw new IllegalArgumentException(field + ": missing");
    }
  }

  private static void check(String field, String problem) {
    if (problem != null) {
      throw new IllegalArgumentException(field + ": " + problem);
    }
  }

  /** The format version; always {@link EventFormat#VERSION} in this implementation. */
  public int version() {
    return EventFormat.VERSION;
  }

  /** The event type, given by the payload. */
  public EventType type() {
    return payload.type();
  }

  /** The subject index (phone subject, or carrier subject for ANCHOR events). */
  public Hash subject() {
    return subject;
  }

  /** The event's position in its chain, from 0. */
  public long sequence() {
    return sequence;
  }

  /** The leaf hash of the chain's previous event, {@link Hash#ZERO} for the first. */
  public Hash previousHash() {
    return previousHash;
  }

  /** The author's timestamp, in milliseconds since the Unix epoch. */
  public long timestampMs() {
    return timestampMs;
  }

  /** The carrier id. */
  public String carrierId() {
    return carrierId;
  }

  /** The type-specific fields. */
  public EventPayload payload() {
    return payload;
  }

  /** A copy of the attestation evidence (empty when there is none). */
  public byte[] attestationEvidence() {
    return attestationEvidence.clone();
  }

  int attestationEvidenceLength() {
    return attestationEvidence.length;
  }

  byte[] attestationEvidenceUnsafe() {
    return attestationEvidence;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof EventBody)) {
      return false;
    }
    EventBody b = (EventBody) o;
    return sequence == b.sequence
        && timestampMs == b.timestampMs
        && subject.equals(b.subject)
        && previousHash.equals(b.previousHash)
        && carrierId.equals(b.carrierId)
        && payload.equals(b.payload)
        && Arrays.equals(attestationEvidence, b.attestationEvidence);
  }

  @Override
  public int hashCode() {
    return Objects.hash(subject, sequence, previousHash, timestampMs, carrierId, payload);
  }

  @Override
  public String toString() {
    return "EventBody["
        + type()
        + " subject="
        + subject
        + " sequence="
        + sequence
        + " previousHash="
        + previousHash
        + " timestampMs="
        + timestampMs
        + " carrierId="
        + carrierId
        + " payload="
        + payload
        + " attestationEvidence="
        + attestationEvidence.length
        + " bytes]";
  }
}
