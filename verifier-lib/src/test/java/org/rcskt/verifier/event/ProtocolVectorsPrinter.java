package org.rcskt.verifier.event;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.crypto.Ed25519;
import org.rcskt.verifier.crypto.Ed25519MlDsa65;
import org.rcskt.verifier.crypto.MlDsa65;
import org.rcskt.verifier.vrf.EcVrf;

/**
 * Rebuilds the example history of docs/protocol.md section 15 from its definition and prints every
 * block of that section (keys, then json, hex and values for each event), in the order the document
 * holds them. Not a test: {@link ProtocolVectorsTest} checks the document; this makes it. Run it
 * after a format change and paste its output over the section's blocks.
 *
 * <p>Every byte of the annotated hex is written from the event's fields here and then compared with
 * {@link KeyEvent#encoded()}, so the comments cannot describe other bytes than the codec writes.
 */
public final class ProtocolVectorsPrinter {
  private static final HexFormat HEX = HexFormat.of();
  private static final String FENCE = "```";

  /** The column at which a hex line's comment starts: 32 bytes of hex and two spaces. */
  private static final int COMMENT_COLUMN = 66;

  static final String PHONE_NUMBER = "+33612345678";
  static final String CARRIER_ID = "carrier.example";
  static final String DEVICE_ID = "phone-1";
  static final long T0 = 1_767_225_600_000L; // 2026-01-01T00:00:00Z
  static final long ANCHOR_NOT_AFTER = 1_798_761_600_000L; // 2027-01-01T00:00:00Z

  private ProtocolVectorsPrinter() {}

  /** The seed of the vector key {@code name}: SHA-256("rcskt vector " || name). */
  static Ed25519.KeyPair key(String name) {
    return Ed25519.KeyPair.fromSeed(secret(name));
  }

  /** The VRF secret key of the vectors' log, that of appendix A.4: SHA-256("rcskt/vrf/example"). */
  static byte[] vrfSecret() {
    return Hash.sha256("rcskt/vrf/example".getBytes(StandardCharsets.US_ASCII)).toByteArray();
  }

  /** The ML-DSA-65 key {@code name}: its seed is SHA-256("rcskt vector " || name). */
  static MlDsa65.KeyPair mlDsaKey(String name) {
    return MlDsa65.KeyPair.fromSeed(secret(name));
  }

  /**
   * The hybrid key {@code name}: the Ed25519 key {@code name + " ed25519"} and the ML-DSA-65 key
   * {@code name + " ml-dsa-65"}.
   */
  static Ed25519MlDsa65.KeyPair hybridKey(String name) {
    return Ed25519MlDsa65.KeyPair.of(key(name + " ed25519"), mlDsaKey(name + " ml-dsa-65"));
  }

  /** SHA-256("rcskt vector " || name), the bytes every vector secret comes from. */
  static byte[] secret(String name) {
    return Hash.sha256(("rcskt vector " + name).getBytes(StandardCharsets.US_ASCII)).toByteArray();
  }

  /** The X25519 public key of the private key {@code secret(name)} (RFC 7748, clamped). */
  static byte[] x25519Public(String name) {
    byte[] pub = new byte[32];
    org.bouncycastle.math.ec.rfc7748.X25519.scalarMultBase(secret(name), 0, pub, 0);
    return pub;
  }

  /**
   * The ML-KEM-768 encapsulation key of the seed {@code secret(name + " d") || secret(name + " z")}
   * (FIPS 203 ML-KEM.KeyGen_internal(d, z)).
   */
  static byte[] mlKemPublic(String name) {
    byte[] seed = new byte[64];
    System.arraycopy(secret(name + " d"), 0, seed, 0, 32);
    System.arraycopy(secret(name + " z"), 0, seed, 32, 32);
    return new org.bouncycastle.crypto.params.MLKEMPrivateKeyParameters(
            org.bouncycastle.crypto.params.MLKEMParameters.ml_kem_768, seed)
        .getPublicKeyParameters()
        .getEncoded();
  }

  /** The key-agreement keys of vector {@code keys-kem}. */
  static List<KexKey> vectorKexKeys() {
    byte[] xWing = new byte[1216];
    System.arraycopy(mlKemPublic("kem-2 ml-kem-768"), 0, xWing, 0, 1184);
    System.arraycopy(x25519Public("kem-2 x25519"), 0, xWing, 1184, 32);
    return List.of(
        KexKey.of(KexAlgorithm.X25519, x25519Public("kem-1 x25519"), 0),
        KexKey.of(KexAlgorithm.ML_KEM_768, mlKemPublic("kem-1 ml-kem-768"), ANCHOR_NOT_AFTER),
        KexKey.of(KexAlgorithm.X_WING, xWing, 0));
  }

