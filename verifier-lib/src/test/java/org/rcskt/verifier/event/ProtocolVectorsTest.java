package org.rcskt.verifier.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
import org.rcskt.verifier.vrf.EcVrf;

/**
 * Checks the worked examples in docs/protocol.md against the code: labels, keys, subject indexes,
 * every encoded byte, signatures, leaf hashes and the JSON form, and replays the examples under the
 * rules. The values are read from the document itself, so it cannot drift from the code.
 */
class ProtocolVectorsTest {
  private static final HexFormat HEX = HexFormat.of();

  private record Block(String info, List<String> lines) {}

  private static Map<String, String> labels;
  private static Map<String, String> keys;
  private static final Map<String, byte[]> encodings = new LinkedHashMap<>();
  private static final Map<String, Map<String, String>> values = new LinkedHashMap<>();
  private static final List<String> jsonVectors = new ArrayList<>();

  /** The document, resolved from the module directory (where surefire runs). */
  static Path protocolDoc() {
    Path p = Path.of("..", "docs", "protocol.md").toAbsolutePath().normalize();
    if (!Files.isRegularFile(p)) {
      throw new AssertionError(
          "docs/protocol.md not found at " + p + "; it is part of the repository");
    }
    return p;
  }

  @BeforeAll
  static void parse() throws IOException {
    List<String> lines = Files.readAllLines(protocolDoc(), StandardCharsets.UTF_8);
    List<Block> blocks = new ArrayList<>();
    boolean inVectors = false;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.startsWith("## ")) {
        inVectors = line.endsWith(". Test vectors");
      }
      if (line.startsWith("```") && line.length() > 3) {
        String info = line.substring(3).trim();
        List<String> body = new ArrayList<>();
        for (i++; !lines.get(i).startsWith("```"); i++) {
          body.add(lines.get(i));
        }
        if (info.equals("json") && inVectors) {
          jsonVectors.add(String.join("\n", body));
        } else {
          blocks.add(new Block(info, body));
        }
      }
    }
    for (Block b : blocks) {
      switch (b.info()) {
        case "labels":
          labels = assignments(b.lines());
          break;
        case "keys":
          keys = assignments(b.lines());
          break;
        case "hex":
          {
            String name = vectorName(b);
            StringBuilder hex = new StringBuilder();
            for (String l : b.lines().subList(1, b.lines().size())) {
              int hash = l.indexOf('#');
              hex.append((hash < 0 ? l : l.substring(0, hash)).trim());
            }
            encodings.put(name, HEX.parseHex(hex.toString()));
            break;
          }
        case "values":
          values.put(vectorName(b), assignments(b.lines().subList(1, b.lines().size())));
          break;
        default:
          break;
      }
    }
  }

  private static String vectorName(Block b) {
    String first = b.lines().get(0);
    assertThat(first).startsWith("# vector: ");
    return first.substring("# vector: ".length()).trim();
  }

  private static Map<String, String> assignments(List<String> lines) {
    Map<String, String> m = new LinkedHashMap<>();
    for (String l : lines) {
      int eq = l.indexOf('=');
      if (eq > 0) {
        m.put(l.substring(0, eq).trim(), l.substring(eq + 1).trim());
      }
    }
    return m;
  }

  private static byte[] hex(Map<String, String> m, String key) {
    String v = m.get(key);
    assertThat(v).as("value %s in docs/protocol.md", key).isNotNull();
    return HEX.parseHex(v);
  }

  private static Ed25519.KeyPair keyPair(String name) {
    return Ed25519.KeyPair.fromSeed(hex(keys, name + ".seed"));
  }

  @Test
  void documentHasTheExpectedVectors() {
    assertThat(encodings.keySet()).containsExactly("anchor-add", "register", "rotate", "revoke");
    assertThat(values.keySet()).containsExactlyElementsOf(encodings.keySet());
    assertThat(jsonVectors).hasSize(encodings.size());
  }

  @Test
  void labelsMatch() {
    assertThat(hex(labels, "phoneSubject")).isEqualTo(EventFormat.PHONE_SUBJECT_LABEL);
    assertThat(hex(labels, "carrierSubject")).isEqualTo(EventFormat.CARRIER_SUBJECT_LABEL);
    assertThat(hex(labels, "keyId")).isEqualTo(EventFormat.KEY_ID_LABEL);
    assertThat(hex(labels, "eventSignature")).isEqualTo(EventFormat.SIGNATURE_LABEL);
  }

  @Test
  void keysAndSubjectsMatch() throws Exception {
    List<String> names = new ArrayList<>();
    for (String k : keys.keySet()) {
      if (k.endsWith(".seed")) {
        names.add(k.substring(0, k.length() - ".seed".length()));
      }
    }
    assertThat(names).containsExactly("policy", "carrier", "device-1", "device-2");
    for (String name : names) {
      byte[] seed = hex(keys, name + ".seed");
      assertThat(seed)
          .isEqualTo(
              Hash.sha256(("rcskt vector " + name).getBytes(StandardCharsets.US_ASCII))
                  .toByteArray());
      byte[] pub = hex(keys, name + ".public");
      assertThat(Ed25519.KeyPair.fromSeed(seed).publicKey().encoded()).isEqualTo(pub);
      // The key id from its definition, independently of PublicKeyInfo ...
      Hash keyId = Hash.sha256(hex(labels, "keyId"), new byte[] {0x00, 0x01}, pub);
      assertThat(hex(keys, name + ".keyId")).isEqualTo(keyId.toByteArray());
      // ... and through it.
      assertThat(PublicKeyInfo.of(KeyAlgorithm.ED25519, pub, 0).keyId()).isEqualTo(keyId);
    }
    String number = keys.get("phoneNumber");
    // The vectors' log has the VRF key of appendix A.4: SHA-256("rcskt/vrf/example").
    byte[] vrfSecret = hex(keys, "vrf.secret");
    assertThat(vrfSecret)
        .isEqualTo(
            Hash.sha256("rcskt/vrf/example".getBytes(StandardCharsets.US_ASCII)).toByteArray());
    assertThat(hex(keys, "vrf.public")).isEqualTo(EcVrf.publicKey(vrfSecret));
    byte[] proof = hex(keys, "phoneSubjectProof");
    byte[] beta =
        EcVrf.verify(
            hex(keys, "vrf.public"),
            concat(hex(labels, "phoneSubject"), number.getBytes(StandardCharsets.US_ASCII)),
            proof);
    Hash subject = Hash.of(Arrays.copyOf(beta, Hash.SIZE));
    assertThat(hex(keys, "phoneSubject")).isEqualTo(subject.toByteArray());
    assertThat(PhoneNumbers.prove(vrfSecret, number).proof()).isEqualTo(proof);
    assertThat(PhoneNumbers.subjectIndex(vrfSecret, number)).isEqualTo(subject);
    String carrier = keys.get("carrierId");
    Hash carrierSubject =
        Hash.sha256(hex(labels, "carrierSubject"), carrier.getBytes(StandardCharsets.US_ASCII));
    assertThat(hex(keys, "carrierSubject")).isEqualTo(carrierSubject.toByteArray());
    assertThat(PhoneNumbers.carrierSubject(carrier)).isEqualTo(carrierSubject);
  }

  @Test
  void encodingsSignaturesAndHashesMatch() throws Exception {
    Map<Hash, String> names = new LinkedHashMap<>();
    for (String name : List.of("policy", "carrier", "device-1", "device-2")) {
      names.put(Hash.of(hex(keys, name + ".keyId")), name);
    }
    for (Map.Entry<String, byte[]> v : encodings.entrySet()) {
      byte[] bytes = v.getValue();
      Map<String, String> expected = values.get(v.getKey());
      KeyEvent e = EventCodec.decode(bytes);
      // Re-encoding from the decoded fields gives the documented bytes.
      assertThat(KeyEvent.of(e.body(), e.signatures()).encoded()).isEqualTo(bytes);
      assertThat(bytes.length).isEqualTo(Integer.parseInt(expected.get("encodedLength")));
      int bodyLength = Integer.parseInt(expected.get("bodyLength"));
      assertThat(e.bodyLength()).isEqualTo(bodyLength);
      byte[] message = concat(hex(labels, "eventSignature"), Arrays.copyOf(bytes, bodyLength));
      assertThat(e.signedMessage()).isEqualTo(message);
      assertThat(hex(expected, "signedMessageSha256"))
          .isEqualTo(Hash.sha256(message).toByteArray());
      assertThat(hex(expected, "leafHash"))
          .isEqualTo(Hash.sha256(new byte[] {0}, bytes).toByteArray())
          .isEqualTo(e.leafHash().toByteArray());
      List<String> signers = new ArrayList<>();
      for (EventSignature s : e.signatures()) {
        String name = names.get(s.keyId());
        assertThat(name).as("signer of %s", v.getKey()).isNotNull();
        signers.add(name);
        byte[] sig = keyPair(name).sign(message);
        assertThat(s.signature()).isEqualTo(sig);
        assertThat(hex(expected, "signature." + name)).isEqualTo(sig);
      }
      List<String> documented = new ArrayList<>();
      for (String k : expected.keySet()) {
        if (k.startsWith("signature.")) {
          documented.add(k.substring("signature.".length()));
        }
      }
      assertThat(signers).containsExactlyInAnyOrderElementsOf(documented);
    }
  }

  @Test
  void decodingErrorExamplesOfSection64AreTheVectorsCutOrExtended() {
    // The two examples of section 6.4 that are built from the vectors reproduce exactly.
    byte[] anchor = encodings.get("anchor-add");
    for (byte[] v : encodings.values()) {
      assertThatThrownBy(() -> EventCodec.decode(Arrays.copyOf(v, 20)))
          .hasMessage("subject: truncated: need 32 bytes at offset 2, only 18 remain");
    }
    assertThatThrownBy(() -> EventCodec.decode(Arrays.copyOf(anchor, anchor.length + 3)))
        .hasMessage("3 trailing bytes after the end of the event at offset 244");
    assertThat(readProtocol())
        .contains("`3 trailing bytes after the end of the event at offset 244`")
        .contains("`subject: truncated: need 32 bytes at offset 2, only 18 remain`");
  }

  private static String readProtocol() {
    try {
      return Files.readString(protocolDoc(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void jsonFormMatches() throws Exception {
    ObjectMapper mapper = new ObjectMapper();
    List<byte[]> fromJson = new ArrayList<>();
    for (String json : jsonVectors) {
      KeyEvent e = EventJson.parse(json);
      JsonNode documented = mapper.readTree(json);
      // Compared as text: Jackson's trees tell an int node from a long node of the same value.
      assertThat(EventJson.toJson(e).toString()).isEqualTo(documented.toString());
      fromJson.add(e.encoded());
    }
    assertThat(fromJson).containsExactlyElementsOf(encodings.values());
  }

  @Test
  void vectorsReplayUnderTheRules() throws Exception {
    RulesContext ctx = RulesContext.replay(PublicKeyInfo.ed25519(keyPair("policy").publicKey()));
    AnchorRegistry anchors = AnchorRegistry.EMPTY;
    SubjectState state = SubjectState.EMPTY;
    Map<String, Applied> outcomes = new LinkedHashMap<>();
    for (Map.Entry<String, byte[]> v : encodings.entrySet()) {
      KeyEvent e = EventCodec.decode(v.getValue());
      Applied a = EventRules.verifyAndApply(state, e, anchors, ctx);
      anchors = a.anchors();
      state = a.state();
      outcomes.put(v.getKey(), a);
    }
    assertThat(anchors.keys(keys.get("carrierId")))
        .containsExactly(PublicKeyInfo.ed25519(keyPair("carrier").publicKey(), 1_798_761_600_000L));
    assertThat(outcomes.get("register").carrierAttested()).isTrue();
    assertThat(outcomes.get("register").unattestedRegistration()).isFalse();
    assertThat(outcomes.get("rotate").recovery()).isFalse();
    assertThat(outcomes.get("revoke").carrierAttested()).isTrue();
    assertThat(state.nextSequence()).isEqualTo(3);
    assertThat(state.deviceCount()).isZero();
    assertThat(state.retiredKeyIds())
        .containsExactlyInAnyOrder(
            Hash.of(hex(keys, "device-1.keyId")), Hash.of(hex(keys, "device-2.keyId")));
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
