package org.rcskt.server.bench;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.rcskt.verifier.event.EventPayload;
import org.rcskt.verifier.event.KeyEvent;
import org.rcskt.verifier.event.SubjectState;

/**
 * The subject state a first REGISTER produces, made by patching the state the rules computed for
 * one template REGISTER: for a fresh subject, with the same carrier and device id, the stored state
 * differs only in the last event hash, the timestamp and the device key. This is what lets {@link
 * PopulateCommand} skip verifying ten million events; it checks a sample of them against the real
 * rules, byte for byte.
 */
final class RegisterStateTemplate {
  private final byte[] template;
  private final int hashOffset;
  private final int timestampOffset;
  private final int keyOffset;

  private RegisterStateTemplate(
      byte[] template, int hashOffset, int timestampOffset, int keyOffset) {
    this.template = template;
    this.hashOffset = hashOffset;
    this.timestampOffset = timestampOffset;
    this.keyOffset = keyOffset;
  }

  /**
   * @param register a REGISTER of a fresh subject
   * @param state the state the rules computed for it
   * @throws IllegalStateException if the encoding does not have the fields where expected
   */
  static RegisterStateTemplate of(KeyEvent register, SubjectState state) {
    byte[] bytes = state.toBytes();
    int hash = onlyOccurrence(bytes, register.leafHash().toByteArray(), "last event hash");
    int ts = hash + 32;
    if (ts + 8 > bytes.length
        || ByteBuffer.wrap(bytes, ts, 8).getLong() != register.body().timestampMs()) {
      throw new IllegalStateException(
          "the subject state encoding does not hold the timestamp after the last event hash");
    }
    int key = onlyOccurrence(bytes, deviceKey(register), "device key");
    return new RegisterStateTemplate(bytes, hash, ts, key);
  }

  /** The encoded state after {@code register}, which must look like the template's event. */
  byte[] stateAfter(KeyEvent register) {
    byte[] out = template.clone();
    register.leafHash().copyTo(out, hashOffset);
    ByteBuffer.wrap(out, timestampOffset, 8).putLong(register.body().timestampMs());
    byte[] key = deviceKey(register);
    System.arraycopy(key, 0, out, keyOffset, key.length);
    return out;
  }

  private static byte[] deviceKey(KeyEvent register) {
    if (!(register.body().payload() instanceof EventPayload.Register r)) {
      throw new IllegalArgumentException("not a REGISTER: " + register);
    }
    return r.publicKey().key();
  }

  private static int onlyOccurrence(byte[] haystack, byte[] needle, String what) {
    int found = -1;
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
        if (found >= 0) {
          throw new IllegalStateException("the " + what + " occurs twice in the state encoding");
        }
        found = i;
      }
    }
    if (found < 0) {
      throw new IllegalStateException("the " + what + " is not in the state encoding");
    }
    return found;
  }
}