  /** The four events of the example history, in order. */
  static Map<String, KeyEvent> history() {
    Ed25519.KeyPair policy = key("policy");
    Ed25519.KeyPair carrier = key("carrier");
    Ed25519.KeyPair device1 = key("device-1");
    Ed25519.KeyPair device2 = key("device-2");
    PhoneNumbers.ProvenIndex phone = PhoneNumbers.prove(vrfSecret(), PHONE_NUMBER);
    Map<String, KeyEvent> events = new LinkedHashMap<>();
    events.put(
        "anchor-add",
        EventBuilder.forCarrier(CARRIER_ID)
            .timestampMs(T0)
            .anchorAdd(PublicKeyInfo.ed25519(carrier.publicKey(), ANCHOR_NOT_AFTER))
            .sign(policy));
    KeyEvent register =
        EventBuilder.forSubject(phone.index(), CARRIER_ID)
            .timestampMs(T0 + 60_000)
            .register(DEVICE_ID, PublicKeyInfo.ed25519(device1.publicKey()))
            .sign(device1, carrier);
    events.put("register", register);
    KeyEvent rotate =
        EventBuilder.forSubject(phone.index(), CARRIER_ID)
            .after(register)
            .timestampMs(T0 + 120_000)
            .rotate(DEVICE_ID, PublicKeyInfo.ed25519(device2.publicKey()))
            .sign(device2, device1);
    events.put("rotate", rotate);
    events.put(
        "revoke",
        EventBuilder.forSubject(phone.index(), CARRIER_ID)
            .after(rotate)
            .timestampMs(T0 + 180_000)
            .revoke(DEVICE_ID, RevocationReason.DEVICE_LOST)
            .sign(carrier));
    return events;
  }

  /**
   * The post-quantum continuation of the history (section 15.5): {@code phone-2} registers the
   * hybrid key {@code hybrid-1} with the carrier's attestation, then rotates to the ML-DSA-65 key
   * {@code ml-dsa-1}, signed by the new key and the hybrid key it replaces.
   */
  static Map<String, KeyEvent> postQuantumHistory() {
    Map<String, KeyEvent> history = history();
    KeyEvent revoke = history.get("revoke");
    EventSigner hybrid = EventSigner.of(hybridKey("hybrid-1"));
    EventSigner mlDsa = EventSigner.of(mlDsaKey("ml-dsa-1"));
    EventSigner carrier = EventSigner.of(key("carrier"));
    Hash subject = revoke.body().subject();
    Map<String, KeyEvent> events = new LinkedHashMap<>();
    KeyEvent register =
        EventBuilder.forSubject(subject, CARRIER_ID)
            .after(revoke)
            .timestampMs(T0 + 240_000)
            .register("phone-2", hybrid.publicKey())
            .sign(hybrid, carrier);
    events.put("register-hybrid", register);
    KeyEvent rotate =
        EventBuilder.forSubject(subject, CARRIER_ID)
            .after(register)
            .timestampMs(T0 + 300_000)
            .rotate("phone-2", mlDsa.publicKey())
            .sign(mlDsa, hybrid);
    events.put("rotate-ml-dsa", rotate);
    events.put(
        "keys-kem",
        EventBuilder.forSubject(subject, CARRIER_ID)
            .after(rotate)
            .timestampMs(T0 + 360_000)
            .keys("phone-2", vectorKexKeys())
            .sign(mlDsa));
    return events;
  }

  /**
   * {@code name = hex}, the hex cut into lines of 128 digits, continuation lines indented by two
   * spaces (how section 15.5 writes long values).
   */
  private static void wrapped(StringBuilder out, String name, byte[] value) {
    String hex = HEX.formatHex(value);
    out.append(name).append(" =");
    for (int i = 0; i < hex.length(); i += 128) {
      out.append(i == 0 ? " " : "\n  ").append(hex, i, Math.min(hex.length(), i + 128));
    }
    out.append('\n');
  }

