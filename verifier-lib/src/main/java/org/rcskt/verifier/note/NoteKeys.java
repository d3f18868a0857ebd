package org.rcskt.verifier.note;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.crypto.Ed25519;

/**
 * Key names, key IDs, signature type bytes and the parsing of key strings shared by every note
 * verifier and signer.
 *
 * <p>A verifier key string (vkey) is {@code <name>+<8 lowercase hex digits of the key
 * ID>+base64(type || public key)}; a signer key string (skey) is {@code PRIVATE+KEY+<name>+<key
 * ID>+base64(type || private key)}. The key ID is the first four bytes, big-endian, of {@code
 * SHA-256(name || 0x0A || type || public key)} (C2SP signed-note, "Signatures").
 */
public final class NoteKeys {
  /** Ed25519 signatures over the note text (C2SP signed-note). */
  public static final int TYPE_ED25519 = 0x01;

  /** ECDSA signatures as produced by transparency-dev/witness and Rekor v1. Not supported. */
  public static final int TYPE_ECDSA = 0x02;

  /** Timestamped Ed25519 cosignatures, {@code cosignature/v1} (C2SP tlog-cosignature). */
  public static final int TYPE_COSIGNATURE_V1 = 0x04;

  /** RFC 6962 {@code TreeHeadSignature}s (C2SP static-ct-api). Not supported. */
  public static final int TYPE_RFC6962_TREE_HEAD = 0x05;

  /** ML-DSA-44 cosignatures over {@code subtree/v1} (C2SP tlog-cosignature). */
  public static final int TYPE_ML_DSA_44 = 0x06;

  /**
   * The longest key string accepted. An ML-DSA-44 vkey, the largest assigned type, is about 1,800
   * characters.
   */
  public static final int MAX_KEY_STRING_LENGTH = 4096;

  private static final HexFormat HEX = HexFormat.of();
  private static final String SIGNER_PREFIX = "PRIVATE+KEY+";

  private NoteKeys() {}

  /**
   * The key ID of a key: the first four bytes of {@code SHA-256(name || 0x0A || type || key)}, as a
   * big-endian int.
   */
  public static int keyId(String name, int type, byte[] publicKey) {
    MessageDigest md = Hash.newSha256();
    md.update(name.getBytes(UTF_8));
    md.update((byte) '\n');
    md.update((byte) type);
    md.update(publicKey);
    byte[] d = md.digest();
    return (d[0] & 0xff) << 24 | (d[1] & 0xff) << 16 | (d[2] & 0xff) << 8 | (d[3] & 0xff);
  }

  /** The key ID as eight lowercase hex digits, as it appears in key strings. */
  public static String keyIdHex(int keyId) {
    return HEX.toHexDigits(keyId);
  }

  /** {@code name+keyid}, the usual way to name a key in messages. */
  public static String label(String name, int keyId) {
    return name + "+" + keyIdHex(keyId);
  }

  static String label(NoteVerifier v) {
    return label(v.name(), v.keyId());
  }

  /** Whether {@code name} is a valid key name: non-empty, no Unicode space, no {@code +}. */
  public static boolean isValidName(String name) {
    return nameProblem(name) == null;
  }

  /**
   * Checks a key name for a signer or verifier built in code.
   *
   * @throws IllegalArgumentException if the name is null, empty, or contains a space or {@code +}
   */
  public static String requireValidName(String name) {
    String problem = nameProblem(name);
    if (problem != null) {
      throw new IllegalArgumentException("key name " + problem);
    }
    return name;
  }

  /**
   * Why {@code name} is not a valid key name, phrased to follow "key name", or {@code null} if it
   * is valid. Control characters below U+0020 are also refused: a note may not contain them at all.
   */
  static String nameProblem(String name) {
    if (name == null || name.isEmpty()) {
      return "is empty";
    }
    for (int i = 0; i < name.length(); ) {
      int cp = name.codePointAt(i);
      if (cp == '+') {
        return "contains a plus sign (U+002B)";
      }
      if (isUnicodeSpace(cp)) {
        return "contains the space character U+" + String.format("%04X", cp);
      }
      if (cp < 0x20) {
        return "contains the control character U+" + String.format("%04X", cp);
      }
      if (Character.isSurrogate((char) cp)) {
        return "contains an unpaired surrogate";
      }
      i += Character.charCount(cp);
    }
    return null;
  }

  /** The Unicode White_Space property, which is what the spec's "Unicode spaces" means. */
  static boolean isUnicodeSpace(int cp) {
    return (cp >= 0x09 && cp <= 0x0d)
        || cp == 0x85
        || Character.isSpaceChar(cp)
        || Character.isWhitespace(cp);
  }

  /** A human-readable name for a signature type byte. */
  public static String typeName(int type) {
    switch (type) {
      case TYPE_ED25519:
        return "Ed25519";
      case TYPE_ECDSA:
        return "ECDSA";
      case 0x03:
        return "reserved";
      case TYPE_COSIGNATURE_V1:
        return "cosignature/v1 Ed25519";
      case TYPE_RFC6962_TREE_HEAD:
        return "RFC 6962 tree head";
      case TYPE_ML_DSA_44:
        return "ML-DSA-44 cosignature";
      case 0xff:
        return "extended type";
      default:
        return type >= 0xfa ? "reserved" : "unassigned";
    }
  }

  static String typeLabel(int type) {
    return String.format("0x%02x (%s)", type, typeName(type));
  }

  /** The pieces of a key string, before any type-specific checks. */
  static final class ParsedKey {
    final String name;
    final int keyId;
    final int type;
    final byte[] material;

    ParsedKey(String name, int keyId, int type, byte[] material) {
      this.name = name;
      this.keyId = keyId;
      this.type = type;
      this.material = material;
    }

