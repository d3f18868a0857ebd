package org.rcskt.verifier.checkpoint;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.merkle.InclusionProof;
import org.rcskt.verifier.merkle.InclusionProofException;
import org.rcskt.verifier.note.CosignatureV1Verifier;
import org.rcskt.verifier.note.Ed25519NoteVerifier;
import org.rcskt.verifier.note.InvalidNoteSignatureException;
import org.rcskt.verifier.note.Note;
import org.rcskt.verifier.note.NoteKeys;
import org.rcskt.verifier.note.NoteSignature;
import org.rcskt.verifier.note.NoteVerifier;
import org.rcskt.verifier.note.NoteVerifiers;
import org.rcskt.verifier.note.UnsupportedAlgorithmException;
import org.rcskt.verifier.testing.VectorFiles;

/**
 * Real Sigstore Rekor checkpoints from sigstore-java's test bundles. Rekor v2 (C2SP Ed25519
 * checkpoints) must verify; Rekor v1 (ECDSA) must be reported as an unsupported algorithm. Every
 * entry's inclusion proof is verified against the checkpoint's root hash (for Rekor v1 that root is
 * only as good as the unchecked ECDSA signature).
 */
class RekorCheckpointVectorsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode file() throws IOException {
    return JSON.readTree(
        VectorFiles.require("rekor/rekor_checkpoint_inclusion_cases.json").toFile());
  }

  @Test
  void fileHasBothKindsOfCheckpoint() throws IOException {
    int ed25519 = 0;
    int ecdsa = 0;
    for (JsonNode c : file().get("cases")) {
      if (c.hasNonNull("vkey")) {
        ed25519++;
      } else {
        ecdsa++;
      }
    }
    assertThat(ed25519).isGreaterThanOrEqualTo(6);
    assertThat(ecdsa).isGreaterThanOrEqualTo(15);
  }

  @TestFactory
  Stream<DynamicTest> everyCase() throws Exception {
    JsonNode f = file();
    NoteVerifiers witnesses = witnesses(f);
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode c : f.get("cases")) {
      tests.add(DynamicTest.dynamicTest(c.get("name").asText(), () -> runCase(c, witnesses)));
    }
    return tests.stream();
  }

  private static NoteVerifiers witnesses(JsonNode f) throws Exception {
    List<NoteVerifier> ws = new ArrayList<>();
    for (JsonNode w : f.get("witnessVkeysForAlpha3Cosignatures")) {
      ws.add(CosignatureV1Verifier.fromVerifierKey(w.asText()));
    }
    return NoteVerifiers.of(ws);
  }

  private static void runCase(JsonNode c, NoteVerifiers witnesses) throws Exception {
    byte[] raw = c.get("checkpoint").asText().getBytes(UTF_8);
    boolean badByName = c.get("name").asText().contains("bad-checkpoint-signature");
    Note note = Note.parse(raw);
    Checkpoint cp = Checkpoint.parse(note.body());
    assertThat(cp.treeSize()).isEqualTo(c.get("treeSize").asLong());
    assertThat(cp.rootHash()).isEqualTo(Hash.fromBase64(c.get("rootHashB64").asText()));
    assertThat(c.get("index").asLong()).isLessThan(cp.treeSize());
    byte[] leaf = Base64.getDecoder().decode(c.get("leafBodyB64").asText());
    Hash leafHash = Hash.fromBase64(c.get("leafHashB64").asText());
    assertThat(Hash.sha256(new byte[] {0}, leaf)).isEqualTo(leafHash);
    List<Hash> proof = new ArrayList<>();
    c.get("proof").forEach(h -> proof.add(Hash.fromBase64(h.asText())));
    long index = c.get("index").asLong();
    InclusionProof.verify(index, cp.treeSize(), leafHash, proof, cp.rootHash());
    // The proof is bound to the entry and its position.
    assertThatThrownBy(
            () ->
                InclusionProof.verify(
                    index, cp.treeSize(), Hash.sha256(new byte[] {0}), proof, cp.rootHash()))
        .isInstanceOf(InclusionProofException.class);
    if (index > 0) {
      assertThatThrownBy(
              () -> InclusionProof.verify(index - 1, cp.treeSize(), leafHash, proof, cp.rootHash()))
          .isInstanceOf(InclusionProofException.class);
    }

    if (!c.hasNonNull("vkey")) {
      // Rekor v1: ECDSA P-256 (note type 0x02). Its key ID is SHA-256(SPKI)[:4], which is also the
      // start of the Rekor log ID. The library recognises the key type and declines to judge it.
      byte[] spki = Base64.getDecoder().decode(c.get("publicKeySpkiB64").asText());
      int keyId = ByteInts.first4(Hash.sha256(spki).toByteArray());
      NoteSignature sig = note.signatures().get(0);
      assertThat(sig.keyId()).isEqualTo(keyId);
      assertThat(ByteInts.first4(Base64.getDecoder().decode(c.get("logIdB64").asText())))
          .isEqualTo(keyId);
      byte[] typed = new byte[1 + spki.length];
      typed[0] = NoteKeys.TYPE_ECDSA;
      System.arraycopy(spki, 0, typed, 1, spki.length);
      String vkey =
          sig.name()
              + "+"
              + NoteKeys.keyIdHex(keyId)
              + "+"
              + Base64.getEncoder().encodeToString(typed);
      assertThatThrownBy(() -> NoteVerifiers.parse(vkey))
          .isInstanceOf(UnsupportedAlgorithmException.class)
          .hasMessage(
              "verifier key "
                  + sig.keyLabel()
                  + " has signature type 0x02 (ECDSA), which this library does not support"
                  + " (supported: 0x01 (Ed25519), 0x04 (cosignature/v1 Ed25519), 0x06 (ML-DSA-44"
                  + " cosignature))");
      // Older Rekor v1 checkpoints carry a "Timestamp: <nanos>" extension line, newer ones none.
      assertThat(cp.extensions())
          .hasSizeLessThanOrEqualTo(1)
          .allMatch(e -> e.startsWith("Timestamp: "));
      return;
    }
    assertThat(badByName).as("the only known-bad case is an ECDSA one").isFalse();

    Ed25519NoteVerifier logKey = Ed25519NoteVerifier.fromVerifierKey(c.get("vkey").asText());
    // The C2SP key ID equals the first four bytes of Sigstore's log ID for the same key.
    assertThat(ByteInts.first4(Base64.getDecoder().decode(c.get("logIdB64").asText())))
        .isEqualTo(logKey.keyId());
    SignedCheckpoint sc = SignedCheckpoint.verify(raw, logKey.name(), logKey, witnesses);
    assertThat(sc.checkpoint()).isEqualTo(cp);
    if (note.signatures().size() > 1) {
      assertThat(sc.cosignatures()).hasSize(3);
    }

    // The same checkpoint with one changed root byte fails the log signature.
    byte[] root = cp.rootHash().toByteArray();
    root[0] ^= 1;
    String forgedBody = Checkpoint.of(cp.origin(), cp.treeSize(), Hash.of(root)).format();
    byte[] forged = Note.of(forgedBody, note.signatures()).format();
    assertThatThrownBy(() -> SignedCheckpoint.verify(forged, logKey.name(), logKey))
        .isInstanceOf(InvalidNoteSignatureException.class)
        .hasMessage(
            "signature line 1 from known key "
                + NoteKeys.label(logKey.name(), logKey.keyId())
                + " does not verify over the note text");
  }

  /** Big-endian int from the first four bytes. */
  private static final class ByteInts {
    static int first4(byte[] b) {
      return (b[0] & 0xff) << 24 | (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8 | (b[3] & 0xff);
    }
  }
}
