package org.rcskt.verifier.event;

import java.util.ArrayList;
import java.util.List;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.merkle.Merkle;

/**
 * The binary encoding of key events (docs/protocol.md, "Binary encoding"): deterministic,
 * length-prefixed, big-endian. The same bytes are signed (the body), stored as the log's leaf and
 * hashed into the subject's event chain.
 *
 * <p>Decoding is strict: every accepted byte string is the encoding of exactly one event, so
 * decoding and re-encoding gives back the same bytes.
 */
public final class EventCodec {
  private EventCodec() {}

  /** The encoded body (all fields but the signatures). */
  public static byte[] encodeBody(EventBody body) {
    ByteWriter w = new ByteWriter(bodySize(body));
    writeBody(w, body);
    return w.finish();
  }

  /** The message every signature on an event with this body covers: label || encoded body. */
  public static byte[] signedMessage(EventBody body) {
    int size = EventFormat.SIGNATURE_LABEL.length + bodySize(body);
    ByteWriter w = new ByteWriter(size);
    w.bytes(EventFormat.SIGNATURE_LABEL);
    writeBody(w, body);
    return w.finish();
  }

  /** The RFC 9162 leaf hash of encoded event bytes: SHA-256(0x00 || bytes). */
  public static Hash leafHash(byte[] encodedEvent) {
    return Merkle.leafHash(encodedEvent);
  }

  static int bodySize(EventBody b) {
    return 1
        + 1
        + Hash.SIZE
        + 8
        + Hash.SIZE
        + 8
        + 1
        + b.carrierId().length()
        + payloadSize(b.payload())
        + 2
        + b.attestationEvidenceLength();
  }

  private static int keySize(PublicKeyInfo k) {
    return 2 + 2 + k.keyLength() + 8;
  }

  private static int payloadSize(EventPayload p) {
    if (p instanceof EventPayload.Register) {
      EventPayload.Register r = (EventPayload.Register) p;
      return 1 + r.deviceId().length() + keySize(r.publicKey());
    } else if (p instanceof EventPayload.Rotate) {
      EventPayload.Rotate r = (EventPayload.Rotate) p;
      return 1 + r.deviceId().length() + keySize(r.publicKey());
    } else if (p instanceof EventPayload.Revoke) {
      return 1 + ((EventPayload.Revoke) p).deviceId().length() + 1;
    } else if (p instanceof EventPayload.Keys) {
      EventPayload.Keys k = (EventPayload.Keys) p;
      int n = 1 + k.deviceId().length() + 1;
      for (KexKey x : k.keys()) {
        n += 2 + 2 + x.keyUnsafe().length + 8;
      }
      return n;
    } else {
      return 1 + keySize(((EventPayload.Anchor) p).publicKey());
    }
  }

  static int signaturesSize(List<EventSignature> signatures) {
    int n = 1;
    for (EventSignature s : signatures) {
      n += Hash.SIZE + 2 + s.length();
    }
    return n;
  }

  /** Encodes an event; the caller has checked the signature list and the total size. */
  static byte[] encode(EventBody body, List<EventSignature> signatures, int size) {
    ByteWriter w = new ByteWriter(size);
    writeBody(w, body);
    w.u8(signatures.size());
    for (EventSignature s : signatures) {
      w.hash(s.keyId());
      w.vector16(s.signatureUnsafe());
    }
    return w.finish();
  }

  private static void writeBody(ByteWriter w, EventBody b) {
    w.u8(EventFormat.VERSION);
    w.u8(b.type().code());
    w.hash(b.subject());
    w.u64(b.sequence());
    w.hash(b.previousHash());
    w.u64(b.timestampMs());
    w.ascii8(b.carrierId());
    EventPayload p = b.payload();
    if (p instanceof EventPayload.Register) {
      EventPayload.Register r = (EventPayload.Register) p;
      w.ascii8(r.deviceId());
      writeKey(w, r.publicKey());
    } else if (p instanceof EventPayload.Rotate) {
      EventPayload.Rotate r = (EventPayload.Rotate) p;
      w.ascii8(r.deviceId());
      writeKey(w, r.publicKey());
    } else if (p instanceof EventPayload.Revoke) {
      EventPayload.Revoke r = (EventPayload.Revoke) p;
      w.ascii8(r.deviceId());
      w.u8(r.reason().code());
    } else if (p instanceof EventPayload.Keys) {
      EventPayload.Keys k = (EventPayload.Keys) p;
      w.ascii8(k.deviceId());
      w.u8(k.keys().size());
      for (KexKey x : k.keys()) {
        writeKexKey(w, x);
      }
    } else {
      EventPayload.Anchor a = (EventPayload.Anchor) p;
      w.u8(a.action().code());
      writeKey(w, a.publicKey());
    }
    w.vector16(b.attestationEvidenceUnsafe());
  }

