package org.rcskt.verifier.event;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.rcskt.verifier.Hash;

/**
 * A complete key event: its {@link EventBody} and one to eight signatures, sorted by key id, with
 * its encoding computed once. Immutable and safe to share between threads.
 *
 * <p>{@link #encoded()} is the log's leaf for this event; {@link #leafHash()} is the RFC 9162 leaf
 * hash and the value the subject's next event carries as {@code previousHash}.
 */
public final class KeyEvent {
  private final EventBody body;
  private final List<EventSignature> signatures;
  private final byte[] encoded;
  private final int bodyLength;
  private volatile Hash leafHash;

  private KeyEvent(
      EventBody body, List<EventSignature> signatures, byte[] encoded, int bodyLength) {
    this.body = body;
    this.signatures = signatures;
    this.encoded = encoded;
    this.bodyLength = bodyLength;
  }

  /**
   * Assembles an event from its body and signatures; the signatures are sorted by key id, as the
   * encoding requires.
   *
   * @throws IllegalArgumentException if there are no signatures or more than {@link
   *     EventFormat#MAX_SIGNATURES}, two share a key id, or the encoding would exceed {@link
   *     EventFormat#MAX_EVENT_SIZE}
   */
  public static KeyEvent of(EventBody body, List<EventSignature> signatures) {
    if (body == null || signatures == null) {
      throw new IllegalArgumentException("body and signatures are required");
    }
    String p = EventFormat.lengthProblem(signatures.size(), 1, EventFormat.MAX_SIGNATURES);
    if (p != null) {
      throw new IllegalArgumentException("signatures: " + p.replace("length", "count"));
    }
    List<EventSignature> sorted = new ArrayList<>(signatures);
    sorted.sort((a, b) -> a.keyId().compareTo(b.keyId()));
    for (int i = 1; i < sorted.size(); i++) {
      if (sorted.get(i).keyId().equals(sorted.get(i - 1).keyId())) {
        throw new IllegalArgumentException("signatures: duplicate key id " + sorted.get(i).keyId());
      }
    }
    int bodyLength = EventCodec.bodySize(body);
    int size = bodyLength + EventCodec.signaturesSize(sorted);
    if (size > EventFormat.MAX_EVENT_SIZE) {
      throw new IllegalArgumentException(
          "event would be "
              + size
              + " bytes, more than the maximum of "
              + EventFormat.MAX_EVENT_SIZE);
    }
    return new KeyEvent(
        body, List.copyOf(sorted), EventCodec.encode(body, sorted, size), bodyLength);
  }

  static KeyEvent wrap(
      EventBody body, List<EventSignature> signatures, byte[] encoded, int bodyLength) {
    return new KeyEvent(body, signatures, encoded, bodyLength);
  }

  /** The signed part of the event. */
  public EventBody body() {
    return body;
  }

  /** The signatures, sorted by key id. */
  public List<EventSignature> signatures() {
    return signatures;
  }

  /** A copy of the encoded event: the leaf bytes. */
  public byte[] encoded() {
    return encoded.clone();
  }

  /** The encoded length in bytes. */
  public int encodedLength() {
    return encoded.length;
  }

  /**
   * The encoded event without copying. The caller must never modify the array; this exists for hot
   * paths (writing the leaf to storage, hashing).
   */
  public byte[] encodedUnsafe() {
    return encoded;
  }

  /** The length of the encoded body: the leaf bytes before the signature count. */
  public int bodyLength() {
    return bodyLength;
  }

  /** The message every signature covers: {@link EventFormat#SIGNATURE_LABEL} || encoded body. */
  public byte[] signedMessage() {
    byte[] label = EventFormat.SIGNATURE_LABEL;
    byte[] m = Arrays.copyOf(label, label.length + bodyLength);
    System.arraycopy(encoded, 0, m, label.length, bodyLength);
    return m;
  }

  /** SHA-256(0x00 || encoded): the RFC 9162 leaf hash and the subject chain's event hash. */
  public Hash leafHash() {
    Hash h = leafHash;
    if (h == null) {
      h = EventCodec.leafHash(encoded);
      leafHash = h;
    }
    return h;
  }

  // Shorthands for the body's fields, used everywhere.

  /** The event type. */
  public EventType type() {
    return body.type();
  }

  /** The event's subject. */
  public Hash subject() {
    return body.subject();
  }

  /** The event's sequence number in its chain. */
  public long sequence() {
    return body.sequence();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KeyEvent && Arrays.equals(encoded, ((KeyEvent) o).encoded);
  }

  @Override
  public int hashCode() {
    return leafHash().hashCode();
  }

  @Override
  public String toString() {
    return "KeyEvent[" + body + " signatures=" + signatures + "]";
  }
}
