package org.rcskt.verifier.event;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.rcskt.verifier.Hash;

/**
 * The JSON form of key events for the HTTP API (docs/protocol.md, "JSON form"). It carries exactly
 * the content of the binary encoding: converting an event to JSON and back gives the same bytes.
 * Hashes and key ids are lowercase hex, byte strings standard padded base64, code points their enum
 * names.
 *
 * <p>Parsing is strict: unknown fields, wrong types, non-canonical base64 and out-of-order
 * signatures are errors, reported as an {@link EventFormatException} whose {@code field()} is the
 * JSON path ({@code payload.publicKey.key}).
 */
public final class EventJson {
  private EventJson() {}

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  // One reading of every text: a repeated key is an error, never a silent "last one wins"; so is
  // anything after the event (checked in parse).
  private static final ObjectMapper MAPPER =
      JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
  private static final Base64.Encoder B64 = Base64.getEncoder();

  /** The JSON object for {@code event}. */
  public static ObjectNode toJson(KeyEvent event) {
    EventBody b = event.body();
    ObjectNode o = NODES.objectNode();
    o.put("version", b.version());
    o.put("type", b.type().name());
    o.put("subject", b.subject().toHex());
    o.put("sequence", b.sequence());
    o.put("previousHash", b.previousHash().toHex());
    o.put("timestampMs", b.timestampMs());
    o.put("carrierId", b.carrierId());
    o.set("payload", payloadToJson(b.payload()));
    o.put("attestationEvidence", B64.encodeToString(b.attestationEvidenceUnsafe()));
    ArrayNode sigs = o.putArray("signatures");
    for (EventSignature s : event.signatures()) {
      ObjectNode so = sigs.addObject();
      so.put("keyId", s.keyId().toHex());
      so.put("signature", B64.encodeToString(s.signatureUnsafe()));
    }
    return o;
  }

  /** The JSON text for {@code event}, compact. */
  public static String toJsonString(KeyEvent event) {
    return toJson(event).toString();
  }

  /** The JSON object for a public key, with its key id (informative; checked when parsed). */
  public static ObjectNode publicKeyToJson(PublicKeyInfo k) {
    ObjectNode o = NODES.objectNode();
    o.put("algorithm", k.algorithm().name());
    o.put("key", B64.encodeToString(k.keyUnsafe()));
    o.put("notAfterMs", k.notAfterMs());
    o.put("keyId", k.keyId().toHex());
    return o;
  }

  /** The JSON array of key-agreement keys: {@code [{"algorithm", "key", "notAfterMs"}]}. */
  public static ArrayNode kexKeysToJson(List<KexKey> keys) {
    ArrayNode a = NODES.arrayNode();
    for (KexKey k : keys) {
      ObjectNode x = a.addObject();
      x.put("algorithm", k.algorithm().name());
      x.put("key", B64.encodeToString(k.keyUnsafe()));
      x.put("notAfterMs", k.notAfterMs());
    }
    return a;
  }

  private static ObjectNode payloadToJson(EventPayload p) {
    ObjectNode o = NODES.objectNode();
    if (p instanceof EventPayload.Register) {
      EventPayload.Register r = (EventPayload.Register) p;
      o.put("deviceId", r.deviceId());
      o.set("publicKey", publicKeyToJson(r.publicKey()));
    } else if (p instanceof EventPayload.Rotate) {
      EventPayload.Rotate r = (EventPayload.Rotate) p;
      o.put("deviceId", r.deviceId());
      o.set("publicKey", publicKeyToJson(r.publicKey()));
    } else if (p instanceof EventPayload.Revoke) {
      EventPayload.Revoke r = (EventPayload.Revoke) p;
      o.put("deviceId", r.deviceId());
      o.put("reason", r.reason().name());
    } else if (p instanceof EventPayload.Keys) {
      EventPayload.Keys k = (EventPayload.Keys) p;
      o.put("deviceId", k.deviceId());
      o.set("keyAgreementKeys", kexKeysToJson(k.keys()));
    } else {
      EventPayload.Anchor a = (EventPayload.Anchor) p;
      o.put("action", a.action().name());
      o.set("publicKey", publicKeyToJson(a.publicKey()));
    }
    return o;
  }

  /**
   * Parses JSON text into an event.
   *
   * @throws EventFormatException if the text is not JSON or not a well-formed event
   */
  public static KeyEvent parse(String json) throws EventFormatException {
    JsonNode node;
    try (JsonParser parser = MAPPER.createParser(json)) {
      node = MAPPER.readTree(parser);
      long end = parser.currentLocation().getCharOffset();
      if (node != null && hasMore(parser)) {
        throw new EventFormatException(
            "", "trailing content after the event, which ends at character " + end);
      }
    } catch (JsonProcessingException e) {
      throw new EventFormatException(jsonPath(e), "not valid JSON: " + e.getOriginalMessage());
    } catch (java.io.IOException e) {
      throw new EventFormatException("", "not valid JSON: " + e.getMessage());
    }
    return fromJson(node);
  }