  static void writeKexKey(ByteWriter w, KexKey k) {
    w.u16(k.algorithm().code());
    w.vector16(k.keyUnsafe());
    w.u64(k.notAfterMs());
  }

  /** Reads a {@code KexKey} struct; {@code field} is its path, for messages. */
  static KexKey readKexKey(ByteReader r, String field) throws EventFormatException {
    int code = r.u16(field + ".algorithm");
    KexAlgorithm algorithm = KexAlgorithm.fromCode(code);
    if (algorithm == null) {
      throw new EventFormatException(
          field + ".algorithm", "unknown key-agreement algorithm " + code);
    }
    byte[] key = r.vector(2, 1, EventFormat.MAX_PUBLIC_KEY_LENGTH, field + ".key");
    failIf(field + ".key", KexKey.lengthProblem(algorithm, key.length));
    long notAfterMs = r.u63(field + ".notAfterMs");
    return KexKey.wrap(algorithm, key, notAfterMs);
  }

  static void writeKey(ByteWriter w, PublicKeyInfo k) {
    w.u16(k.algorithm().code());
    w.vector16(k.keyUnsafe());
    w.u64(k.notAfterMs());
  }

  /**
   * Decodes one encoded {@code KeyEvent}.
   *
   * @throws EventFormatException if the bytes are longer than {@link EventFormat#MAX_EVENT_SIZE},
   *     truncated, followed by trailing bytes, of an unknown version, type, algorithm, reason or
   *     action, or have a field outside its limits; the exception names the field
   */
  public static KeyEvent decode(byte[] bytes) throws EventFormatException {
    if (bytes == null) {
      throw new EventFormatException("", "no event bytes");
    }
    if (bytes.length > EventFormat.MAX_EVENT_SIZE) {
      throw new EventFormatException(
          "",
          "event is "
              + bytes.length
              + " bytes, more than the maximum of "
              + EventFormat.MAX_EVENT_SIZE);
    }
    ByteReader r = new ByteReader(bytes);
    EventBody body = readBody(r);
    int bodyLength = r.position();
    int count = r.u8("signatures");
    String p = EventFormat.lengthProblem(count, 1, EventFormat.MAX_SIGNATURES);
    if (p != null) {
      throw new EventFormatException("signatures", p.replace("length", "count"));
    }
    List<EventSignature> sigs = new ArrayList<>(count);
    Hash previous = null;
    for (int i = 0; i < count; i++) {
      String at = "signatures[" + i + "]";
      Hash keyId = r.hash(at + ".keyId");
      if (previous != null && previous.compareTo(keyId) >= 0) {
        throw new EventFormatException(
            at + ".keyId",
            previous.equals(keyId)
                ? "duplicate key id " + keyId
                : "key ids must be in strictly ascending order");
      }
      previous = keyId;
      byte[] sig = r.vector(2, 1, EventFormat.MAX_SIGNATURE_LENGTH, at + ".signature");
      sigs.add(EventSignature.wrap(keyId, sig));
    }
    if (r.remaining() != 0) {
      throw new EventFormatException(
          "",
          r.remaining() + " trailing bytes after the end of the event at offset " + r.position());
    }
    return KeyEvent.wrap(body, List.copyOf(sigs), bytes.clone(), bodyLength);
  }

