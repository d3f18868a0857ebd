package org.rcskt.verifier.event;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes event bytes field by field with no checks at all, so tests can produce every kind of
 * malformed input. Defaults make a well-formed REGISTER with one 64-byte signature.
 */
final class RawEvent {
  int version = 2;
  int type = 1;
  byte[] subject = Fixtures.ALICE.toByteArray();
  long sequence = 0;
  byte[] previousHash = new byte[32];
  long timestampMs = Fixtures.T0;
  byte[] carrierId = ascii(Fixtures.CARRIER_ID);
  byte[] deviceId = ascii("phone");
  int algorithm = 1;
  byte[] key = Fixtures.PHONE.publicKey().encoded();
  long notAfterMs = 0;
  int reason = 1;
  int action = 1;
  byte[] evidence = new byte[0];
  int signatureCount = 1;
  byte[][] keyIds = {new byte[32]};
  byte[][] signatures = {new byte[64]};

  /** Length prefixes to write instead of the true ones, or -1. */
  int carrierIdLength = -1;

  int deviceIdLength = -1;
  int keyLength = -1;
  int evidenceLength = -1;
  byte[] trailing = new byte[0];

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  byte[] encode() {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    o.write(version);
    o.write(type);
    o.writeBytes(subject);
    u64(o, sequence);
    o.writeBytes(previousHash);
    u64(o, timestampMs);
    o.write(carrierIdLength >= 0 ? carrierIdLength : carrierId.length);
    o.writeBytes(carrierId);
    switch (type) {
      case 1:
      case 2:
        o.write(deviceIdLength >= 0 ? deviceIdLength : deviceId.length);
        o.writeBytes(deviceId);
        writeKey(o);
        break;
      case 3:
        o.write(deviceIdLength >= 0 ? deviceIdLength : deviceId.length);
        o.writeBytes(deviceId);
        o.write(reason);
        break;
      case 4:
        o.write(action);
        writeKey(o);
        break;
      default:
        break;
    }
    u16(o, evidenceLength >= 0 ? evidenceLength : evidence.length);
    o.writeBytes(evidence);
    o.write(signatureCount);
    for (int i = 0; i < keyIds.length; i++) {
      o.writeBytes(keyIds[i]);
      u16(o, signatures[i].length);
      o.writeBytes(signatures[i]);
    }
    o.writeBytes(trailing);
    return o.toByteArray();
  }

  private void writeKey(ByteArrayOutputStream o) {
    u16(o, algorithm);
    u16(o, keyLength >= 0 ? keyLength : key.length);
    o.writeBytes(key);
    u64(o, notAfterMs);
  }

  static void u16(ByteArrayOutputStream o, int v) {
    o.write(v >>> 8);
    o.write(v);
  }

  static void u64(ByteArrayOutputStream o, long v) {
    for (int s = 56; s >= 0; s -= 8) {
      o.write((int) (v >>> s));
    }
  }
}
