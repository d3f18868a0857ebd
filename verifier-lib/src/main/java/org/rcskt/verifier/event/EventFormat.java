package org.rcskt.verifier.event;

import java.nio.charset.StandardCharsets;

/**
 * The constants of the key-event format: its version, every size limit and every domain-separation
 * label (docs/protocol.md). Each label is ASCII followed by one zero byte, so no label is a prefix
 * of another and no label can be confused with the data after it.
 */
public final class EventFormat {
  private EventFormat() {}

  /**
   * The only format version this implementation reads and writes. Version 2 replaced version 1
   * outright (docs/protocol.md section 1): phone subjects are indexed by the log's VRF, and every
   * batch of the log ends with a map-root entry. A version 1 event is refused by name.
   */
  public static final int VERSION = 2;

  /**
   * The type byte of a MAP_ROOT log entry (docs/protocol.md section 16): at the offset of an
   * event's type, so the second byte of a log entry tells the two apart. Never an event type.
   */
  public static final int MAP_ROOT_TYPE = 16;

  /** The retired format version, named in the error that refuses it. */
  public static final int RETIRED_VERSION = 1;

  /** The maximum length of an encoded {@code KeyEvent}, signatures included. */
  public static final int MAX_EVENT_SIZE = 16384;

  /** Carrier ids are 1 to 64 bytes of {@code [a-z0-9.-]}. */
  public static final int MAX_CARRIER_ID_LENGTH = 64;

  /** Device ids are 1 to 64 bytes of printable ASCII without space (0x21 to 0x7e). */
  public static final int MAX_DEVICE_ID_LENGTH = 64;

  /** The maximum length of a public key's bytes (the largest reserved algorithm needs 1984). */
  public static final int MAX_PUBLIC_KEY_LENGTH = 4096;

  /** The maximum length of the opaque device attestation evidence. */
  public static final int MAX_ATTESTATION_EVIDENCE_LENGTH = 8192;

  /** The maximum number of signatures on one event. */
  public static final int MAX_SIGNATURES = 8;

  /** The maximum length of one signature (the largest reserved algorithm needs 3373). */
  public static final int MAX_SIGNATURE_LENGTH = 4096;

  /**
   * Prefix of the VRF input (alpha) that turns an E.164 number into a subject index
   * (docs/protocol.md section 3.1): alpha = label || number.
   */
  public static final byte[] PHONE_SUBJECT_LABEL = label("rcskt/v2/vrf/e164");

  /** Prefix of the hash that turns a carrier id into the subject of its ANCHOR events. */
  public static final byte[] CARRIER_SUBJECT_LABEL = label("rcskt/v1/subject/carrier");

  /** Prefix of the hash that names a public key (its key id). */
  public static final byte[] KEY_ID_LABEL = label("rcskt/v1/key-id");

  /** Prefix of the message every event signature covers, before the encoded event body. */
  public static final byte[] SIGNATURE_LABEL = label("rcskt/v1/key-event");

  private static byte[] label(String ascii) {
    byte[] text = ascii.getBytes(StandardCharsets.US_ASCII);
    byte[] out = new byte[text.length + 1];
    System.arraycopy(text, 0, out, 0, text.length);
    return out;
  }

  // The checks below return a description of the problem, or null when the value is fine. The
  // model's constructors turn a problem into an IllegalArgumentException, the decoders into an
  // EventFormatException naming the field, so both report the same words.

  static String lengthProblem(long length, long min, long max) {
    if (length < min) {
      return "length " + length + " is less than the minimum of " + min;
    }
    if (length > max) {
      return "length " + length + " is more than the maximum of " + max;
    }
    return null;
  }

  static String carrierIdProblem(String id) {
    if (id == null) {
      return "missing";
    }
    String p = lengthProblem(id.length(), 1, MAX_CARRIER_ID_LENGTH);
    if (p != null) {
      return p;
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-';
      if (!ok) {
        return "character "
            + describe(c)
            + " at position "
            + i
            + " is not allowed (only a-z, 0-9, '.' and '-')";
      }
    }
    return null;
  }

  static String deviceIdProblem(String id) {
    if (id == null) {
      return "missing";
    }
    String p = lengthProblem(id.length(), 1, MAX_DEVICE_ID_LENGTH);
    if (p != null) {
      return p;
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (c < 0x21 || c > 0x7e) {
        return "character "
            + describe(c)
            + " at position "
            + i
            + " is not allowed (only printable ASCII 0x21 to 0x7e)";
      }
    }
    return null;
  }

  private static String describe(char c) {
    String code = String.format("0x%02x", (int) c);
    return c >= 0x21 && c <= 0x7e ? "'" + c + "' (" + code + ")" : code;
  }

  /** The problem with a version byte, or null when it is {@link #VERSION}. */
  static String versionProblem(long version) {
    if (version == VERSION) {
      return null;
    }
    if (version == RETIRED_VERSION) {
      return "version 1 is retired: this log speaks only version "
          + VERSION
          + ", which indexes phone numbers with the log's VRF (docs/protocol.md section 1)";
    }
    return "unsupported version " + version + " (only version " + VERSION + " is accepted)";
  }

  static String nonNegativeProblem(long value) {
    return value < 0
        ? Long.toUnsignedString(value) + " is more than the maximum of " + Long.MAX_VALUE
        : null;
  }
}
