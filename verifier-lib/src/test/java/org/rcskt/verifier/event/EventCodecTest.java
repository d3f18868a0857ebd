package org.rcskt.verifier.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.rcskt.verifier.event.Fixtures.ALICE;
import static org.rcskt.verifier.event.Fixtures.CARRIER;
import static org.rcskt.verifier.event.Fixtures.CARRIER_ID;
import static org.rcskt.verifier.event.Fixtures.LAPTOP;
import static org.rcskt.verifier.event.Fixtures.PHONE;
import static org.rcskt.verifier.event.Fixtures.PHONE2;
import static org.rcskt.verifier.event.Fixtures.POLICY;
import static org.rcskt.verifier.event.Fixtures.T0;
import static org.rcskt.verifier.event.Fixtures.pk;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.rcskt.verifier.Hash;

class EventCodecTest {

  static List<KeyEvent> samples() {
    Hash prev = Hash.sha256(new byte[] {9});
    return List.of(
        EventBuilder.forSubject(ALICE, CARRIER_ID)
            .timestampMs(T0)
            .attestationEvidence(new byte[] {1, 2, 3})
            .register("phone", PublicKeyInfo.ed25519(PHONE.publicKey(), T0 + 1000))
            .sign(PHONE, CARRIER),
        EventBuilder.forSubject(ALICE, CARRIER_ID)
            .sequence(1)
            .previousHash(prev)
            .timestampMs(T0 + 5)
            .rotate("phone", pk(PHONE2))
            .sign(PHONE, PHONE2),
        EventBuilder.forSubject(ALICE, CARRIER_ID)
            .sequence(2)
            .previousHash(prev)
            .timestampMs(T0 + 6)
            .revoke("laptop-9", RevocationReason.CARRIER_REQUEST)
            .sign(CARRIER),
        EventBuilder.forCarrier(CARRIER_ID).timestampMs(T0).anchorAdd(pk(LAPTOP)).sign(POLICY),
        EventBuilder.forCarrier(CARRIER_ID)
            .sequence(1)
            .previousHash(prev)
            .timestampMs(T0)
            .anchorRetire(pk(LAPTOP))
            .sign(POLICY));
  }

  @Test
  void binaryRoundTripsForEveryType() throws Exception {
    for (KeyEvent e : samples()) {
      KeyEvent back = EventCodec.decode(e.encoded());
      assertThat(back).isEqualTo(e);
      assertThat(back.body()).isEqualTo(e.body());
      assertThat(back.signatures()).isEqualTo(e.signatures());
      assertThat(back.encoded()).isEqualTo(e.encoded());
      assertThat(back.bodyLength()).isEqualTo(e.bodyLength());
      assertThat(back.leafHash()).isEqualTo(Hash.sha256(new byte[] {0}, e.encoded()));
      assertThat(EventCodec.encodeBody(back.body()))
          .isEqualTo(Arrays.copyOf(e.encoded(), e.bodyLength()));
    }
  }

  @Test
  void layoutIsByteExact() {
    KeyEvent e =
        EventBuilder.forSubject(ALICE, "ab")
            .sequence(0x0102030405060708L)
            .previousHash(Hash.ZERO)
            .timestampMs(0x1122334455L)
            .revoke("d", RevocationReason.DEVICE_LOST)
            .sign(PHONE);
    String hex = HexFormat.of().formatHex(e.encoded());
    String expectedBody =
        "02" // version
            + "03" // REVOKE
            + ALICE.toHex()
            + "0102030405060708"
            + "00".repeat(32)
            + "0000001122334455"
            + "02"
            + "6162" // carrier id "ab"
            + "01"
            + "64" // device id "d"
            + "03" // DEVICE_LOST
            + "0000"; // no evidence
    assertThat(hex).startsWith(expectedBody);
    assertThat(e.bodyLength()).isEqualTo(expectedBody.length() / 2);
    String sigs = hex.substring(expectedBody.length());
    assertThat(sigs).startsWith("01" + pk(PHONE).keyId().toHex() + "0040");
    assertThat(sigs).hasSize((1 + 32 + 2 + 64) * 2);
  }