  private static EventBody readBody(ByteReader r) throws EventFormatException {
    int version = r.u8("version");
    failIf("version", EventFormat.versionProblem(version));
    int typeCode = r.u8("type");
    EventType type = EventType.fromCode(typeCode);
    if (type == null) {
      throw new EventFormatException(
          "type",
          typeCode == EventFormat.MAP_ROOT_TYPE
              ? "type 16 is a MAP_ROOT log entry (docs/protocol.md section 16), not a key event"
              : "unknown event type " + typeCode);
    }
    Hash subject = r.hash("subject");
    long sequence = r.u63("sequence");
    Hash previousHash = r.hash("previousHash");
    long timestampMs = r.u63("timestampMs");
    String carrierId = r.ascii(EventFormat.MAX_CARRIER_ID_LENGTH, "carrierId");
    failIf("carrierId", EventFormat.carrierIdProblem(carrierId));
    EventPayload payload;
    switch (type) {
      case REGISTER:
        {
          String deviceId = readDeviceId(r);
          payload = new EventPayload.Register(deviceId, readKey(r, "payload.publicKey"));
          break;
        }
      case ROTATE:
        {
          String deviceId = readDeviceId(r);
          payload = new EventPayload.Rotate(deviceId, readKey(r, "payload.publicKey"));
          break;
        }
      case REVOKE:
        {
          String deviceId = readDeviceId(r);
          int code = r.u8("payload.reason");
          RevocationReason reason = RevocationReason.fromCode(code);
          if (reason == null) {
            throw new EventFormatException("payload.reason", "unknown revocation reason " + code);
          }
          payload = new EventPayload.Revoke(deviceId, reason);
          break;
        }
      case KEYS:
        {
          String deviceId = readDeviceId(r);
          int count = r.u8("payload.keyAgreementKeys");
          if (count > EventPayload.Keys.MAX_KEYS) {
            throw new EventFormatException(
                "payload.keyAgreementKeys",
                "count " + count + " is more than the maximum of " + EventPayload.Keys.MAX_KEYS);
          }
          java.util.List<KexKey> keys = new java.util.ArrayList<>(count);
          for (int i = 0; i < count; i++) {
            keys.add(readKexKey(r, "payload.keyAgreementKeys[" + i + "]"));
          }
          failIf("payload.keyAgreementKeys", EventPayload.keysOrderProblem(keys));
          payload = new EventPayload.Keys(deviceId, keys);
          break;
        }
      default:
        {
          int code = r.u8("payload.action");
          AnchorAction action = AnchorAction.fromCode(code);
          if (action == null) {
            throw new EventFormatException("payload.action", "unknown anchor action " + code);
          }
          PublicKeyInfo key = readKey(r, "payload.publicKey");
          failIf(
              "payload.publicKey.notAfterMs",
              EventPayload.retireNotAfterProblem(action, key.notAfterMs()));
          payload = new EventPayload.Anchor(action, key);
          break;
        }
    }
    byte[] evidence =
        r.vector(2, 0, EventFormat.MAX_ATTESTATION_EVIDENCE_LENGTH, "attestationEvidence");
    return EventBody.wrap(
        subject, sequence, previousHash, timestampMs, carrierId, payload, evidence);
  }

  private static String readDeviceId(ByteReader r) throws EventFormatException {
    String deviceId = r.ascii(EventFormat.MAX_DEVICE_ID_LENGTH, "payload.deviceId");
    failIf("payload.deviceId", EventFormat.deviceIdProblem(deviceId));
    return deviceId;
  }

  /** Reads a {@code PublicKey} struct; {@code field} is its path, for messages. */
  static PublicKeyInfo readKey(ByteReader r, String field) throws EventFormatException {
    int code = r.u16(field + ".algorithm");
    KeyAlgorithm algorithm = KeyAlgorithm.fromCode(code);
    if (algorithm == null) {
      throw new EventFormatException(field + ".algorithm", "unknown algorithm " + code);
    }
    byte[] key = r.vector(2, 1, EventFormat.MAX_PUBLIC_KEY_LENGTH, field + ".key");
    failIf(field + ".key", PublicKeyInfo.keyLengthProblem(algorithm, key.length));
    long notAfterMs = r.u63(field + ".notAfterMs");
    return PublicKeyInfo.wrap(algorithm, key, notAfterMs);
  }

  private static void failIf(String field, String problem) throws EventFormatException {
    if (problem != null) {
      throw new EventFormatException(field, problem);
    }
  }
}