  /** The blocks of section 15.5. */
  static String postQuantumBlocks() {
    StringBuilder out = new StringBuilder();
    Ed25519MlDsa65.KeyPair hybrid = hybridKey("hybrid-1");
    MlDsa65.KeyPair mlDsa = mlDsaKey("ml-dsa-1");
    PublicKeyInfo hybridInfo = PublicKeyInfo.hybrid(hybrid.publicKey());
    PublicKeyInfo mlDsaInfo = PublicKeyInfo.mlDsa65(mlDsa.publicKey());
    Map<Hash, String> names = new LinkedHashMap<>();
    names.put(hybridInfo.keyId(), "hybrid-1");
    names.put(mlDsaInfo.keyId(), "ml-dsa-1");
    names.put(PublicKeyInfo.ed25519(key("carrier").publicKey()).keyId(), "carrier");
    out.append(FENCE).append("pq-keys\n");
    out.append("hybrid-1.ed25519.seed = ")
        .append(HEX.formatHex(hybrid.ed25519().seed()))
        .append('\n');
    out.append("hybrid-1.ml-dsa-65.seed = ")
        .append(HEX.formatHex(hybrid.mlDsa().seed()))
        .append('\n');
    wrapped(out, "hybrid-1.public", hybridInfo.key());
    out.append("hybrid-1.keyId = ").append(hybridInfo.keyId().toHex()).append('\n');
    out.append("ml-dsa-1.seed = ").append(HEX.formatHex(mlDsa.seed())).append('\n');
    wrapped(out, "ml-dsa-1.public", mlDsaInfo.key());
    out.append("ml-dsa-1.keyId = ").append(mlDsaInfo.keyId().toHex()).append('\n');
    out.append("kem-1.x25519.secret = ").append(HEX.formatHex(secret("kem-1 x25519"))).append('\n');
    out.append("kem-1.x25519.public = ")
        .append(HEX.formatHex(x25519Public("kem-1 x25519")))
        .append('\n');
    wrapped(out, "kem-1.ml-kem-768.public", mlKemPublic("kem-1 ml-kem-768"));
    wrapped(out, "kem-2.x-wing.public", vectorKexKeys().get(2).key());
    out.append(FENCE).append("\n\n");
    for (Map.Entry<String, KeyEvent> v : postQuantumHistory().entrySet()) {
      KeyEvent e = v.getValue();
      out.append(FENCE).append("pq-values\n# vector: ").append(v.getKey()).append('\n');
      wrapped(out, "encoded", e.encoded());
      out.append("encodedLength = ").append(e.encodedLength()).append('\n');
      out.append("bodyLength = ").append(e.bodyLength()).append('\n');
      out.append("signedMessageSha256 = ")
          .append(Hash.sha256(e.signedMessage()).toHex())
          .append('\n');
      out.append("hybridMessageSha256 = ")
          .append(Hash.sha256(Ed25519MlDsa65.hybridMessage(e.signedMessage())).toHex())
          .append('\n');
      for (EventSignature s : e.signatures()) {
        wrapped(out, "signature." + names.get(s.keyId()), s.signature());
      }
      out.append("leafHash = ").append(e.leafHash().toHex()).append('\n');
      out.append(FENCE).append("\n\n");
    }
    return out.toString();
  }