  @Test
  void signaturesAreSortedByKeyId() {
    KeyEvent e =
        EventBuilder.forSubject(ALICE, CARRIER_ID)
            .revoke("d", RevocationReason.COMPROMISED)
            .sign(PHONE, PHONE2, LAPTOP, CARRIER);
    List<EventSignature> sigs = e.signatures();
    for (int i = 1; i < sigs.size(); i++) {
      assertThat(sigs.get(i - 1).keyId().compareTo(sigs.get(i).keyId())).isNegative();
    }
  }

  @Test
  void reservedAlgorithmsDecode() throws Exception {
    RawEvent r = new RawEvent();
    r.algorithm = 2;
    r.key = new byte[1952];
    KeyEvent e = EventCodec.decode(r.encode());
    PublicKeyInfo k = ((EventPayload.Register) e.body().payload()).publicKey();
    assertThat(k.algorithm()).isEqualTo(KeyAlgorithm.ML_DSA_65);
    assertThat(e.encoded()).isEqualTo(r.encode());

    r.algorithm = 3;
    r.key = new byte[1984];
    assertThat(
            ((EventPayload.Register) EventCodec.decode(r.encode()).body().payload())
                .publicKey()
                .algorithm())
        .isEqualTo(KeyAlgorithm.ED25519_ML_DSA_65);
  }

  @Test
  void rawDefaultsDecode() throws Exception {
    assertThat(EventCodec.decode(new RawEvent().encode()).type()).isEqualTo(EventType.REGISTER);
  }

  private static void rejects(Consumer<RawEvent> mutation, String field, String message) {
    RawEvent r = new RawEvent();
    mutation.accept(r);
    byte[] bytes = r.encode();
    assertThatThrownBy(() -> EventCodec.decode(bytes))
        .isInstanceOf(EventFormatException.class)
        .hasMessage(message)
        .extracting(t -> ((EventFormatException) t).field())
        .isEqualTo(field);
  }

  @Test
  void rejectsTrailingBytes() {
    rejects(
        r -> r.trailing = new byte[] {0, 0, 7},
        "",
        "3 trailing bytes after the end of the event at offset 249");
  }

  @Test
  void rejectsTruncation() throws Exception {
    byte[] full = new RawEvent().encode();
    assertThatThrownBy(() -> EventCodec.decode(new byte[0]))
        .hasMessage("version: truncated: need 1 bytes at offset 0, only 0 remain");
    assertThatThrownBy(() -> EventCodec.decode(Arrays.copyOf(full, 20)))
        .hasMessage("subject: truncated: need 32 bytes at offset 2, only 18 remain");
    assertThatThrownBy(() -> EventCodec.decode(Arrays.copyOf(full, 40)))
        .hasMessage("sequence: truncated: need 8 bytes at offset 34, only 6 remain");
    assertThatThrownBy(() -> EventCodec.decode(Arrays.copyOf(full, 90)))
        .hasMessage("carrierId: truncated: need 15 bytes at offset 83, only 7 remain");
    assertThatThrownBy(() -> EventCodec.decode(Arrays.copyOf(full, full.length - 1)))
        .hasMessage(
            "signatures[0].signature: truncated: need 64 bytes at offset 185, only 63 remain");
    // Every strict prefix fails.
    for (int n = 0; n < full.length; n++) {
      byte[] prefix = Arrays.copyOf(full, n);
      assertThatThrownBy(() -> EventCodec.decode(prefix))
          .isInstanceOf(EventFormatException.class)
          .hasMessageContaining("truncated");
    }
  }

  @Test
  void rejectsUnknownVersion() {
    rejects(
        r -> r.version = 1,
        "version",
        "version: version 1 is retired: this log speaks only version 2, which indexes phone"
            + " numbers with the log's VRF (docs/protocol.md section 1)");
    rejects(
        r -> r.version = 3,
        "version",
        "version: unsupported version 3 (only version 2 is accepted)");
    rejects(
        r -> r.version = 0,
        "version",
        "version: unsupported version 0 (only version 2 is accepted)");
  }

