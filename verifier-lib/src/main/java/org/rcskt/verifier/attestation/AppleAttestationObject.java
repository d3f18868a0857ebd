package org.rcskt.verifier.attestation;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import org.bouncycastle.cert.X509CertificateHolder;

/**
 * An Apple App Attest attestation object: the CBOR map {@code {fmt: "apple-appattest", attStmt:
 * {x5c: [credential certificate, intermediate, ...], receipt}, authData}} that {@code
 * DCAppAttestService.attestKey} returns. Parsing checks only the structure; {@link AppleAppAttest}
 * checks what it says.
 *
 * <p>The structure is read strictly: exactly these keys (no duplicates), of these types, and
 * nothing after the CBOR item.
 */
public final class AppleAttestationObject {
  /** The largest attestation object accepted, in bytes (Apple's are about 5 KiB). */
  public static final int MAX_BYTES = 16384;

  /** The only {@code fmt} App Attest uses. */
  public static final String FORMAT = "apple-appattest";

  private static final CBORMapper CBOR =
      CBORMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  private final List<byte[]> x5c;
  private final List<X509CertificateHolder> certificates;
  private final byte[] receipt;
  private final byte[] authDataBytes;
  private final AuthenticatorData authData;

  private AppleAttestationObject(
      List<byte[]> x5c,
      List<X509CertificateHolder> certificates,
      byte[] receipt,
      byte[] authDataBytes,
      AuthenticatorData authData) {
    this.x5c = x5c;
    this.certificates = certificates;
    this.receipt = receipt;
    this.authDataBytes = authDataBytes;
    this.authData = authData;
  }

  /**
   * Parses {@code cbor}: at most {@value #MAX_BYTES} bytes holding one CBOR map and nothing after
   * it, the x5c entries X.509 certificates in DER, the authenticator data well formed.
   *
   * @throws AttestationException ({@link AttestationCheck#MALFORMED}) naming the field that is
   *     missing, unknown, of the wrong type or the wrong size
   */
  public static AppleAttestationObject parse(byte[] cbor) throws AttestationException {
    if (cbor.length > MAX_BYTES) {
      throw malformed("the attestation object is " + cbor.length + " bytes, at most " + MAX_BYTES);
    }
    JsonNode root = readOne(cbor, 0, cbor.length, "the attestation object");
    if (!root.isObject()) {
      throw malformed("the attestation object is a CBOR " + type(root) + ", not a map");
    }
    requireKeys(root, List.of("fmt", "attStmt", "authData"), List.of(), "the attestation object");
    JsonNode fmt = root.get("fmt");
    if (!fmt.isTextual()) {
      throw malformed("fmt is not a text string");
    }
    if (!FORMAT.equals(fmt.textValue())) {
      throw malformed("fmt is \"" + printable(fmt.textValue()) + "\", not \"" + FORMAT + "\"");
    }
    JsonNode attStmt = root.get("attStmt");
    if (!attStmt.isObject()) {
      throw malformed("attStmt is not a map");
    }
    // The receipt is optional here (docs/protocol.md section 17.1): Apple always sends one, and a
    // client may drop it to fit an event's size limit, since no check below uses it.
    requireKeys(attStmt, List.of("x5c"), List.of("receipt"), "attStmt");
    JsonNode x5cNode = attStmt.get("x5c");
    if (!x5cNode.isArray()) {
      throw malformed("attStmt.x5c is not an array");
    }
    if (x5cNode.isEmpty() || x5cNode.size() > CertificateChains.MAX_CERTIFICATES) {
      throw malformed(
          "attStmt.x5c has "
              + x5cNode.size()
              + " certificates, 1 to "
              + CertificateChains.MAX_CERTIFICATES
              + " allowed");
    }
    List<byte[]> x5c = new ArrayList<>(x5cNode.size());
    for (int i = 0; i < x5cNode.size(); i++) {
      x5c.add(bytes(x5cNode.get(i), "attStmt.x5c[" + i + "]"));
    }
    byte[] receipt =
        attStmt.has("receipt") ? bytes(attStmt.get("receipt"), "attStmt.receipt") : new byte[0];
    byte[] authDataBytes = bytes(root.get("authData"), "authData");
    AuthenticatorData authData = AuthenticatorData.parse(authDataBytes);
    List<X509CertificateHolder> certificates = CertificateChains.parse(x5c);
    for (int i = 0; i < certificates.size(); i++) {
      // Error messages print the names: they must decode and fit on one line.
      String names;
      try {
        names = certificates.get(i).getSubject() + " " + certificates.get(i).getIssuer();
      } catch (RuntimeException e) {
        throw malformed("certificate " + i + " has a name that does not decode: " + e.getMessage());
      }
      if (names.chars().anyMatch(Character::isISOControl)) {
        throw malformed("certificate " + i + " has a name with control characters");
      }
    }
    return new AppleAttestationObject(
        List.copyOf(x5c), List.copyOf(certificates), receipt, authDataBytes, authData);
  }