  /**
   * The block of section 17.7: the {@code register} event of section 15.2 again, now carrying
   * Android evidence from a test CA (Bouncy Castle's builders, a seeded generator, ECDSA P-256),
   * with the root and allowed app a verifier needs and the mark it must reach. ECDSA signatures are
   * randomized, so a run with another JDK may print other certificates; the test checks the block
   * as printed, not by printing it again.
   */
  static String attestedBlock() throws Exception {
    Ed25519.KeyPair carrier = key("carrier");
    Ed25519.KeyPair device1 = key("device-1");
    PhoneNumbers.ProvenIndex phone = PhoneNumbers.prove(vrfSecret(), PHONE_NUMBER);
    PublicKeyInfo key = PublicKeyInfo.ed25519(device1.publicKey());
    long t = T0 + 60_000;
    byte[] challenge =
        org.rcskt.verifier.attestation.AttestationChallenge.of(
            phone.index().toByteArray(), CARRIER_ID, DEVICE_ID, key.keyId().toByteArray(), t);
    org.rcskt.verifier.attestation.testing.AndroidTestChains chain =
        org.rcskt.verifier.attestation.testing.AndroidTestChains.builder()
            .seed(17)
            .challenge(challenge)
            .build();
    KeyEvent e =
        EventBuilder.forSubject(phone.index(), CARRIER_ID)
            .timestampMs(t)
            .attestationEvidence(
                org.rcskt.verifier.attestation.DeviceEvidence.android(chain.chainDer()).encode())
            .register(DEVICE_ID, key)
            .sign(device1, carrier);
    StringBuilder out = new StringBuilder();
    out.append(FENCE).append("attestation-vector\n# vector: register-android\n");
    wrapped(out, "androidRoot", chain.roots().anchors().get(0).certificate().getEncoded());
    out.append("packageName = ").append(chain.packageName()).append('\n');
    out.append("signingCertSha256 = ").append(HEX.formatHex(chain.signingDigest())).append('\n');
    out.append("challenge = ").append(HEX.formatHex(challenge)).append('\n');
    wrapped(out, "encoded", e.encoded());
    out.append("leafHash = ").append(e.leafHash().toHex()).append('\n');
    out.append("mark = ANDROID_KEY_ATTESTATION TRUSTED_ENVIRONMENT bootVerified\n");
    out.append(FENCE).append('\n');
    return out.toString();
  }

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("pq")) {
      System.out.print(postQuantumBlocks());
      return;
    }
    if (args.length > 0 && args[0].equals("attested")) {
      System.out.print(attestedBlock());
      return;
    }
    Map<String, Ed25519.KeyPair> keys = new LinkedHashMap<>();
    for (String name : List.of("policy", "carrier", "device-1", "device-2")) {
      keys.put(name, key(name));
    }
    Map<Hash, String> names = new LinkedHashMap<>();
    keys.forEach((name, kp) -> names.put(PublicKeyInfo.ed25519(kp.publicKey()).keyId(), name));
    byte[] vrfSecret = vrfSecret();
    PhoneNumbers.ProvenIndex phone = PhoneNumbers.prove(vrfSecret, PHONE_NUMBER);
    Map<String, KeyEvent> events = history();

    StringBuilder out = new StringBuilder();
    out.append(FENCE).append("keys\n");
    List<String[]> rows = new ArrayList<>();
    keys.forEach(
        (name, kp) -> {
          rows.add(new String[] {name + ".seed", HEX.formatHex(kp.seed())});
          rows.add(new String[] {name + ".public", HEX.formatHex(kp.publicKey().encoded())});
          rows.add(
              new String[] {
                name + ".keyId", PublicKeyInfo.ed25519(kp.publicKey()).keyId().toHex()
              });
        });
    rows.add(new String[] {"vrf.secret", HEX.formatHex(vrfSecret)});
    rows.add(new String[] {"vrf.public", HEX.formatHex(EcVrf.publicKey(vrfSecret))});
    rows.add(new String[] {"phoneNumber", PHONE_NUMBER});
    rows.add(new String[] {"phoneSubject", phone.index().toHex()});
    rows.add(new String[] {"phoneSubjectProof", HEX.formatHex(phone.proof())});
    rows.add(new String[] {"carrierId", CARRIER_ID});
    rows.add(new String[] {"carrierSubject", PhoneNumbers.carrierSubject(CARRIER_ID).toHex()});
    int width = 0;
    for (String[] r : rows) {
      width = Math.max(width, r[0].length() + 1);
    }
    for (String[] r : rows) {
      out.append(pad(r[0], width)).append("= ").append(r[1]).append('\n');
    }
    out.append(FENCE).append("\n\n");

    ObjectMapper mapper = new ObjectMapper();
    for (Map.Entry<String, KeyEvent> v : events.entrySet()) {
      KeyEvent e = v.getValue();
      out.append(FENCE).append("json\n");
      out.append(mapper.writerWithDefaultPrettyPrinter().writeValueAsString(EventJson.toJson(e)));
      out.append('\n').append(FENCE).append("\n\n");
      out.append(FENCE).append("hex\n# vector: ").append(v.getKey()).append('\n');
      out.append(annotatedHex(e, names));
      out.append(FENCE).append("\n\n");
      out.append(FENCE).append("values\n# vector: ").append(v.getKey()).append('\n');
      out.append("encodedLength = ").append(e.encodedLength()).append('\n');
      out.append("bodyLength = ").append(e.bodyLength()).append('\n');
      out.append("signedMessageSha256 = ")
          .append(Hash.sha256(e.signedMessage()).toHex())
          .append('\n');
      for (EventSignature s : e.signatures()) {
        out.append("signature.")
            .append(names.get(s.keyId()))
            .append(" = ")
            .append(HEX.formatHex(s.signature()))
            .append('\n');
      }
      out.append("leafHash = ").append(e.leafHash().toHex()).append('\n');
      out.append(FENCE).append("\n\n");
    }
    System.out.print(out);
  }

  /** The event's bytes, one field a line, each with a comment naming it. */
  static String annotatedHex(KeyEvent e, Map<Hash, String> names) {
    Lines l = new Lines();
    EventBody b = e.body();
    l.add(new byte[] {(byte) b.version()}, "version = " + b.version());
    l.add(
        new byte[] {(byte) b.type().code()},
        "type = " + b.type().code() + " (" + b.type().name() + ")");
    l.add(b.subject().toByteArray(), "subject");
    l.add(uint64(b.sequence()), "sequence = " + b.sequence());
    l.add(b.previousHash().toByteArray(), "previousHash");
    l.add(uint64(b.timestampMs()), "timestampMs = " + b.timestampMs());
    l.string1(b.carrierId(), "carrierId");
    EventPayload p = b.payload();
    if (p instanceof EventPayload.Register r) {
      l.string1(r.deviceId(), "payload.deviceId");
      l.publicKey(r.publicKey());
    } else if (p instanceof EventPayload.Rotate r) {
      l.string1(r.deviceId(), "payload.deviceId");
      l.publicKey(r.publicKey());
    } else if (p instanceof EventPayload.Revoke r) {
      l.string1(r.deviceId(), "payload.deviceId");
      l.add(
          new byte[] {(byte) r.reason().code()},
          "payload.reason = " + r.reason().code() + " (" + r.reason().name() + ")");
    } else {
      EventPayload.Anchor a = (EventPayload.Anchor) p;
      l.add(
          new byte[] {(byte) a.action().code()},
          "payload.action = " + a.action().code() + " (" + a.action().name() + ")");
      l.publicKey(a.publicKey());
    }
    byte[] evidence = b.attestationEvidence();
    l.add(uint16(evidence.length), "attestationEvidence length = " + evidence.length);
    if (evidence.length > 0) {
      l.add(
          evidence,
          "attestationEvidence = \"" + new String(evidence, StandardCharsets.US_ASCII) + "\"");
    }
    List<EventSignature> sigs = e.signatures();
    l.add(new byte[] {(byte) sigs.size()}, "signature count = " + sigs.size());
    for (int i = 0; i < sigs.size(); i++) {
      EventSignature s = sigs.get(i);
      String at = "signatures[" + i + "]";
      l.add(s.keyId().toByteArray(), at + ".keyId (" + names.get(s.keyId()) + ")");
      byte[] sig = s.signature();
      l.add(uint16(sig.length), at + ".signature length = " + sig.length);
      l.add(sig, at + ".signature");
    }
    byte[] written = l.bytes.toByteArray();
    if (!java.util.Arrays.equals(written, e.encoded())) {
      throw new AssertionError(
          "annotated hex "
              + HEX.formatHex(written)
              + " differs from the encoding "
              + HEX.formatHex(e.encoded()));
    }
    return l.text.toString();
  }

  /** Hex lines with comments, and the bytes they stand for. */
  private static final class Lines {
    final StringBuilder text = new StringBuilder();
    final java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();

    /** One field; more than 32 bytes continue on further lines commented " ...". */
    void add(byte[] field, String comment) {
      bytes.writeBytes(field);
      for (int off = 0; off < field.length || off == 0; off += 32) {
        int end = Math.min(field.length, off + 32);
        String hex = HEX.formatHex(field, off, end);
        text.append(pad(hex, COMMENT_COLUMN))
            .append(off == 0 ? "# " + comment : "#   ...")
            .append('\n');
      }
    }

    /** An ASCII string with a one-byte length prefix. */
    void string1(String s, String field) {
      byte[] ascii = s.getBytes(StandardCharsets.US_ASCII);
      add(new byte[] {(byte) ascii.length}, field + " length = " + ascii.length);
      add(ascii, field + " = \"" + s + "\"");
    }

    void publicKey(PublicKeyInfo k) {
      add(
          uint16(k.algorithm().code()),
          "payload.publicKey.algorithm = "
              + k.algorithm().code()
              + " ("
              + k.algorithm().name()
              + ")");
      byte[] key = k.key();
      add(uint16(key.length), "payload.publicKey.key length = " + key.length);
      add(key, "payload.publicKey.key");
      add(
          uint64(k.notAfterMs()),
          "payload.publicKey.notAfterMs = "
              + k.notAfterMs()
              + (k.notAfterMs() == 0 ? " (none)" : ""));
    }
  }

  private static byte[] uint16(int v) {
    return new byte[] {(byte) (v >>> 8), (byte) v};
  }

  private static byte[] uint64(long v) {
    byte[] out = new byte[8];
    for (int i = 7; i >= 0; i--) {
      out[i] = (byte) v;
      v >>>= 8;
    }
    return out;
  }

  private static String pad(String s, int width) {
    StringBuilder b = new StringBuilder(s);
    while (b.length() < width) {
      b.append(' ');
    }
    return b.toString();
  }
}