  /** Whether anything but whitespace follows the value just read, garbage included. */
  private static boolean hasMore(JsonParser parser) throws java.io.IOException {
    try {
      return parser.nextToken() != null;
    } catch (JsonProcessingException e) {
      return true;
    }
  }

  /**
   * The JSON path where the parser stopped (for a repeated key, the key), or "" at the top level or
   * when the parser does not say.
   */
  private static String jsonPath(JsonProcessingException e) {
    if (!(e instanceof StreamReadException r) || r.getProcessor() == null) {
      return "";
    }
    JsonParser p = r.getProcessor();
    List<String> parts = new ArrayList<>();
    for (JsonStreamContext c = p.getParsingContext(); c != null && !c.inRoot(); c = c.getParent()) {
      if (c.inArray()) {
        parts.add("[" + Math.max(0, c.getCurrentIndex()) + "]");
      } else if (c.getCurrentName() != null) {
        parts.add(c.getCurrentName());
      }
    }
    StringBuilder path = new StringBuilder();
    for (int i = parts.size() - 1; i >= 0; i--) {
      String part = parts.get(i);
      if (path.length() > 0 && !part.startsWith("[")) {
        path.append('.');
      }
      path.append(part);
    }
    return path.toString();
  }

  /**
   * Converts a JSON object into an event.
   *
   * @throws EventFormatException naming the JSON path of the first malformed field
   */
  public static KeyEvent fromJson(JsonNode node) throws EventFormatException {
    if (node == null || !node.isObject()) {
      throw new EventFormatException("", "event must be a JSON object");
    }
    allowOnly(
        node,
        "",
        Set.of(
            "version",
            "type",
            "subject",
            "sequence",
            "previousHash",
            "timestampMs",
            "carrierId",
            "payload",
            "attestationEvidence",
            "signatures"));
    long version = longField(node, "version", "version");
    String versionProblem = EventFormat.versionProblem(version);
    if (versionProblem != null) {
      throw new EventFormatException("version", versionProblem);
    }
    String typeName = text(node, "type", "type");
    EventType type;
    try {
      type = EventType.valueOf(typeName);
    } catch (IllegalArgumentException e) {
      throw new EventFormatException("type", "unknown event type \"" + typeName + "\"");
    }
    Hash subject = hash(node, "subject", "subject");
    long sequence = longField(node, "sequence", "sequence");
    Hash previousHash = hash(node, "previousHash", "previousHash");
    long timestampMs = longField(node, "timestampMs", "timestampMs");
    String carrierId = text(node, "carrierId", "carrierId");
    check("carrierId", EventFormat.carrierIdProblem(carrierId));
    JsonNode payloadNode = required(node, "payload", "payload");
    if (!payloadNode.isObject()) {
      throw new EventFormatException("payload", "must be an object");
    }
    EventPayload payload = payloadFromJson(type, payloadNode);
    byte[] evidence = new byte[0];
    if (node.has("attestationEvidence")) {
      evidence =
          base64(
              node.get("attestationEvidence"),
              "attestationEvidence",
              EventFormat.MAX_ATTESTATION_EVIDENCE_LENGTH);
      check(
          "attestationEvidence",
          EventFormat.lengthProblem(
              evidence.length, 0, EventFormat.MAX_ATTESTATION_EVIDENCE_LENGTH));
    }
    List<EventSignature> sigs = signaturesFromJson(required(node, "signatures", "signatures"));
    EventBody body =
        EventBody.wrap(subject, sequence, previousHash, timestampMs, carrierId, payload, evidence);
    try {
      return KeyEvent.of(body, sigs);
    } catch (IllegalArgumentException e) {
      // Only the total size can still be wrong here; every field was checked above.
      throw new EventFormatException("", e.getMessage());
    }
  }