  /** The {@code fmt}: always {@value #FORMAT}. */
  public String fmt() {
    return FORMAT;
  }

  /** The x5c certificates as DER, credential certificate first (copies). */
  public List<byte[]> x5c() {
    List<byte[]> out = new ArrayList<>(x5c.size());
    x5c.forEach(d -> out.add(d.clone()));
    return out;
  }

  /** The x5c certificates, credential certificate first. */
  public List<X509CertificateHolder> certificates() {
    return certificates;
  }

  /** The credential certificate: the one whose key is the App Attest key. */
  public X509CertificateHolder credentialCertificate() {
    return certificates.get(0);
  }

  /**
   * The receipt: a PKCS#7 signed by Apple for its fraud-metric service, or empty when the client
   * left it out. It is kept but not verified; the attestation does not depend on it.
   */
  public byte[] receipt() {
    return receipt.clone();
  }

  /** The raw authenticator data, as the nonce is computed over it. */
  public byte[] authDataBytes() {
    return authDataBytes.clone();
  }

  /** The parsed authenticator data. */
  public AuthenticatorData authData() {
    return authData;
  }

  /**
   * The authenticator data of an attestation: {@code rpIdHash (32) | flags (1) | signCount (4,
   * big-endian) | aaguid (16) | credentialId length (2) | credentialId | credential public key
   * (COSE, CBOR)}. The attested-credential-data flag must be set; extensions (the ED flag) are not
   * accepted, since App Attest does not use them.
   */
  public static final class AuthenticatorData {
    /** The attested-credential-data flag bit. */
    public static final int FLAG_AT = 0x40;

    /** The extension-data flag bit. */
    public static final int FLAG_ED = 0x80;

    private static final int FIXED = 32 + 1 + 4 + 16 + 2;

    private final byte[] rpIdHash;
    private final int flags;
    private final long signCount;
    private final byte[] aaguid;
    private final byte[] credentialId;
    private final byte[] credentialPublicKey;

    private AuthenticatorData(
        byte[] rpIdHash,
        int flags,
        long signCount,
        byte[] aaguid,
        byte[] credentialId,
        byte[] credentialPublicKey) {
      this.rpIdHash = rpIdHash;
      this.flags = flags;
      this.signCount = signCount;
      this.aaguid = aaguid;
      this.credentialId = credentialId;
      this.credentialPublicKey = credentialPublicKey;
    }

