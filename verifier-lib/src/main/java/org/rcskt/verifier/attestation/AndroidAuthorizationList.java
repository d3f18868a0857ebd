package org.rcskt.verifier.attestation;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bouncycastle.asn1.ASN1Boolean;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Enumerated;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1Null;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.ASN1Set;
import org.bouncycastle.asn1.ASN1TaggedObject;
import org.bouncycastle.asn1.BERTags;

/**
 * The fields a verifier needs from one AuthorizationList of an Android KeyDescription ({@code
 * softwareEnforced} or {@code hardwareEnforced}, called {@code teeEnforced} before KeyMint).
 * Numbers are KeyMint's constants as the record carries them (for example algorithm 1 RSA, 3 EC;
 * purpose 2 SIGN, 3 VERIFY; digest 4 SHA-256; origin 0 GENERATED); an absent field is null, an
 * absent set is empty.
 *
 * <p>Every element must be an explicitly tagged context-specific value. Unknown tag numbers are
 * skipped and the order of tags is not checked (devices emit unordered lists). A repeated {@code
 * SET OF INTEGER} tag (purpose, digest, padding) is merged into one set, because devices in the
 * field split one set into several (Google's parser merges them too); any other known tag that
 * appears twice is rejected ({@link AttestationCheck#EXTENSION}), since no reading of two different
 * values is safe.
 *
 * @param purpose [1] the operations the key may do
 * @param algorithm [2] the key's algorithm
 * @param keySize [3] the key size in bits
 * @param digest [5] the digests the key may use
 * @param padding [6] the paddings the key may use
 * @param ecCurve [10] the elliptic curve
 * @param rsaPublicExponent [200] the RSA public exponent
 * @param noAuthRequired [503] whether the key may be used without user authentication
 * @param creationDateTime [701] when the key was made, in milliseconds since the epoch
 * @param origin [702] where the key was made
 * @param rootOfTrust [704] the verified boot state of the device
 * @param osVersion [705] the OS version (for example 140000 for Android 14)
 * @param osPatchLevel [706] the OS patch level, {@code YYYYMM}
 * @param attestationApplicationId [709] the app that asked for the key
 * @param vendorPatchLevel [718] the vendor patch level, {@code YYYYMMDD}
 * @param bootPatchLevel [719] the boot image patch level, {@code YYYYMMDD}
 * @param individualAttestation [720] whether the attestation uses a device-unique key
 */