  private static EventPayload payloadFromJson(EventType type, JsonNode p)
      throws EventFormatException {
    switch (type) {
      case REGISTER:
      case ROTATE:
        {
          allowOnly(p, "payload", Set.of("deviceId", "publicKey"));
          String deviceId = deviceId(p);
          PublicKeyInfo key = publicKeyFromJson(required(p, "publicKey", "payload.publicKey"));
          return type == EventType.REGISTER
              ? new EventPayload.Register(deviceId, key)
              : new EventPayload.Rotate(deviceId, key);
        }
      case REVOKE:
        {
          allowOnly(p, "payload", Set.of("deviceId", "reason"));
          String deviceId = deviceId(p);
          String name = text(p, "reason", "payload.reason");
          RevocationReason reason;
          try {
            reason = RevocationReason.valueOf(name);
          } catch (IllegalArgumentException e) {
            throw new EventFormatException(
                "payload.reason", "unknown revocation reason \"" + name + "\"");
          }
          return new EventPayload.Revoke(deviceId, reason);
        }
      case KEYS:
        {
          allowOnly(p, "payload", Set.of("deviceId", "keyAgreementKeys"));
          String deviceId = deviceId(p);
          JsonNode arr = required(p, "keyAgreementKeys", "payload.keyAgreementKeys");
          if (!arr.isArray()) {
            throw new EventFormatException("payload.keyAgreementKeys", "must be an array");
          }
          if (arr.size() > EventPayload.Keys.MAX_KEYS) {
            throw new EventFormatException(
                "payload.keyAgreementKeys",
                "count "
                    + arr.size()
                    + " is more than the maximum of "
                    + EventPayload.Keys.MAX_KEYS);
          }
          List<KexKey> keys = new ArrayList<>(arr.size());
          for (int i = 0; i < arr.size(); i++) {
            keys.add(kexKeyFromJson(arr.get(i), "payload.keyAgreementKeys[" + i + "]"));
          }
          check("payload.keyAgreementKeys", EventPayload.keysOrderProblem(keys));
          return new EventPayload.Keys(deviceId, keys);
        }
      default:
        {
          allowOnly(p, "payload", Set.of("action", "publicKey"));
          String name = text(p, "action", "payload.action");
          AnchorAction action;
          try {
            action = AnchorAction.valueOf(name);
          } catch (IllegalArgumentException e) {
            throw new EventFormatException(
                "payload.action", "unknown anchor action \"" + name + "\"");
          }
          PublicKeyInfo key = publicKeyFromJson(required(p, "publicKey", "payload.publicKey"));
          check(
              "payload.publicKey.notAfterMs",
              EventPayload.retireNotAfterProblem(action, key.notAfterMs()));
          return new EventPayload.Anchor(action, key);
        }
    }
  }

  private static String deviceId(JsonNode p) throws EventFormatException {
    String id = text(p, "deviceId", "payload.deviceId");
    check("payload.deviceId", EventFormat.deviceIdProblem(id));
    return id;
  }

  /**
   * Converts a JSON public key object ({@code algorithm}, {@code key}, {@code notAfterMs} and an
   * optional {@code keyId} that must match).
   *
   * @throws EventFormatException naming the first malformed field under {@code payload.publicKey}
   */
  public static PublicKeyInfo publicKeyFromJson(JsonNode k) throws EventFormatException {
    String at = "payload.publicKey";
    if (!k.isObject()) {
      throw new EventFormatException(at, "must be an object");
    }
    allowOnly(k, at, Set.of("algorithm", "key", "notAfterMs", "keyId"));
    String name = text(k, "algorithm", at + ".algorithm");
    KeyAlgorithm algorithm;
    try {
      algorithm = KeyAlgorithm.valueOf(name);
    } catch (IllegalArgumentException e) {
      throw new EventFormatException(at + ".algorithm", "unknown algorithm \"" + name + "\"");
    }
    byte[] key =
        base64(required(k, "key", at + ".key"), at + ".key", EventFormat.MAX_PUBLIC_KEY_LENGTH);
    check(at + ".key", PublicKeyInfo.keyLengthProblem(algorithm, key.length));
    long notAfterMs = longField(k, "notAfterMs", at + ".notAfterMs");
    PublicKeyInfo info = PublicKeyInfo.wrap(algorithm, key, notAfterMs);
    if (k.has("keyId")) {
      Hash claimed = hash(k, "keyId", at + ".keyId");
      if (!claimed.equals(info.keyId())) {
        throw new EventFormatException(
            at + ".keyId", "is " + claimed + " but the key's id is " + info.keyId());
      }
    }
    return info;
  }

  private static KexKey kexKeyFromJson(JsonNode k, String at) throws EventFormatException {
    if (!k.isObject()) {
      throw new EventFormatException(at, "must be an object");
    }
    allowOnly(k, at, Set.of("algorithm", "key", "notAfterMs"));
    String name = text(k, "algorithm", at + ".algorithm");
    KexAlgorithm algorithm;
    try {
      algorithm = KexAlgorithm.valueOf(name);
    } catch (IllegalArgumentException e) {
      throw new EventFormatException(
          at + ".algorithm", "unknown key-agreement algorithm \"" + name + "\"");
    }
    byte[] key =
        base64(required(k, "key", at + ".key"), at + ".key", EventFormat.MAX_PUBLIC_KEY_LENGTH);
    check(at + ".key", KexKey.lengthProblem(algorithm, key.length));
    return KexKey.wrap(algorithm, key, longField(k, "notAfterMs", at + ".notAfterMs"));
  }