    /**
     * Parses authenticator data.
     *
     * @throws AttestationException ({@link AttestationCheck#MALFORMED}) if it is too short, a
     *     length is inconsistent, a flag is wrong or the credential public key is not one CBOR map
     */
    public static AuthenticatorData parse(byte[] data) throws AttestationException {
      if (data.length < FIXED) {
        throw malformed("authData is " + data.length + " bytes, shorter than " + FIXED);
      }
      ByteBuffer b = ByteBuffer.wrap(data);
      byte[] rpIdHash = take(b, 32);
      int flags = b.get() & 0xff;
      long signCount = b.getInt() & 0xffffffffL;
      if ((flags & FLAG_AT) == 0) {
        throw malformed(
            "authData flags 0x" + Integer.toHexString(flags) + " lack attested credential data");
      }
      if ((flags & FLAG_ED) != 0) {
        throw malformed(
            "authData flags 0x"
                + Integer.toHexString(flags)
                + " announce extensions, which App Attest does not use");
      }
      byte[] aaguid = take(b, 16);
      int idLength = b.getShort() & 0xffff;
      if (idLength == 0 || idLength > b.remaining()) {
        throw malformed(
            "authData credentialId length "
                + idLength
                + " is not 1 to the "
                + b.remaining()
                + " bytes left");
      }
      byte[] credentialId = take(b, idLength);
      byte[] cose = null;
      if (b.hasRemaining()) {
        JsonNode key =
            readOne(data, b.position(), b.remaining(), "authData's credential public key");
        if (!key.isObject()) {
          throw malformed("authData's credential public key is not a CBOR map");
        }
        cose = take(b, b.remaining());
      }
      return new AuthenticatorData(rpIdHash, flags, signCount, aaguid, credentialId, cose);
    }

    /** SHA-256 of the App ID the key was made for (32 bytes). */
    public byte[] rpIdHash() {
      return rpIdHash.clone();
    }

    /** The flags byte, 0 to 255. */
    public int flags() {
      return flags;
    }

    /** The counter: 0 in an attestation. */
    public long signCount() {
      return signCount;
    }

    /** The AAGUID (16 bytes): {@code appattestdevelop} or {@code appattest} and 7 zero bytes. */
    public byte[] aaguid() {
      return aaguid.clone();
    }

    /** The credential id: the key id, SHA-256 of the credential key's EC point. */
    public byte[] credentialId() {
      return credentialId.clone();
    }

    /** The credential public key as COSE (CBOR) bytes, or null when the data ends before it. */
    public byte[] credentialPublicKey() {
      return credentialPublicKey == null ? null : credentialPublicKey.clone();
    }
  }

  private static JsonNode readOne(byte[] in, int offset, int length, String what)
      throws AttestationException {
    JsonNode node;
    try (JsonParser p = CBOR.createParser(in, offset, length)) {
      node = CBOR.readTree(p);
      if (node == null || node.isMissingNode()) {
        throw malformed(what + " is empty");
      }
      JsonToken next;
      try {
        next = p.nextToken();
      } catch (IOException | RuntimeException e) {
        next = JsonToken.NOT_AVAILABLE;
      }
      if (next != null) {
        throw malformed(what + " has trailing bytes after its CBOR item");
      }
    } catch (IOException | RuntimeException e) {
      throw malformed(what + " is not CBOR: " + firstLine(e.getMessage()));
    }
    return node;
  }

  private static void requireKeys(
      JsonNode map, List<String> keys, List<String> optional, String what)
      throws AttestationException {
    for (String k : keys) {
      if (!map.has(k)) {
        throw malformed(what + " has no " + k);
      }
    }
    for (Iterator<String> it = map.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!keys.contains(k) && !optional.contains(k)) {
        throw malformed(what + " has an unknown key \"" + printable(k) + "\"");
      }
    }
  }

  private static byte[] bytes(JsonNode n, String field) throws AttestationException {
    if (!n.isBinary()) {
      throw malformed(field + " is a CBOR " + type(n) + ", not a byte string");
    }
    try {
      return n.binaryValue();
    } catch (IOException e) {
      throw malformed(field + " is not a byte string: " + e.getMessage());
    }
  }

  private static String type(JsonNode n) {
    return n.getNodeType().name().toLowerCase(Locale.ROOT);
  }

  private static byte[] take(ByteBuffer b, int n) {
    byte[] out = new byte[n];
    b.get(out);
    return out;
  }

  private static String printable(String s) {
    String cut = s.length() > 40 ? s.substring(0, 40) + "..." : s;
    return cut.replaceAll("[^\\x20-\\x7e]", "?");
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unreadable";
    }
    int nl = message.indexOf('\n');
    return (nl < 0 ? message : message.substring(0, nl)).replaceAll("\\p{Cntrl}", "?");
  }

  private static AttestationException malformed(String detail) {
    return new AttestationException(AttestationCheck.MALFORMED, detail);
  }
}