  @Test
  void rejectsUnknownType() {
    rejects(r -> r.type = 6, "type", "type: unknown event type 6");
    rejects(r -> r.type = 0, "type", "type: unknown event type 0");
    rejects(
        r -> r.type = 16,
        "type",
        "type: type 16 is a MAP_ROOT log entry (docs/protocol.md section 16), not a key event");
  }

  @Test
  void rejectsOutOfRangeIntegers() {
    rejects(
        r -> r.sequence = -1,
        "sequence",
        "sequence: 18446744073709551615 is more than the maximum of 9223372036854775807");
    rejects(
        r -> r.timestampMs = Long.MIN_VALUE,
        "timestampMs",
        "timestampMs: 9223372036854775808 is more than the maximum of 9223372036854775807");
    rejects(
        r -> r.notAfterMs = -2,
        "payload.publicKey.notAfterMs",
        "payload.publicKey.notAfterMs: 18446744073709551614 is more than the maximum of"
            + " 9223372036854775807");
  }

  @Test
  void rejectsBadCarrierIds() {
    rejects(
        r -> r.carrierId = new byte[65],
        "carrierId",
        "carrierId: length 65 is more than the maximum of 64");
    rejects(
        r -> r.carrierId = new byte[0],
        "carrierId",
        "carrierId: length 0 is less than the minimum of 1");
    rejects(
        r -> r.carrierId = RawEvent.ascii("Carrier"),
        "carrierId",
        "carrierId: character 'C' (0x43) at position 0 is not allowed (only a-z, 0-9, '.' and"
            + " '-')");
    rejects(
        r -> r.carrierId = new byte[] {'a', (byte) 0xe9},
        "carrierId",
        "carrierId: character 0xe9 at position 1 is not allowed (only a-z, 0-9, '.' and '-')");
  }

  @Test
  void rejectsBadDeviceIds() {
    rejects(
        r -> r.deviceId = new byte[65],
        "payload.deviceId",
        "payload.deviceId: length 65 is more than the maximum of 64");
    rejects(
        r -> r.deviceId = new byte[0],
        "payload.deviceId",
        "payload.deviceId: length 0 is less than the minimum of 1");
    rejects(
        r -> r.deviceId = RawEvent.ascii("my phone"),
        "payload.deviceId",
        "payload.deviceId: character 0x20 at position 2 is not allowed (only printable ASCII 0x21"
            + " to 0x7e)");
  }

  @Test
  void rejectsUnknownAlgorithm() {
    rejects(
        r -> r.algorithm = 4,
        "payload.publicKey.algorithm",
        "payload.publicKey.algorithm: unknown algorithm 4");
    rejects(
        r -> r.algorithm = 0,
        "payload.publicKey.algorithm",
        "payload.publicKey.algorithm: unknown algorithm 0");
  }

  @Test
  void rejectsBadKeyLengths() {
    rejects(
        r -> r.key = new byte[4097],
        "payload.publicKey.key",
        "payload.publicKey.key: length 4097 is more than the maximum of 4096");
    rejects(
        r -> r.key = new byte[0],
        "payload.publicKey.key",
        "payload.publicKey.key: length 0 is less than the minimum of 1");
    rejects(
        r -> r.key = new byte[31],
        "payload.publicKey.key",
        "payload.publicKey.key: ED25519 key must be 32 bytes, got 31 bytes");
    rejects(
        r -> {
          r.algorithm = 2;
          r.key = new byte[32];
        },
        "payload.publicKey.key",
        "payload.publicKey.key: ML_DSA_65 key must be 1952 bytes, got 32 bytes");
  }

  @Test
  void rejectsOversizeEvidence() {
    rejects(
        r -> r.evidence = new byte[8193],
        "attestationEvidence",
        "attestationEvidence: length 8193 is more than the maximum of 8192");
  }

