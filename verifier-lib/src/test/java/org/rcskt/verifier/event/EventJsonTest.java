package org.rcskt.verifier.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Base64;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class EventJsonTest {

  @Test
  void jsonRoundTripsToIdenticalBytes() throws Exception {
    for (KeyEvent e : EventCodecTest.samples()) {
      ObjectNode json = EventJson.toJson(e);
      KeyEvent back = EventJson.parse(json.toString());
      assertThat(back.encoded()).isEqualTo(e.encoded());
      assertThat(EventJson.toJson(back)).isEqualTo(json);
      assertThat(EventJson.fromJson(json)).isEqualTo(e);
    }
  }

  @Test
  void jsonFieldsAreAsDocumented() {
    KeyEvent e = EventCodecTest.samples().get(0);
    ObjectNode json = EventJson.toJson(e);
    assertThat(json.fieldNames())
        .toIterable()
        .containsExactly(
            "version",
            "type",
            "subject",
            "sequence",
            "previousHash",
            "timestampMs",
            "carrierId",
            "payload",
            "attestationEvidence",
            "signatures");
    assertThat(json.get("type").textValue()).isEqualTo("REGISTER");
    assertThat(json.get("subject").textValue()).isEqualTo(Fixtures.ALICE.toHex());
    assertThat(json.get("attestationEvidence").textValue()).isEqualTo("AQID");
    assertThat(json.at("/payload/publicKey/algorithm").textValue()).isEqualTo("ED25519");
    assertThat(json.at("/payload/publicKey/keyId").textValue())
        .isEqualTo(Fixtures.pk(Fixtures.PHONE).keyId().toHex());
    assertThat(json.at("/payload/publicKey/notAfterMs").longValue()).isEqualTo(Fixtures.T0 + 1000);
    assertThat(json.at("/signatures/0/signature").textValue())
        .isEqualTo(Base64.getEncoder().encodeToString(e.signatures().get(0).signature()));
  }

  @Test
  void missingEvidenceMeansNone() throws Exception {
    KeyEvent e = EventCodecTest.samples().get(1);
    ObjectNode json = EventJson.toJson(e);
    json.remove("attestationEvidence");
    assertThat(EventJson.fromJson(json).encoded()).isEqualTo(e.encoded());
  }

  private static void rejects(int sample, Consumer<ObjectNode> mutation, String field, String msg) {
    ObjectNode json = EventJson.toJson(EventCodecTest.samples().get(sample));
    mutation.accept(json);
    assertThatThrownBy(() -> EventJson.fromJson(json))
        .isInstanceOf(EventFormatException.class)
        .hasMessage(msg)
        .extracting(t -> ((EventFormatException) t).field())
        .isEqualTo(field);
  }

  private static ObjectNode payload(ObjectNode j) {
    return (ObjectNode) j.get("payload");
  }

  private static ObjectNode key(ObjectNode j) {
    return (ObjectNode) j.get("payload").get("publicKey");
  }

  @Test
  void rejectsNonObjectsAndBadJson() {
    assertThatThrownBy(() -> EventJson.parse("[1]")).hasMessage("event must be a JSON object");
    assertThatThrownBy(() -> EventJson.parse("{\"version\":"))
        .isInstanceOf(EventFormatException.class)
        .hasMessageStartingWith("version: not valid JSON: ");
  }

  @Test
  void rejectsTrailingContent() {
    String one = EventJson.toJsonString(EventCodecTest.samples().get(0));
    for (String text :
        new String[] {one + "xyz", one + one, one + "]", one + "1", one + "\u0000"}) {
      assertThatThrownBy(() -> EventJson.parse(text))
          .isInstanceOf(EventFormatException.class)
          .hasMessage("trailing content after the event, which ends at character " + one.length())
          .extracting(t -> ((EventFormatException) t).field())
          .isEqualTo("");
    }
    // Whitespace around the event is not content.
    assertThat(EventJson.toJsonString(parse(" \n" + one + " \r\n\t"))).isEqualTo(one);
  }

  @Test
  void rejectsDuplicateKeysAnywhere() {
    String one = EventJson.toJsonString(EventCodecTest.samples().get(0));
    // Jackson would otherwise keep the last value: the event below would read as the real one.
    assertDuplicate("{\"sequence\":99," + one.substring(1), "sequence");
    assertDuplicate(
        one.replace("\"payload\":{", "\"payload\":{\"deviceId\":\"x\","), "payload.deviceId");
    assertDuplicate(
        one.replace("\"publicKey\":{", "\"publicKey\":{\"algorithm\":\"ED25519\","),
        "payload.publicKey.algorithm");
    assertDuplicate(
        one.replace("\"signatures\":[{", "\"signatures\":[{\"keyId\":\"00\","),
        "signatures[0].keyId");
  }

  private static void assertDuplicate(String text, String field) {
    assertThatThrownBy(() -> EventJson.parse(text))
        .isInstanceOf(EventFormatException.class)
        .hasMessageContaining("Duplicate field")
        .extracting(t -> ((EventFormatException) t).field())
        .isEqualTo(field);
  }

  private static KeyEvent parse(String text) {
    try {
      return EventJson.parse(text);
    } catch (EventFormatException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void rejectsTopLevelFieldProblems() {
    rejects(0, j -> j.put("extra", 1), "extra", "extra: unknown field");
    rejects(0, j -> j.remove("subject"), "subject", "subject: missing");
    rejects(0, j -> j.putNull("carrierId"), "carrierId", "carrierId: missing");
    rejects(
        0,
        j -> j.put("version", 1),
        "version",
        "version: version 1 is retired: this log speaks only version 2, which indexes phone"
            + " numbers with the log's VRF (docs/protocol.md section 1)");
    rejects(
        0,
        j -> j.put("version", 3),
        "version",
        "version: unsupported version 3 (only version 2 is accepted)");
    rejects(0, j -> j.put("version", "1"), "version", "version: must be an integer");
    rejects(0, j -> j.put("type", "RENAME"), "type", "type: unknown event type \"RENAME\"");
    rejects(0, j -> j.put("type", 1), "type", "type: must be a string");
    rejects(0, j -> j.put("subject", "zz".repeat(32)), "subject", "subject: not valid hex");
    rejects(
        0,
        j -> j.put("previousHash", "00"),
        "previousHash",
        "previousHash: must be 64 hex digits, got 2 characters");
    rejects(0, j -> j.put("sequence", 1.5), "sequence", "sequence: must be an integer");
    rejects(
        0,
        j -> j.put("sequence", -1),
        "sequence",
        "sequence: -1 is outside 0 to 9223372036854775807");
    rejects(
        0,
        j -> j.put("timestampMs", new java.math.BigInteger("9223372036854775808")),
        "timestampMs",
        "timestampMs: 9223372036854775808 is outside 0 to 9223372036854775807");
    rejects(
        0,
        j -> j.put("carrierId", "Carrier"),
        "carrierId",
        "carrierId: character 'C' (0x43) at position 0 is not allowed (only a-z, 0-9, '.' and"
            + " '-')");
    rejects(
        0,
        j -> j.put("attestationEvidence", "AQI"),
        "attestationEvidence",
        "attestationEvidence: not canonical padded base64");
    rejects(
        0,
        j -> j.put("attestationEvidence", Base64.getEncoder().encodeToString(new byte[8193])),
        "attestationEvidence",
        "attestationEvidence: length 8193 is more than the maximum of 8192");
    rejects(
        0,
        j -> j.put("attestationEvidence", "A".repeat(20000)),
        "attestationEvidence",
        "attestationEvidence: base64 text of 20000 characters is more than 8192 bytes");
  }

  @Test
  void rejectsPayloadProblems() {
    rejects(0, j -> j.put("payload", "x"), "payload", "payload: must be an object");
    rejects(0, j -> payload(j).remove("deviceId"), "payload.deviceId", "payload.deviceId: missing");
    rejects(
        0,
        j -> payload(j).put("reason", "LOST"),
        "payload.reason",
        "payload.reason: unknown field");
    rejects(
        0,
        j -> payload(j).put("deviceId", "a b"),
        "payload.deviceId",
        "payload.deviceId: character 0x20 at position 1 is not allowed (only printable ASCII"
            + " 0x21 to 0x7e)");
    rejects(
        0,
        j -> key(j).put("key", "not base64!"),
        "payload.publicKey.key",
        "payload.publicKey.key: not valid base64");
    rejects(
        0,
        j -> key(j).put("key", "AAAA"),
        "payload.publicKey.key",
        "payload.publicKey.key: ED25519 key must be 32 bytes, got 3 bytes");
    rejects(
        0,
        j -> key(j).put("algorithm", "RSA"),
        "payload.publicKey.algorithm",
        "payload.publicKey.algorithm: unknown algorithm \"RSA\"");
    rejects(
        0,
        j -> key(j).put("keyId", "00".repeat(32)),
        "payload.publicKey.keyId",
        "payload.publicKey.keyId: is "
            + "00".repeat(32)
            + " but the key's id is "
            + Fixtures.pk(Fixtures.PHONE).keyId());
    rejects(
        0,
        j -> key(j).put("notAfterMs", -5),
        "payload.publicKey.notAfterMs",
        "payload.publicKey.notAfterMs: -5 is outside 0 to 9223372036854775807");
    rejects(
        2,
        j -> payload(j).put("reason", "STOLEN"),
        "payload.reason",
        "payload.reason: unknown revocation reason \"STOLEN\"");
    rejects(
        3,
        j -> payload(j).put("action", "REMOVE"),
        "payload.action",
        "payload.action: unknown anchor action \"REMOVE\"");
    rejects(
        4,
        j -> key(j).put("notAfterMs", 9),
        "payload.publicKey.notAfterMs",
        "payload.publicKey.notAfterMs: must be 0 in a RETIRE, got 9");
  }

  @Test
  void rejectsSignatureProblems() {
    rejects(0, j -> j.put("signatures", "x"), "signatures", "signatures: must be an array");
    rejects(
        0,
        j -> j.putArray("signatures"),
        "signatures",
        "signatures: count 0 is less than the minimum of 1");
    rejects(
        0,
        j -> ((ArrayNode) j.get("signatures")).insert(0, j.get("signatures").get(1)),
        "signatures[1].keyId",
        "signatures[1].keyId: key ids must be in strictly ascending order");
    rejects(
        0,
        j -> ((ObjectNode) j.get("signatures").get(0)).put("signature", "@@"),
        "signatures[0].signature",
        "signatures[0].signature: not valid base64");
    rejects(
        0,
        j -> ((ObjectNode) j.get("signatures").get(1)).put("role", "carrier"),
        "signatures[1].role",
        "signatures[1].role: unknown field");
    rejects(
        0,
        j -> ((ObjectNode) j.get("signatures").get(0)).remove("keyId"),
        "signatures[0].keyId",
        "signatures[0].keyId: missing");
  }

  @Test
  void rejectsOversizeEvent() {
    rejects(
        2,
        j -> {
          j.put("attestationEvidence", Base64.getEncoder().encodeToString(new byte[8192]));
          ArrayNode sigs = j.putArray("signatures");
          sigs.addObject()
              .put("keyId", "00".repeat(32))
              .put("signature", Base64.getEncoder().encodeToString(new byte[4096]));
          sigs.addObject()
              .put("keyId", "01".repeat(32))
              .put("signature", Base64.getEncoder().encodeToString(new byte[4096]));
        },
        "",
        "event would be 16563 bytes, more than the maximum of 16384");
  }
}