  private static List<EventSignature> signaturesFromJson(JsonNode arr) throws EventFormatException {
    if (!arr.isArray()) {
      throw new EventFormatException("signatures", "must be an array");
    }
    String p = EventFormat.lengthProblem(arr.size(), 1, EventFormat.MAX_SIGNATURES);
    if (p != null) {
      throw new EventFormatException("signatures", p.replace("length", "count"));
    }
    List<EventSignature> sigs = new ArrayList<>(arr.size());
    Hash previous = null;
    for (int i = 0; i < arr.size(); i++) {
      String at = "signatures[" + i + "]";
      JsonNode s = arr.get(i);
      if (!s.isObject()) {
        throw new EventFormatException(at, "must be an object");
      }
      allowOnly(s, at, Set.of("keyId", "signature"));
      Hash keyId = hash(s, "keyId", at + ".keyId");
      if (previous != null && previous.compareTo(keyId) >= 0) {
        throw new EventFormatException(
            at + ".keyId",
            previous.equals(keyId)
                ? "duplicate key id " + keyId
                : "key ids must be in strictly ascending order");
      }
      previous = keyId;
      byte[] sig =
          base64(
              required(s, "signature", at + ".signature"),
              at + ".signature",
              EventFormat.MAX_SIGNATURE_LENGTH);
      check(
          at + ".signature",
          EventFormat.lengthProblem(sig.length, 1, EventFormat.MAX_SIGNATURE_LENGTH));
      sigs.add(EventSignature.wrap(keyId, sig));
    }
    return sigs;
  }

  // Field readers: each names the full path on failure.

  private static void allowOnly(JsonNode o, String at, Set<String> names)
      throws EventFormatException {
    Iterator<String> it = o.fieldNames();
    while (it.hasNext()) {
      String n = it.next();
      if (!names.contains(n)) {
        throw new EventFormatException(at.isEmpty() ? n : at + "." + n, "unknown field");
      }
    }
  }

  private static JsonNode required(JsonNode o, String name, String path)
      throws EventFormatException {
    JsonNode v = o.get(name);
    if (v == null || v.isNull()) {
      throw new EventFormatException(path, "missing");
    }
    return v;
  }

  private static String text(JsonNode o, String name, String path) throws EventFormatException {
    JsonNode v = required(o, name, path);
    if (!v.isTextual()) {
      throw new EventFormatException(path, "must be a string");
    }
    return v.textValue();
  }

  private static long longField(JsonNode o, String name, String path) throws EventFormatException {
    JsonNode v = required(o, name, path);
    if (!v.isIntegralNumber()) {
      throw new EventFormatException(path, "must be an integer");
    }
    if (!v.canConvertToLong()) {
      throw new EventFormatException(
          path, v.bigIntegerValue() + " is outside 0 to " + Long.MAX_VALUE);
    }
    long n = v.longValue();
    if (n < 0) {
      throw new EventFormatException(path, n + " is outside 0 to " + Long.MAX_VALUE);
    }
    return n;
  }

  private static Hash hash(JsonNode o, String name, String path) throws EventFormatException {
    String s = text(o, name, path);
    if (s.length() != Hash.SIZE * 2) {
      throw new EventFormatException(
          path, "must be " + (Hash.SIZE * 2) + " hex digits, got " + s.length() + " characters");
    }
    try {
      return Hash.fromHex(s);
    } catch (IllegalArgumentException e) {
      throw new EventFormatException(path, "not valid hex");
    }
  }

  private static byte[] base64(JsonNode v, String path, int maxBytes) throws EventFormatException {
    if (!v.isTextual()) {
      throw new EventFormatException(path, "must be a base64 string");
    }
    String s = v.textValue();
    // Refuse to decode text that cannot fit before spending time or memory on it.
    if (s.length() > 4 * ((maxBytes + 2) / 3)) {
      throw new EventFormatException(
          path, "base64 text of " + s.length() + " characters is more than " + maxBytes + " bytes");
    }
    byte[] raw;
    try {
      raw = Base64.getDecoder().decode(s);
    } catch (IllegalArgumentException e) {
      throw new EventFormatException(path, "not valid base64");
    }
    // The decoder tolerates missing padding; insist on the one canonical spelling.
    if (!B64.encodeToString(raw).equals(s)) {
      throw new EventFormatException(path, "not canonical padded base64");
    }
    return raw;
  }

  private static void check(String path, String problem) throws EventFormatException {
    if (problem != null) {
      throw new EventFormatException(path, problem);
    }
  }
}
