package org.rcskt.verifier.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.crypto.Ed25519;
import org.rcskt.verifier.crypto.Ed25519MlDsa65;
import org.rcskt.verifier.crypto.MlDsa65;

/**
 * Checks the post-quantum vectors of docs/protocol.md section 15.5 and the event sizes of section
 * 6.2 against the code, reading the values from the document.
 */
class PostQuantumVectorsTest {
  private static final HexFormat HEX = HexFormat.of();
  private static final byte[] KEY_ID_LABEL = EventFormat.KEY_ID_LABEL;

  private static Map<String, String> keys;
  private static final Map<String, Map<String, String>> vectors = new LinkedHashMap<>();
  private static String doc;

  @BeforeAll
  static void parse() throws Exception {
    doc = Files.readString(ProtocolVectorsTest.protocolDoc(), StandardCharsets.UTF_8);
    List<String> lines = doc.lines().toList();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (!line.equals("```pq-keys") && !line.equals("```pq-values")) {
        continue;
      }
      List<String> body = new ArrayList<>();
      for (i++; !lines.get(i).startsWith("```"); i++) {
        body.add(lines.get(i));
      }
      if (line.equals("```pq-keys")) {
        keys = assignments(body);
      } else {
        assertThat(body.get(0)).startsWith("# vector: ");
        vectors.put(
            body.get(0).substring("# vector: ".length()),
            assignments(body.subList(1, body.size())));
      }
    }
  }

  /** {@code name = value} lines; a line starting with two spaces continues the value above. */
  private static Map<String, String> assignments(List<String> lines) {
    Map<String, String> m = new LinkedHashMap<>();
    String last = null;
    for (String l : lines) {
      if (l.startsWith("  ") && last != null) {
        m.put(last, m.get(last) + l.trim());
        continue;
      }
      int eq = l.indexOf('=');
      if (eq > 0) {
        last = l.substring(0, eq).trim();
        m.put(last, l.substring(eq + 1).trim());
      }
    }
    return m;
  }

  private static byte[] hex(Map<String, String> m, String key) {
    String v = m.get(key);
    assertThat(v).as("value %s in docs/protocol.md section 15.5", key).isNotNull();
    return HEX.parseHex(v);
  }

  private static byte[] seed(String label) {
    return Hash.sha256(("rcskt vector " + label).getBytes(StandardCharsets.US_ASCII)).toByteArray();
  }

  private static Hash keyId(int algorithm, byte[] key) {
    return Hash.sha256(KEY_ID_LABEL, new byte[] {(byte) (algorithm >>> 8), (byte) algorithm}, key);
  }

  @Test
  void keysComeFromTheirSeeds() {
    assertThat(vectors.keySet()).containsExactly("register-hybrid", "rotate-ml-dsa", "keys-kem");
    assertThat(hex(keys, "hybrid-1.ed25519.seed")).isEqualTo(seed("hybrid-1 ed25519"));
    assertThat(hex(keys, "hybrid-1.ml-dsa-65.seed")).isEqualTo(seed("hybrid-1 ml-dsa-65"));
    assertThat(hex(keys, "ml-dsa-1.seed")).isEqualTo(seed("ml-dsa-1"));
    byte[] hybrid = hex(keys, "hybrid-1.public");
    assertThat(hybrid).hasSize(1984);
    assertThat(Arrays.copyOf(hybrid, 32))
        .isEqualTo(Ed25519.KeyPair.fromSeed(seed("hybrid-1 ed25519")).publicKey().encoded());
    assertThat(Arrays.copyOfRange(hybrid, 32, 1984))
        .isEqualTo(MlDsa65.KeyPair.fromSeed(seed("hybrid-1 ml-dsa-65")).publicKey().encoded());
    byte[] mlDsa = hex(keys, "ml-dsa-1.public");
    assertThat(mlDsa)
        .isEqualTo(MlDsa65.KeyPair.fromSeed(seed("ml-dsa-1")).publicKey().encoded())
        .hasSize(1952);
    assertThat(hex(keys, "hybrid-1.keyId")).isEqualTo(keyId(3, hybrid).toByteArray());
    assertThat(hex(keys, "ml-dsa-1.keyId")).isEqualTo(keyId(2, mlDsa).toByteArray());
    // The key-agreement keys of keys-kem, each from its documented secret.
    assertThat(hex(keys, "kem-1.x25519.secret")).isEqualTo(seed("kem-1 x25519"));
    assertThat(hex(keys, "kem-1.x25519.public"))
        .isEqualTo(ProtocolVectorsPrinter.x25519Public("kem-1 x25519"));
    assertThat(hex(keys, "kem-1.ml-kem-768.public"))
        .isEqualTo(ProtocolVectorsPrinter.mlKemPublic("kem-1 ml-kem-768"))
        .hasSize(1184);
    byte[] xWing = hex(keys, "kem-2.x-wing.public");
    assertThat(Arrays.copyOf(xWing, 1184))
        .isEqualTo(ProtocolVectorsPrinter.mlKemPublic("kem-2 ml-kem-768"));
    assertThat(Arrays.copyOfRange(xWing, 1184, 1216))
        .isEqualTo(ProtocolVectorsPrinter.x25519Public("kem-2 x25519"));
  }

  @Test
  void bytesSignaturesAndHashesMatch() throws Exception {
    Map<String, EventSigner> signers = new LinkedHashMap<>();
    signers.put("hybrid-1", EventSigner.of(ProtocolVectorsPrinter.hybridKey("hybrid-1")));
    signers.put("ml-dsa-1", EventSigner.of(ProtocolVectorsPrinter.mlDsaKey("ml-dsa-1")));
    signers.put("carrier", EventSigner.of(ProtocolVectorsPrinter.key("carrier")));
    Map<Hash, String> names = new LinkedHashMap<>();
    signers.forEach((n, s) -> names.put(s.publicKey().keyId(), n));
    Map<String, KeyEvent> built = ProtocolVectorsPrinter.postQuantumHistory();
    for (Map.Entry<String, Map<String, String>> v : vectors.entrySet()) {
      Map<String, String> m = v.getValue();
      byte[] bytes = hex(m, "encoded");
      KeyEvent e = EventCodec.decode(bytes);
      assertThat(KeyEvent.of(e.body(), e.signatures()).encoded()).isEqualTo(bytes);
      assertThat(built.get(v.getKey()).encoded()).isEqualTo(bytes);
      assertThat(bytes.length).isEqualTo(Integer.parseInt(m.get("encodedLength")));
      int bodyLength = Integer.parseInt(m.get("bodyLength"));
      assertThat(e.bodyLength()).isEqualTo(bodyLength);
      byte[] message = concat(EventFormat.SIGNATURE_LABEL, Arrays.copyOf(bytes, bodyLength));
      assertThat(e.signedMessage()).isEqualTo(message);
      assertThat(hex(m, "signedMessageSha256")).isEqualTo(Hash.sha256(message).toByteArray());
      // M' spelled out from section 7.2, independently of Ed25519MlDsa65.hybridMessage.
      byte[] mPrime =
          concat(
              concat(
                  "rcskt/v1/hybrid/ed25519-ml-dsa-65".getBytes(StandardCharsets.US_ASCII),
                  new byte[] {0}),
              message);
      assertThat(Ed25519MlDsa65.hybridMessage(message)).isEqualTo(mPrime);
      assertThat(hex(m, "hybridMessageSha256")).isEqualTo(Hash.sha256(mPrime).toByteArray());
      assertThat(hex(m, "leafHash")).isEqualTo(e.leafHash().toByteArray());
      List<String> documented = new ArrayList<>();
      m.keySet().stream()
          .filter(k -> k.startsWith("signature."))
          .forEach(k -> documented.add(k.substring("signature.".length())));
      List<String> seen = new ArrayList<>();
      for (EventSignature s : e.signatures()) {
        String name = names.get(s.keyId());
        seen.add(name);
        byte[] sig = hex(m, "signature." + name);
        assertThat(s.signature()).isEqualTo(sig);
        // Deterministic signing reproduces the documented bytes.
        assertThat(signers.get(name).sign(message)).isEqualTo(sig);
      }
      assertThat(seen).containsExactlyInAnyOrderElementsOf(documented);
      if (seen.contains("hybrid-1")) {
        byte[] sig = hex(m, "signature.hybrid-1");
        Ed25519MlDsa65.KeyPair k = ProtocolVectorsPrinter.hybridKey("hybrid-1");
        // Each half, checked on its own as section 7.2 says.
        assertThat(k.ed25519().publicKey().verify(mPrime, Arrays.copyOf(sig, 64))).isTrue();
        assertThat(
                k.mlDsa()
                    .publicKey()
                    .verify(
                        mPrime,
                        0,
                        mPrime.length,
                        "rcskt/v1/hybrid/ed25519-ml-dsa-65".getBytes(StandardCharsets.US_ASCII),
                        sig,
                        64,
                        3309))
            .isTrue();
      }
    }
  }

  @Test
  void theSixEventsReplayUnderTheRules() throws Exception {
    RulesContext ctx =
        RulesContext.replay(
            PublicKeyInfo.ed25519(ProtocolVectorsPrinter.key("policy").publicKey()));
    AnchorRegistry anchors = AnchorRegistry.EMPTY;
    SubjectState state = SubjectState.EMPTY;
    List<KeyEvent> all = new ArrayList<>(ProtocolVectorsPrinter.history().values());
    for (Map<String, String> m : vectors.values()) {
      all.add(EventCodec.decode(hex(m, "encoded")));
    }
    Applied last = null;
    for (KeyEvent e : all) {
      last = EventRules.verifyAndApply(state, e, anchors, ctx);
      anchors = last.anchors();
      state = last.state();
    }
    assertThat(state.nextSequence()).isEqualTo(6);
    assertThat(last.downgrade()).isFalse();
    assertThat(state.device("phone-2").kexKeys())
        .extracting(KexKey::algorithm)
        .containsExactly(KexAlgorithm.X25519, KexAlgorithm.ML_KEM_768, KexAlgorithm.X_WING);
    assertThat(state.device("phone-2").kexKeys().get(2).key())
        .isEqualTo(hex(keys, "kem-2.x-wing.public"));
    assertThat(state.device("phone-2").publicKey().keyId())
        .isEqualTo(Hash.of(hex(keys, "ml-dsa-1.keyId")));
    assertThat(state.isRetired(Hash.of(hex(keys, "hybrid-1.keyId")))).isTrue();
  }

  @Test
  void theSizesOfSection62AreThoseOfRealEvents() {
    Hash subject = ProtocolVectorsPrinter.history().get("register").body().subject();
    java.util.Random r = new java.util.Random(5);
    EventSigner carrier = EventSigner.of(ProtocolVectorsPrinter.key("carrier"));
    EventSigner ed = EventSigner.of(Ed25519.KeyPair.generate(r));
    EventSigner ml = EventSigner.of(MlDsa65.KeyPair.generate(r));
    EventSigner hy = EventSigner.of(Ed25519MlDsa65.KeyPair.generate(r));
    EventSigner hy2 = EventSigner.of(Ed25519MlDsa65.KeyPair.generate(r));
    EventSigner hyCarrier = EventSigner.of(Ed25519MlDsa65.KeyPair.generate(r));
    Map<String, Integer> rows = new LinkedHashMap<>();
    for (Map.Entry<String, EventSigner> k :
        Map.of("Ed25519", ed, "ML-DSA-65", ml, "hybrid", hy).entrySet()) {
      KeyEvent e =
          EventBuilder.forSubject(subject, "carrier.example")
              .timestampMs(1)
              .register("phone-1", k.getValue().publicKey())
              .sign(k.getValue(), carrier);
      rows.put(
          "| REGISTER, " + k.getKey() + " key, signed by it and an Ed25519 carrier anchor",
          e.encodedLength());
    }
    EventBuilder rotate =
        EventBuilder.forSubject(subject, "carrier.example")
            .sequence(1)
            .previousHash(subject)
            .timestampMs(1);
    rows.put(
        "| ROTATE hybrid to ML-DSA-65, signed by both",
        rotate.rotate("phone-2", ml.publicKey()).sign(ml, hy).encodedLength());
    rows.put(
        "| ROTATE hybrid to hybrid, signed by both and a hybrid carrier anchor",
        rotate.rotate("phone-1", hy2.publicKey()).sign(hy2, hy, hyCarrier).encodedLength());
    for (Map.Entry<String, Integer> row : rows.entrySet()) {
      String line = doc.lines().filter(l -> l.startsWith(row.getKey())).findFirst().orElse(null);
      assertThat(line).as("the row %s of section 6.2", row.getKey()).isNotNull();
      assertThat(line)
          .endsWith("| " + String.format(java.util.Locale.ROOT, "%,d", row.getValue()) + " |");
      assertThat(row.getValue()).isLessThanOrEqualTo(EventFormat.MAX_EVENT_SIZE);
    }
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