public record AndroidAuthorizationList(
    List<Integer> purpose,
    Integer algorithm,
    Integer keySize,
    List<Integer> digest,
    List<Integer> padding,
    Integer ecCurve,
    Long rsaPublicExponent,
    boolean noAuthRequired,
    Long creationDateTime,
    Integer origin,
    RootOfTrust rootOfTrust,
    Integer osVersion,
    Integer osPatchLevel,
    AttestationApplicationId attestationApplicationId,
    Integer vendorPatchLevel,
    Integer bootPatchLevel,
    boolean individualAttestation) {

  private static final Set<Integer> SET_TAGS = Set.of(1, 5, 6);
  private static final Set<Integer> KNOWN_TAGS =
      Set.of(1, 2, 3, 5, 6, 10, 200, 503, 701, 702, 704, 705, 706, 709, 718, 719, 720);

  /** Copies the lists. */
  public AndroidAuthorizationList {
    purpose = List.copyOf(purpose);
    digest = List.copyOf(digest);
    padding = List.copyOf(padding);
  }

  /** The verified boot state of a {@link RootOfTrust}, in the schema's order (0 to 3). */
  public enum VerifiedBootState {
    /** The boot chain is verified with the device's built-in key. */
    VERIFIED,
    /** The boot chain is verified with a key the user installed. */
    SELF_SIGNED,
    /** The boot chain is not verified (unlocked bootloader). */
    UNVERIFIED,
    /** Verification failed. */
    FAILED
  }

  /**
   * The device's verified boot state, as the secure hardware saw it.
   *
   * @param verifiedBootKey a digest of the key that verified the boot image
   * @param deviceLocked whether the bootloader is locked
   * @param verifiedBootState the boot state
   * @param verifiedBootHash a digest of the verified boot data (attestation version 3 and later),
   *     or null
   */
  public record RootOfTrust(
      byte[] verifiedBootKey,
      boolean deviceLocked,
      VerifiedBootState verifiedBootState,
      byte[] verifiedBootHash) {
    /** Copies the arrays. */
    public RootOfTrust {
      verifiedBootKey = verifiedBootKey.clone();
      verifiedBootHash = verifiedBootHash == null ? null : verifiedBootHash.clone();
    }

    /** A copy of the verified boot key digest. */
    @Override
    public byte[] verifiedBootKey() {
      return verifiedBootKey.clone();
    }

    /** A copy of the verified boot hash, or null. */
    @Override
    public byte[] verifiedBootHash() {
      return verifiedBootHash == null ? null : verifiedBootHash.clone();
    }

    /**
     * Parses the DER of a RootOfTrust SEQUENCE.
     *
     * @throws AttestationException ({@link AttestationCheck#MALFORMED} or {@link
     *     AttestationCheck#EXTENSION}) naming what is wrong
     */
    public static RootOfTrust parse(byte[] der) throws AttestationException {
      return guarded("rootOfTrust", () -> of(decode(der, "rootOfTrust"), "rootOfTrust"));
    }

    static RootOfTrust of(ASN1Encodable value, String what) throws AttestationException {
      ASN1Sequence s = sequence(value, what);
      if (s.size() != 3 && s.size() != 4) {
        throw extension(what + " has " + s.size() + " fields, not 3 or 4");
      }
      if (!(s.getObjectAt(1) instanceof ASN1Boolean locked)) {
        throw extension(what + ".deviceLocked is not a BOOLEAN");
      }
      int state = enumerated(s.getObjectAt(2), what + ".verifiedBootState");
      if (state < 0 || state > 3) {
        throw extension(what + ".verifiedBootState " + state + " is not 0 to 3");
      }
      return new RootOfTrust(
          octets(s.getObjectAt(0), what + ".verifiedBootKey"),
          locked.isTrue(),
          VerifiedBootState.values()[state],
          s.size() == 4 ? octets(s.getObjectAt(3), what + ".verifiedBootHash") : null);
    }
  }

  /**
   * The app that asked for the key, as Android's keystore wrote it.
   *
   * @param der the DER of the AttestationApplicationId SEQUENCE, as carried in tag 709
   * @param packages the packages (several when apps share a user id)
   * @param signatureDigests SHA-256 digests of the apps' signing certificates
   */
  public record AttestationApplicationId(
      byte[] der, List<PackageInfo> packages, List<byte[]> signatureDigests) {
    /** Copies the arrays and lists. */
    public AttestationApplicationId {
      der = der.clone();
      packages = List.copyOf(packages);
      signatureDigests = signatureDigests.stream().map(byte[]::clone).toList();
    }

    /** A copy of the DER. */
    @Override
    public byte[] der() {
      return der.clone();
    }

    /** Copies of the signature digests. */
    @Override
    public List<byte[]> signatureDigests() {
      return signatureDigests.stream().map(byte[]::clone).toList();
    }

    /**
     * One package.
     *
     * @param packageName the package name
     * @param version the package's version code
     */
    public record PackageInfo(String packageName, long version) {}

    /** Whether {@code packageName} is one of the packages. */
    public boolean hasPackage(String packageName) {
      return packages.stream().anyMatch(p -> p.packageName().equals(packageName));
    }

    /** Whether {@code sha256} is one of the signature digests (constant-time per digest). */
    public boolean hasSignatureDigest(byte[] sha256) {
      boolean found = false;
      for (byte[] d : signatureDigests) {
        found |= MessageDigest.isEqual(d, sha256);
      }
      return found;
    }

    /**
     * Parses the DER of an AttestationApplicationId SEQUENCE.
     *
     * @throws AttestationException ({@link AttestationCheck#MALFORMED} or {@link
     *     AttestationCheck#EXTENSION}) naming what is wrong
     */
    public static AttestationApplicationId parse(byte[] der) throws AttestationException {
      String what = "attestationApplicationId";
      return guarded(
          what,
          () -> {
            ASN1Sequence s = sequence(decode(der, what), what);
            if (s.size() != 2) {
              throw extension(what + " has " + s.size() + " fields, not 2");
            }
            List<PackageInfo> packages = new ArrayList<>();
            for (ASN1Encodable e : set(s.getObjectAt(0), what + ".packageInfos")) {
              ASN1Sequence p = sequence(e, what + ".packageInfo");
              if (p.size() != 2) {
                throw extension(what + ".packageInfo has " + p.size() + " fields, not 2");
              }
              packages.add(
                  new PackageInfo(
                      utf8(octets(p.getObjectAt(0), what + ".packageName"), what + ".packageName"),
                      longValue(p.getObjectAt(1), what + ".version")));
            }
            List<byte[]> digests = new ArrayList<>();
            for (ASN1Encodable e : set(s.getObjectAt(1), what + ".signatureDigests")) {
              digests.add(octets(e, what + ".signatureDigest"));
            }
            return new AttestationApplicationId(der, packages, digests);
          });
    }
  }

  /**
   * Parses the DER of an AuthorizationList SEQUENCE.
   *
   * @throws AttestationException ({@link AttestationCheck#MALFORMED} or {@link
   *     AttestationCheck#EXTENSION}) naming what is wrong
   */
  public static AndroidAuthorizationList parse(byte[] der) throws AttestationException {
    return guarded(
        "authorizationList", () -> of(decode(der, "authorizationList"), "authorizationList"));
  }

  static AndroidAuthorizationList of(ASN1Encodable value, String what) throws AttestationException {
    Map<Integer, ASN1Primitive> one = new HashMap<>();
    Map<Integer, List<Integer>> sets = new HashMap<>();
    for (ASN1Encodable e : sequence(value, what)) {
      if (!(e instanceof ASN1TaggedObject t) || t.getTagClass() != BERTags.CONTEXT_SPECIFIC) {
        throw extension(what + " has an element that is not a context-specific tag");
      }
      int tag = t.getTagNo();
      if (!KNOWN_TAGS.contains(tag)) {
        continue;
      }
      if (!t.isExplicit()) {
        throw extension(what + " tag " + tag + " is not explicitly tagged");
      }
      ASN1Primitive v = t.getExplicitBaseObject().toASN1Primitive();
      if (SET_TAGS.contains(tag)) {
        List<Integer> merged = sets.computeIfAbsent(tag, k -> new ArrayList<>());
        for (ASN1Encodable i : set(v, what + " tag " + tag)) {
          int n = intValue(i, what + " tag " + tag);
          if (!merged.contains(n)) {
            merged.add(n);
          }
        }
      } else if (one.putIfAbsent(tag, v) != null) {
        throw extension(what + " tag " + tag + " repeated");
      }
    }
    String w = what + " tag ";
    ASN1Primitive noAuth = one.get(503);
    ASN1Primitive individual = one.get(720);
    if (noAuth != null && !(noAuth instanceof ASN1Null)) {
      throw extension(w + "503 (noAuthRequired) is not NULL");
    }
    if (individual != null && !(individual instanceof ASN1Null)) {
      throw extension(w + "720 (individualAttestation) is not NULL");
    }
    ASN1Primitive rot = one.get(704);
    ASN1Primitive appId = one.get(709);
    return new AndroidAuthorizationList(
        sets.getOrDefault(1, List.of()),
        optInt(one.get(2), w + "2 (algorithm)"),
        optInt(one.get(3), w + "3 (keySize)"),
        sets.getOrDefault(5, List.of()),
        sets.getOrDefault(6, List.of()),
        optInt(one.get(10), w + "10 (ecCurve)"),
        optLong(one.get(200), w + "200 (rsaPublicExponent)"),
        noAuth != null,
        optLong(one.get(701), w + "701 (creationDateTime)"),
        optInt(one.get(702), w + "702 (origin)"),
        rot == null ? null : RootOfTrust.of(rot, what + " rootOfTrust"),
        optInt(one.get(705), w + "705 (osVersion)"),
        optInt(one.get(706), w + "706 (osPatchLevel)"),
        appId == null
            ? null
            : AttestationApplicationId.parse(octets(appId, w + "709 (attestationApplicationId)")),
        optInt(one.get(718), w + "718 (vendorPatchLevel)"),
        optInt(one.get(719), w + "719 (bootPatchLevel)"),
        individual != null);
  }

  /**
   * A patch level as a date, read as Google's library reads it: {@code YYYYMM} is the month's first
   * day, and a day (or month) of {@code 00} in {@code YYYYMMDD} counts as the first.
   *
   * @throws IllegalArgumentException if {@code value} has neither form or is not a date
   */
  public static LocalDate patchLevelDate(int value) {
    try {
      if (value >= 100_000 && value <= 999_999) {
        return LocalDate.of(value / 100, Math.max(1, value % 100), 1);
      }
      if (value >= 10_000_000 && value <= 99_999_999) {
        return LocalDate.of(
            value / 10_000, Math.max(1, value / 100 % 100), Math.max(1, value % 100));
      }
    } catch (DateTimeException e) {
      throw new IllegalArgumentException("patch level " + value + " is not a date", e);
    }
    throw new IllegalArgumentException("patch level " + value + " is neither YYYYMM nor YYYYMMDD");
  }

  // ASN.1 helpers shared with AndroidKeyDescription. Schema errors are EXTENSION, bytes that are
  // not DER at all are MALFORMED.

  /** A parse step that may throw; runtime errors from Bouncy Castle become EXTENSION. */
  interface Step<T> {
    T run() throws AttestationException;
  }

  static <T> T guarded(String what, Step<T> step) throws AttestationException {
    try {
      return step.run();
    } catch (RuntimeException e) {
      throw extension(what + " does not follow the schema: " + e.getMessage());
    }
  }

  static AttestationException extension(String detail) {
    return new AttestationException(AttestationCheck.EXTENSION, detail);
  }

  static ASN1Primitive decode(byte[] der, String what) throws AttestationException {
    if (der.length == 0) {
      throw new AttestationException(AttestationCheck.MALFORMED, what + " is empty");
    }
    try {
      return ASN1Primitive.fromByteArray(der);
    } catch (IOException | RuntimeException e) {
      throw new AttestationException(
          AttestationCheck.MALFORMED, what + " is not DER: " + e.getMessage());
    }
  }

  static ASN1Sequence sequence(ASN1Encodable v, String what) throws AttestationException {
    if (!(v instanceof ASN1Sequence s)) {
      throw extension(what + " is not a SEQUENCE");
    }
    return s;
  }

  static ASN1Set set(ASN1Encodable v, String what) throws AttestationException {
    if (!(v instanceof ASN1Set s)) {
      throw extension(what + " is not a SET");
    }
    return s;
  }

  static byte[] octets(ASN1Encodable v, String what) throws AttestationException {
    if (!(v instanceof ASN1OctetString o)) {
      throw extension(what + " is not an OCTET STRING");
    }
    return o.getOctets();
  }

  static int intValue(ASN1Encodable v, String what) throws AttestationException {
    if (!(v instanceof ASN1Integer i)) {
      throw extension(what + " is not an INTEGER");
    }
    try {
      return i.intValueExact();
    } catch (ArithmeticException e) {
      throw extension(what + " is out of range: " + i.getValue());
    }
  }

  static long longValue(ASN1Encodable v, String what) throws AttestationException {
    if (!(v instanceof ASN1Integer i)) {
      throw extension(what + " is not an INTEGER");
    }
    try {
      return i.longValueExact();
    } catch (ArithmeticException e) {
      throw extension(what + " is out of range: " + i.getValue());
    }
  }

  static int enumerated(ASN1Encodable v, String what) throws AttestationException {
    if (!(v instanceof ASN1Enumerated e)) {
      throw extension(what + " is not an ENUMERATED");
    }
    try {
      return e.intValueExact();
    } catch (ArithmeticException x) {
      throw extension(what + " is out of range: " + e.getValue());
    }
  }

  private static Integer optInt(ASN1Primitive v, String what) throws AttestationException {
    return v == null ? null : intValue(v, what);
  }

  private static Long optLong(ASN1Primitive v, String what) throws AttestationException {
    return v == null ? null : longValue(v, what);
  }

  private static String utf8(byte[] b, String what) throws AttestationException {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(b))
          .toString();
    } catch (CharacterCodingException e) {
      throw extension(what + " is not UTF-8");
    }
  }
}
