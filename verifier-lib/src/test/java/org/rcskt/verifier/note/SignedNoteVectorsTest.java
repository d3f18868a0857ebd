package org.rcskt.verifier.note;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.checkpoint.Checkpoint;
import org.rcskt.verifier.checkpoint.CheckpointFormatException;
import org.rcskt.verifier.checkpoint.Cosignature;
import org.rcskt.verifier.checkpoint.OriginMismatchException;
import org.rcskt.verifier.checkpoint.SignedCheckpoint;
import org.rcskt.verifier.crypto.Ed25519;
import org.rcskt.verifier.testing.VectorFiles;

/**
 * Runs every case of the shared signed-note vectors (Go sumdb/note, C2SP examples, real
 * sum.golang.org, Sigstore Rekor v2 and witness checkpoints). Where the source states no expected
 * outcome, the independent verifier's report (verify_report.json) is the expectation.
 */
class SignedNoteVectorsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The exact parse failure of each malformed note in the Go test suite. */
  private static final Map<String, String> MALFORMED =
      Map.of(
          "101 signatures", "note has more than 100 signatures",
          "badMsg[0]", "note has no blank line separating the text from the signatures",
          "badMsg[1]", "note has no signature lines after the blank line",
          "badMsg[2]", "note does not end with a newline",
          "badMsg[3]", "note contains control character 0x01 at byte offset 0",
          "badMsg[4]", "note is not valid UTF-8 at byte offset 0",
          "badMsg[5]", "note does not end with a newline",
          "badMsg[6]", "signature line 2 does not start with an em dash (U+2014) and a space");

  private static JsonNode cases() throws IOException {
    return JSON.readTree(VectorFiles.require("signed-note/signed_notes.json").toFile())
        .get("cases");
  }

  private static Map<String, JsonNode> report() throws IOException {
    Path p = VectorFiles.require("signed-note/verify_report.json");
    Map<String, JsonNode> byName = new HashMap<>();
    for (JsonNode n : JSON.readTree(p.toFile())) {
      if (n.has("name")) {
        byName.put(n.get("name").asText(), n);
      }
    }
    return byName;
  }

  private static List<JsonNode> ofKind(String kindPrefix) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode c : cases()) {
      if (c.get("kind").asText().startsWith(kindPrefix)) {
        out.add(c);
      }
    }
    return out;
  }

  @Test
  void theVectorFileHasTheCasesThisSuiteExpects() throws IOException {
    // Guards against the suite passing vacuously on a truncated or reshaped file.
    assertThat(ofKind("note")).hasSizeGreaterThanOrEqualTo(30);
    assertThat(ofKind("vkey-parse")).hasSize(2);
    assertThat(ofKind("tree-note-body")).hasSize(1);
    assertThat(ofKind("test-keypairs")).hasSize(1);
    assertThat(ofKind("witness-add-checkpoint")).hasSize(1);
    assertThat(ofKind("rfc6962-vkey-derivation")).hasSize(1);
  }

  @TestFactory
  Stream<DynamicTest> everyNoteCase() throws IOException {
    Map<String, JsonNode> report = report();
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode c : ofKind("note")) {
      if (!c.get("kind").asText().equals("note")) {
        continue;
      }
      String name = c.get("name").asText();
      tests.add(DynamicTest.dynamicTest(name, () -> runNoteCase(c, report.get(name))));
    }
    return tests.stream();
  }

  private static void runNoteCase(JsonNode c, JsonNode report) throws Exception {
    String name = c.get("name").asText();
    byte[] note = noteBytes(c);
    JsonNode expect = c.get("expect");

    List<NoteVerifier> verifiers = new ArrayList<>();
    List<UnsupportedAlgorithmException> unsupported = new ArrayList<>();
    for (JsonNode vk : c.get("vkeys")) {
      try {
        verifiers.add(NoteVerifiers.parse(vk.asText()));
      } catch (UnsupportedAlgorithmException e) {
        unsupported.add(e);
      }
    }

    if (!unsupported.isEmpty()) {
      // ECDSA (Rekor v1, Pixel) and RFC 6962 (static CT) keys: recognised, reported unsupported,
      // and never turned into a signature verdict.
      assertThat(verifiers).as("no case mixes supported and unsupported keys").isEmpty();
      for (UnsupportedAlgorithmException e : unsupported) {
        assertThat(e.signatureType()).isIn(NoteKeys.TYPE_ECDSA, NoteKeys.TYPE_RFC6962_TREE_HEAD);
        assertThat(e.getMessage()).contains("which this library does not support");
      }
      Note parsed = Note.parse(note);
      assertThat(parsed.format()).isEqualTo(note);
      return;
    }

    if (expect != null
        && expect.has("error")
        && expect.get("error").asText().startsWith("ambiguous")) {
      assertThatThrownBy(() -> NoteVerifiers.of(verifiers))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith(expect.get("error").asText() + ":");
      return;
    }
    NoteVerifiers known = NoteVerifiers.of(verifiers);

    if (MALFORMED.containsKey(name)) {
      assertThat(expect.get("error").asText()).startsWith("malformed note");
      assertThatThrownBy(() -> Notes.open(note, known))
          .isInstanceOf(NoteFormatException.class)
          .hasMessage(MALFORMED.get(name));
      return;
    }
    assertThat(
            expect == null
                || !expect.has("error")
                || !expect.get("error").asText().startsWith("malformed"))
        .as("every malformed case has its message listed")
        .isTrue();

    // Per-signature verdicts from the independent verifier.
    List<String[]> verdicts = new ArrayList<>();
    for (JsonNode r : report.get("results")) {
      if (r.hasNonNull("sig")) {
        verdicts.add(new String[] {r.get("sig").asText(), r.get("result").asText()});
      }
    }
    boolean anyBad = verdicts.stream().anyMatch(v -> v[1].equals("bad"));
    boolean anyOk = verdicts.stream().anyMatch(v -> v[1].startsWith("ok"));

    if (anyBad) {
      Throwable t = catchThrowable(() -> Notes.open(note, known));
      assertThat(t).isInstanceOf(InvalidNoteSignatureException.class);
      if (expect != null && expect.has("error")) {
        // Go: "invalid signature for key PeterNeumann+c74f20a3".
        InvalidNoteSignatureException e = (InvalidNoteSignatureException) t;
        assertThat(expect.get("error").asText())
            .endsWith(" " + NoteKeys.label(e.keyName(), e.keyId()));
      }
      return;
    }
    if (!anyOk) {
      assertThatThrownBy(() -> Notes.open(note, known))
          .isInstanceOf(UnverifiedNoteException.class)
          .hasMessageStartingWith("note has no signature from a known key: signed by [");
      if (expect != null && expect.has("parse")) {
        checkBehindTheSofa(note, expect.get("parse"));
      }
      return;
    }

    VerifiedNote v = Notes.open(note, known);
    Set<String> okNames = new LinkedHashSet<>();
    Set<String> unknownNames = new LinkedHashSet<>();
    for (String[] verdict : verdicts) {
      (verdict[1].startsWith("ok") ? okNames : unknownNames).add(verdict[0]);
    }
    assertThat(v.verifiers()).extracting(NoteVerifier::name).containsExactlyElementsOf(okNames);
    assertThat(v.unverifiedSignatures())
        .extracting(NoteSignature::name)
        .isSubsetOf(unknownNames)
        .containsAll(unknownNames);
    if (expect != null && expect.has("verified") && expect.get("verified").isArray()) {
      List<String> want = new ArrayList<>();
      expect.get("verified").forEach(n -> want.add(n.asText()));
      assertThat(v.verifiers()).extracting(NoteVerifier::name).containsExactlyElementsOf(want);
    }
    if (expect != null && expect.has("verified") && expect.get("verified").isTextual()) {
      // "all 4 expected": every configured key verified.
      assertThat(v.verifiers()).hasSize(verifiers.size());
    }
    if (expect != null && expect.has("unverified")) {
      List<String> want = new ArrayList<>();
      expect.get("unverified").forEach(n -> want.add(n.asText()));
      assertThat(v.unverifiedSignatures())
          .extracting(NoteSignature::name)
          .containsExactlyElementsOf(want);
    }
    if (expect != null && expect.has("unverifiedCount")) {
      assertThat(v.unverifiedSignatures()).hasSize(expect.get("unverifiedCount").asInt());
    }
    // Cosignature timestamps reported as "ok (cosig ts N)".
    for (String[] verdict : verdicts) {
      if (verdict[1].startsWith("ok (cosig ts ")) {
        long ts = Long.parseLong(verdict[1].substring(13, verdict[1].length() - 1));
        NoteVerifier cosigner =
            v.verifiers().stream()
                .filter(x -> x.name().equals(verdict[0]))
                .findFirst()
                .orElseThrow();
        assertThat(cosigner).isInstanceOf(CosignatureV1Verifier.class);
        assertThat(CosignatureV1Verifier.timestamp(v.signatureFrom(cosigner))).isEqualTo(ts);
      }
    }
    if (expect != null && expect.has("checkpoint")) {
      Checkpoint cp = Checkpoint.parse(v.body());
      assertThat(cp.origin()).isEqualTo(expect.get("checkpoint").get("origin").asText());
      assertThat(cp.treeSize()).isEqualTo(expect.get("checkpoint").get("size").asLong());
    }
    if (c.has("skey") && report.path("resignWithSkeyReproducesNote").asBoolean()) {
      Ed25519NoteSigner signer = Ed25519NoteSigner.fromSignerKey(c.get("skey").asText());
      assertThat(Notes.sign(v.body(), signer)).isEqualTo(note);
    }
    assertThat(Note.parse(note).format()).isEqualTo(note);
  }

  /** The C2SP example checkpoint: no keys are published, so only its structure can be checked. */
  private static void checkBehindTheSofa(byte[] note, JsonNode parse) throws Exception {
    Note n = Note.parse(note);
    Checkpoint cp = Checkpoint.parse(n.body());
    assertThat(cp.origin()).isEqualTo(parse.get("origin").asText());
    assertThat(cp.treeSize()).isEqualTo(parse.get("size").asLong());
    assertThat(cp.rootHash()).isEqualTo(Hash.fromBase64(parse.get("rootB64").asText()));
    assertThat(CosignatureV1Verifier.timestamp(n.signatures().get(1)))
        .isEqualTo(parse.get("cosigTimestamp").asLong());
  }

  @Test
  void realRekorV2CheckpointWithThreeWitnessCosignatures() throws Exception {
    JsonNode c = caseNamed("log2025-alpha3.rekor.sigstage.dev 4026479 + 3 witness cosignatures");
    List<String> vkeys = new ArrayList<>();
    c.get("vkeys").forEach(n -> vkeys.add(n.asText()));
    Ed25519NoteVerifier logKey = Ed25519NoteVerifier.fromVerifierKey(vkeys.get(0));
    List<NoteVerifier> witnesses = new ArrayList<>();
    for (String w : vkeys.subList(1, vkeys.size())) {
      witnesses.add(CosignatureV1Verifier.fromVerifierKey(w));
    }
    byte[] raw = noteBytes(c);
    SignedCheckpoint sc =
        SignedCheckpoint.verify(
            raw, "log2025-alpha3.rekor.sigstage.dev", logKey, NoteVerifiers.of(witnesses));
    assertThat(sc.checkpoint().treeSize()).isEqualTo(4026479L);
    assertThat(sc.cosignatures())
        .hasSize(3)
        .extracting(Cosignature::timestamp)
        .containsOnly(1778700214L);
    assertThat(sc.cosignatures())
        .extracting(Cosignature::name)
        .containsExactly(
            "witness.stagemole.eu",
            "staging.witness.transparency.goog/ring-any-bells",
            "witness.navigli.sunlight.geomys.org");
    // The cosigner keys must not be usable as plain Ed25519 log keys, nor vice versa.
    assertThatThrownBy(() -> Ed25519NoteVerifier.fromVerifierKey(vkeys.get(1)))
        .isInstanceOf(KeyFormatException.class)
        .hasMessageEndingWith(
            "has signature type 0x04 (cosignature/v1 Ed25519), expected 0x01 (Ed25519)");
    // Flipping a bit in one cosignature rejects the checkpoint when that witness is known.
    Note n = Note.parse(raw);
    NoteSignature w = n.signatures().get(1);
    byte[] sig = w.signature();
    sig[20] ^= 1;
    List<NoteSignature> sigs = new ArrayList<>(n.signatures());
    sigs.set(1, NoteSignature.of(w.name(), w.keyId(), sig));
    byte[] tampered = Note.of(n.body(), sigs).format();
    assertThatThrownBy(
            () ->
                SignedCheckpoint.verify(
                    tampered,
                    "log2025-alpha3.rekor.sigstage.dev",
                    logKey,
                    NoteVerifiers.of(witnesses)))
        .isInstanceOf(InvalidNoteSignatureException.class)
        .hasMessage(
            "signature line 2 from known key witness.stagemole.eu+67f7aea0 does not verify over the"
                + " note text");
    // A changed timestamp is covered by the signature too.
    byte[] sig2 = w.signature();
    sig2[7] ^= 1;
    sigs.set(1, NoteSignature.of(w.name(), w.keyId(), sig2));
    byte[] retimed = Note.of(n.body(), sigs).format();
    assertThatThrownBy(
            () ->
                SignedCheckpoint.verify(
                    retimed,
                    "log2025-alpha3.rekor.sigstage.dev",
                    logKey,
                    NoteVerifiers.of(witnesses)))
        .isInstanceOf(InvalidNoteSignatureException.class);
  }

  @Test
  void realRekorV2AndSumDbCheckpointsVerifyAsCheckpoints() throws Exception {
    for (String[] c :
        new String[][] {
          {"log2025-alpha1.rekor.sigstage.dev 4424", "log2025-alpha1.rekor.sigstage.dev", "4424"},
          {"log2025-1.rekor.sigstore.dev 4855115", "log2025-1.rekor.sigstore.dev", "4855115"},
        }) {
      JsonNode k = caseNamed(c[0]);
      SignedCheckpoint sc =
          SignedCheckpoint.verify(
              noteBytes(k),
              c[1],
              Ed25519NoteVerifier.fromVerifierKey(k.get("vkeys").get(0).asText()));
      assertThat(sc.checkpoint().treeSize()).isEqualTo(Long.parseLong(c[2]));
    }
    // sum.golang.org signs with key name "sum.golang.org" but origin "go.sum database tree": valid
    // as
    // a note, but not a checkpoint this project accepts (key name must equal the origin).
    JsonNode sum = caseNamed("sum.golang.org 6476701");
    Ed25519NoteVerifier sumKey =
        Ed25519NoteVerifier.fromVerifierKey(sum.get("vkeys").get(0).asText());
    assertThatThrownBy(() -> SignedCheckpoint.verify(noteBytes(sum), "sum.golang.org", sumKey))
        .isInstanceOf(OriginMismatchException.class)
        .hasMessage("checkpoint origin is \"go.sum database tree\", expected \"sum.golang.org\"");
  }

  @TestFactory
  Stream<DynamicTest> verifierKeyParsing() throws IOException {
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode c : ofKind("vkey-parse")) {
      for (JsonNode valid : c.get("valid")) {
        String vkey = valid.asText().split(" ", 2)[0];
        tests.add(
            DynamicTest.dynamicTest(
                "valid " + vkey,
                () -> {
                  NoteVerifier v = NoteVerifiers.parse(vkey);
                  assertThat(v.name()).isEqualTo(vkey.substring(0, vkey.indexOf('+')));
                  // Formatting the parsed key gives back the same string.
                  String back =
                      v instanceof Ed25519NoteVerifier
                          ? ((Ed25519NoteVerifier) v).verifierKey()
                          : ((CosignatureV1Verifier) v).verifierKey();
                  assertThat(back).isEqualTo(vkey);
                  if (valid.asText().contains("accepted as cosig verifier")) {
                    // transparency-dev accepts a 0x01 key as a cosigner key; this library requires
                    // the 0x04 form, whose key ID the spec defines.
                    assertThatThrownBy(() -> CosignatureV1Verifier.fromVerifierKey(vkey))
                        .isInstanceOf(KeyFormatException.class)
                        .hasMessageEndingWith("expected 0x04 (cosignature/v1 Ed25519)");
                  }
                }));
      }
      for (JsonNode invalid : c.get("invalid")) {
        tests.add(
            DynamicTest.dynamicTest(
                "invalid " + invalid.asText(),
                () ->
                    assertThatThrownBy(() -> NoteVerifiers.parse(invalid.asText()))
                        .isInstanceOfAny(
                            KeyFormatException.class, UnsupportedAlgorithmException.class)));
      }
    }
    return tests.stream();
  }

  @Test
  void rfc6962KeysAreUnsupported() throws IOException {
    for (JsonNode c : ofKind("rfc6962-vkey-derivation").get(0).get("cases")) {
      assertThatThrownBy(() -> NoteVerifiers.parse(c.get("wantVkey").asText()))
          .isInstanceOf(UnsupportedAlgorithmException.class)
          .hasMessageContaining("signature type 0x05 (RFC 6962 tree head)");
    }
  }

  @Test
  void goTreeNoteBodies() throws Exception {
    JsonNode c = ofKind("tree-note-body").get(0);
    JsonNode ft = c.get("formatTree");
    String golden = ft.get("golden").asText();
    byte[] data = ft.get("hashIsRecordHashOf").asText().getBytes(UTF_8);
    Hash leaf = Hash.sha256(new byte[] {0}, data);
    Checkpoint parsed = Checkpoint.parse(golden);
    assertThat(parsed).isEqualTo(Checkpoint.of("go.sum database tree", ft.get("n").asLong(), leaf));
    assertThat(parsed.format()).isEqualTo(golden);

    JsonNode bad = c.get("badTrees");
    // A different origin is a well-formed checkpoint; it is rejected by the origin check instead.
    assertThat(Checkpoint.parse(bad.get(0).asText()).origin())
        .isEqualTo("not-go.sum database tree");
    assertThatThrownBy(() -> Checkpoint.parse(bad.get(1).asText()))
        .isInstanceOf(CheckpointFormatException.class)
        .hasMessage(
            "checkpoint tree size \"0xabcdef\" is not a decimal number (only the digits 0-9 are allowed)");
    assertThatThrownBy(() -> Checkpoint.parse(bad.get(2).asText()))
        .isInstanceOf(CheckpointFormatException.class)
        .hasMessage(
            "checkpoint root hash \"TszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBTOOBIG=\" is not canonical"
                + " padded base64");

    // Go's tree parser ignores trailing text; a C2SP checkpoint keeps it as extension lines, and
    // text without a final newline is not a note text at all.
    assertThatThrownBy(() -> Checkpoint.parse(golden + "JOE"))
        .hasMessage("checkpoint body does not end with a newline");
    assertThat(Checkpoint.parse(golden + "JOE\n").extensions()).containsExactly("JOE");
    assertThat(Checkpoint.parse(golden + "JOE\n".repeat(1000)).extensions()).hasSize(1000);
  }

  @Test
  void testKeyPairsDeriveTheirVerifierKeys() throws Exception {
    JsonNode c = ofKind("test-keypairs").get(0);
    int checked = 0;
    for (JsonNode pair : c.get("pairs")) {
      Ed25519NoteSigner s = Ed25519NoteSigner.fromSignerKey(pair.get(0).asText());
      assertThat(s.signerKey()).isEqualTo(pair.get(0).asText());
      if (!pair.get(1).isNull()) {
        assertThat(s.verifierKey()).isEqualTo(pair.get(1).asText());
        Ed25519NoteVerifier v = Ed25519NoteVerifier.fromVerifierKey(pair.get(1).asText());
        byte[] body = "a checkpoint\n1\nAAAA\n".getBytes(UTF_8);
        assertThat(v.verify(body, s.sign(body))).isTrue();
        checked++;
      }
    }
    assertThat(checked).isGreaterThanOrEqualTo(10);
    // tessera's mirror key reuses Wit1's key under another name with a hand-edited key ID.
    assertThatThrownBy(
            () ->
                Ed25519NoteVerifier.fromVerifierKey(
                    "Mirror1+66ee4561+AVhZSmQj9+SoL+p/nN0Hh76xXmF7QcHfytUrI1XfSClk"))
        .isInstanceOf(KeyFormatException.class)
        .hasMessageStartingWith(
            "verifier key for Mirror1 names key ID 66ee4561 but its key has key ID ");
  }

  @TestFactory
  Stream<DynamicTest> witnessAddCheckpointBodies() throws IOException {
    JsonNode c = ofKind("witness-add-checkpoint").get(0);
    String origin = c.get("logOrigin").asText();
    Ed25519NoteVerifier logKey =
        Ed25519NoteVerifier.of(
            origin,
            Ed25519.PublicKey.of(
                HexFormat.of().parseHex(c.get("logEd25519PublicKeyHex").asText())));
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode step : c.get("steps")) {
      String body = step.get("requestBody").asText();
      // The signed checkpoint follows the first blank line of the add-checkpoint request.
      byte[] checkpoint = body.substring(body.indexOf("\n\n") + 2).getBytes(UTF_8);
      String status = step.get("wantStatus").asText();
      tests.add(
          DynamicTest.dynamicTest(
              step.get("name").asText() + " (" + status + ")",
              () -> {
                Throwable t =
                    catchThrowable(() -> SignedCheckpoint.verify(checkpoint, origin, logKey));
                switch (status) {
                  case "StatusOK", "StatusConflict", "StatusUnprocessableEntity" ->
                      assertThat(t).isNull();
                  case "StatusNotFound" ->
                      assertThat(t).isInstanceOf(OriginMismatchException.class);
                  // The forged signature's base64 has non-zero unused bits: this library rejects it
                  // while parsing, before any signature check. Either way it is refused.
                  case "StatusForbidden" ->
                      assertThat(t)
                          .isInstanceOf(NoteFormatException.class)
                          .hasMessage("signature line 1 signature is not canonical padded base64");
                  case "StatusBadRequest" ->
                      assertThat(t)
                          .isInstanceOfAny(
                              NoteFormatException.class, CheckpointFormatException.class);
                  default -> throw new AssertionError("unexpected status " + status);
                }
              }));
    }
    return tests.stream();
  }

  private static JsonNode caseNamed(String name) throws IOException {
    for (JsonNode c : cases()) {
      if (name.equals(c.path("name").asText())) {
        return c;
      }
    }
    throw new AssertionError("no vector case named " + name);
  }

  /**
   * The note's bytes. A case flagged {@code noteIsLatin1Escaped} carries raw non-UTF-8 bytes as
   * code points U+0080..U+00FF.
   */
  private static byte[] noteBytes(JsonNode c) {
    String s = c.get("note").asText();
    if (!c.path("noteIsLatin1Escaped").asBoolean()) {
      return s.getBytes(UTF_8);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    s.codePoints()
        .forEach(
            cp -> {
              if (cp >= 0x80 && cp <= 0xff) {
                out.write(cp);
              } else {
                out.writeBytes(new String(Character.toChars(cp)).getBytes(UTF_8));
              }
            });
    return out.toByteArray();
  }
}