  @Test
  void rejectsBadSignatureLists() {
    rejects(
        r -> {
          r.signatureCount = 0;
          r.keyIds = new byte[0][];
          r.signatures = new byte[0][];
        },
        "signatures",
        "signatures: count 0 is less than the minimum of 1");
    rejects(
        r -> {
          r.signatureCount = 9;
          r.keyIds = new byte[0][];
          r.signatures = new byte[0][];
        },
        "signatures",
        "signatures: count 9 is more than the maximum of 8");
    rejects(
        r -> r.signatures = new byte[][] {new byte[0]},
        "signatures[0].signature",
        "signatures[0].signature: length 0 is less than the minimum of 1");
    rejects(
        r -> r.signatures = new byte[][] {new byte[4097]},
        "signatures[0].signature",
        "signatures[0].signature: length 4097 is more than the maximum of 4096");
    byte[] low = new byte[32];
    byte[] high = new byte[32];
    high[0] = 1;
    rejects(
        r -> {
          r.signatureCount = 2;
          r.keyIds = new byte[][] {high, low};
          r.signatures = new byte[][] {new byte[64], new byte[64]};
        },
        "signatures[1].keyId",
        "signatures[1].keyId: key ids must be in strictly ascending order");
    rejects(
        r -> {
          r.signatureCount = 2;
          r.keyIds = new byte[][] {low, low};
          r.signatures = new byte[][] {new byte[64], new byte[64]};
        },
        "signatures[1].keyId",
        "signatures[1].keyId: duplicate key id " + Hash.ZERO);
  }

  @Test
  void rejectsUnknownReasonAndAction() {
    rejects(
        r -> {
          r.type = 3;
          r.reason = 5;
        },
        "payload.reason",
        "payload.reason: unknown revocation reason 5");
    rejects(
        r -> {
          r.type = 4;
          r.action = 3;
        },
        "payload.action",
        "payload.action: unknown anchor action 3");
    rejects(
        r -> {
          r.type = 4;
          r.action = 2;
          r.notAfterMs = 5;
        },
        "payload.publicKey.notAfterMs",
        "payload.publicKey.notAfterMs: must be 0 in a RETIRE, got 5");
  }

  @Test
  void rejectsOversizeEvent() {
    rejects(
        r -> {
          r.signatureCount = 3;
          r.keyIds = new byte[][] {new byte[32], Hash.sha256().toByteArray(), fill(0xff)};
          r.signatures = new byte[][] {new byte[4096], new byte[4096], new byte[4096]};
          r.evidence = new byte[4000];
        },
        "",
        "event is 16541 bytes, more than the maximum of 16384");
    // The limit is inclusive: an event of exactly 16384 bytes decodes.
    RawEvent r = new RawEvent();
    r.signatureCount = 3;
    r.keyIds = new byte[][] {new byte[32], Hash.sha256().toByteArray(), fill(0xff)};
    r.signatures = new byte[][] {new byte[4096], new byte[4096], new byte[4096]};
    r.evidence = new byte[4000 - (16541 - 16384)];
    byte[] exact = r.encode();
    assertThat(exact).hasSize(16384);
    assertThat(catchDecode(exact)).isNull();
  }

  @Test
  void builderRejectsOversizeEvent() {
    EventBody body =
        EventBuilder.forSubject(ALICE, CARRIER_ID)
            .attestationEvidence(new byte[8192])
            .revoke("d", RevocationReason.COMPROMISED)
            .body();
    List<EventSignature> sigs =
        List.of(
            EventSignature.of(Hash.ZERO, new byte[4096]),
            EventSignature.of(Hash.sha256(), new byte[4096]));
    assertThatThrownBy(() -> KeyEvent.of(body, sigs))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("event would be 16556 bytes, more than the maximum of 16384");
  }

  private static Throwable catchDecode(byte[] b) {
    try {
      EventCodec.decode(b);
      return null;
    } catch (EventFormatException e) {
      return e;
    }
  }

  private static byte[] fill(int v) {
    byte[] b = new byte[32];
    Arrays.fill(b, (byte) v);
    return b;
  }
}