    String label() {
      return NoteKeys.label(name, keyId);
    }

    /** Checks the type is {@code expected}, distinguishing supported-but-wrong from unsupported. */
    void requireType(int expected, String what)
        throws KeyFormatException, UnsupportedAlgorithmException {
      if (type == expected) {
        return;
      }
      if (type == TYPE_ED25519 || type == TYPE_COSIGNATURE_V1 || type == TYPE_ML_DSA_44) {
        throw new KeyFormatException(
            what
                + " "
                + label()
                + " has signature type "
                + typeLabel(type)
                + ", expected "
                + typeLabel(expected));
      }
      throw unsupported(what);
    }

    UnsupportedAlgorithmException unsupported(String what) {
      return new UnsupportedAlgorithmException(
          name,
          type,
          what
              + " "
              + label()
              + " has signature type "
              + typeLabel(type)
              + ", which this library does not support (supported: "
              + typeLabel(TYPE_ED25519)
              + ", "
              + typeLabel(TYPE_COSIGNATURE_V1)
              + ", "
              + typeLabel(TYPE_ML_DSA_44)
              + ")");
    }

    /** Checks the key material length (after the type byte). */
    void requireLength(int expected, String what) throws KeyFormatException {
      if (material.length != expected) {
        throw new KeyFormatException(
            what
                + " "
                + label()
                + " holds "
                + material.length
                + " bytes of "
                + typeName(type)
                + " key, expected "
                + expected);
      }
    }

    /** Checks the key ID in the string against the one computed from the public key. */
    void requireKeyId(int computed, String what) throws KeyFormatException {
      if (computed != keyId) {
        throw new KeyFormatException(
            what
                + " for "
                + name
                + " names key ID "
                + keyIdHex(keyId)
                + " but its key has key ID "
                + keyIdHex(computed));
      }
    }

    /**
     * The Ed25519 public key of a verifier key whose type byte was already checked: 32 bytes, a key
     * ID that matches name, type and key, and a valid curve point.
     */
    Ed25519.PublicKey ed25519PublicKey() throws KeyFormatException {
      String what = "verifier key";
      requireLength(Ed25519.PUBLIC_KEY_SIZE, what);
      requireKeyId(keyId(name, type, material), what);
      try {
        return Ed25519.PublicKey.of(material);
      } catch (IllegalArgumentException e) {
        throw new KeyFormatException(what + " " + label() + ": " + e.getMessage());
      }
    }
  }

  /** The verifier key string {@code name+keyid+base64(type || key)}. */
  static String verifierKey(String name, int keyId, int type, byte[] key) {
    byte[] typed = new byte[1 + key.length];
    typed[0] = (byte) type;
    System.arraycopy(key, 0, typed, 1, key.length);
    return name + "+" + keyIdHex(keyId) + "+" + java.util.Base64.getEncoder().encodeToString(typed);
  }

  /**
   * Splits a vkey into name, key ID, type and key material. Type-specific checks (length, key ID)
   * are left to the caller, so that an unsupported type is reported as such.
   */
  static ParsedKey parseVerifierKey(String vkey) throws KeyFormatException {
    return parse(vkey, "verifier key");
  }

  /** Splits an skey; the error messages never contain the private key material. */
  static ParsedKey parseSignerKey(String skey) throws KeyFormatException {
    if (skey == null || !skey.startsWith(SIGNER_PREFIX)) {
      throw new KeyFormatException("signer key does not start with \"PRIVATE+KEY+\"");
    }
    return parse(skey.substring(SIGNER_PREFIX.length()), "signer key");
  }

  private static ParsedKey parse(String key, String what) throws KeyFormatException {
    if (key == null || key.isEmpty()) {
      throw new KeyFormatException(what + " is empty");
    }
    if (key.length() > MAX_KEY_STRING_LENGTH) {
      throw new KeyFormatException(
          what
              + " is "
              + key.length()
              + " characters, longer than the limit of "
              + MAX_KEY_STRING_LENGTH);
    }
    int plus1 = key.indexOf('+');
    if (plus1 < 0) {
      throw new KeyFormatException(what + " has no '+' after the key name");
    }
    String name = key.substring(0, plus1);
    String problem = nameProblem(name);
    if (problem != null) {
      throw new KeyFormatException(what + " key name " + problem);
    }
    int plus2 = key.indexOf('+', plus1 + 1);
    if (plus2 < 0) {
      throw new KeyFormatException(what + " for " + name + " has no '+' after the key ID");
    }
    String idHex = key.substring(plus1 + 1, plus2);
    if (!isLowerHex8(idHex)) {
      throw new KeyFormatException(
          what + " for " + name + " has key ID \"" + idHex + "\", expected 8 lowercase hex digits");
    }
    byte[] raw = CanonicalBase64.decode(key, plus2 + 1, key.length());
    if (raw == null) {
      throw new KeyFormatException(
          what + " for " + name + " has key material that is not canonical padded base64");
    }
    if (raw.length < 2) {
      throw new KeyFormatException(
          what + " for " + name + " has " + raw.length + " bytes of key material, too short");
    }
    int keyId = (int) Long.parseLong(idHex, 16);
    int type = raw[0] & 0xff;
    byte[] material = Arrays.copyOfRange(raw, 1, raw.length);
    // The decoded buffer may hold a private key: do not leave an extra copy behind.
    Arrays.fill(raw, (byte) 0);
    return new ParsedKey(name, keyId, type, material);
  }

  private static boolean isLowerHex8(String s) {
    if (s.length() != 8) {
      return false;
    }
    for (int i = 0; i < 8; i++) {
      char c = s.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }
}
