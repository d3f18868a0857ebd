package org.rcskt.verifier.checkpoint;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.crypto.Ed25519;
import org.rcskt.verifier.note.CosignatureV1Signer;
import org.rcskt.verifier.note.Ed25519NoteSigner;
import org.rcskt.verifier.note.InvalidNoteSignatureException;
import org.rcskt.verifier.note.Note;
import org.rcskt.verifier.note.NoteFormatException;
import org.rcskt.verifier.note.NoteKeys;
import org.rcskt.verifier.note.NoteVerifiers;
import org.rcskt.verifier.note.Notes;
import org.rcskt.verifier.note.UnverifiedNoteException;

class SignedCheckpointTest {
  static final String ORIGIN = "kt.example.net/log2026";
  private final Random rnd = new Random(2026);
  private final Ed25519NoteSigner logKey =
      Ed25519NoteSigner.of(ORIGIN, Ed25519.KeyPair.generate(rnd));
  private final CheckpointSigner signer = CheckpointSigner.of(ORIGIN, logKey);
  private final Hash root = Hash.sha256("root".getBytes(UTF_8));

  @Test
  void signedCheckpointVerifies() throws Exception {
    byte[] raw = signer.sign(1234, root);
    String text = new String(raw, UTF_8);
    assertThat(text)
        .startsWith(ORIGIN + "\n1234\n" + root.toBase64() + "\n\n\u2014 " + ORIGIN + " ")
        .endsWith("\n");
    SignedCheckpoint sc = SignedCheckpoint.verify(raw, ORIGIN, logKey.verifier());
    assertThat(sc.checkpoint()).isEqualTo(Checkpoint.of(ORIGIN, 1234, root));
    assertThat(sc.raw()).isEqualTo(raw);
    assertThat(sc.cosignatures()).isEmpty();
    assertThat(sc.note().signatures()).hasSize(1);
    assertThat(sc.verifiedNote().isVerifiedBy(logKey.verifier())).isTrue();
  }

  @Test
  void fastPathMatchesTheGenericNoteSigner() throws Exception {
    for (long size : new long[] {0, 1, 9, 10, 255, 256, 1_000_000_007L, Long.MAX_VALUE}) {
      Checkpoint c = Checkpoint.of(ORIGIN, size, root);
      assertThat(signer.sign(size, root)).isEqualTo(Notes.sign(c.format(), logKey));
      assertThat(signer.sign(c)).isEqualTo(Notes.sign(c.format(), logKey));
    }
    Checkpoint ext = Checkpoint.of(ORIGIN, 5, root, List.of("extra"));
    byte[] raw = signer.sign(ext);
    assertThat(raw).isEqualTo(Notes.sign(ext.format(), logKey));
    assertThat(SignedCheckpoint.verify(raw, ORIGIN, logKey.verifier()).checkpoint()).isEqualTo(ext);
  }

  @Test
  void signerRefusesAnotherOrigin() {
    assertThatThrownBy(() -> CheckpointSigner.of("other.example/log", logKey))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "signer key name \"kt.example.net/log2026\" differs from the origin \"other.example/log\"");
    assertThatThrownBy(() -> signer.sign(Checkpoint.of("other", 1, root)))
        .hasMessage(
            "checkpoint origin \"other\" differs from the signer's origin \"" + ORIGIN + "\"");
    assertThatThrownBy(() -> signer.sign(-1, root)).hasMessage("tree size -1 is negative");
  }

  @Test
  void wrongOriginIsReportedWithBothValues() {
    Ed25519NoteSigner otherKey =
        Ed25519NoteSigner.of("other.example/log", Ed25519.KeyPair.generate(rnd));
    byte[] raw = CheckpointSigner.of(otherKey).sign(5, root);
    // The caller's key is for ORIGIN: the checkpoint names another log.
    assertThatThrownBy(() -> SignedCheckpoint.verify(raw, ORIGIN, logKey.verifier()))
        .isInstanceOf(OriginMismatchException.class)
        .hasMessage(
            "checkpoint origin is \"other.example/log\", expected \"kt.example.net/log2026\"")
        .satisfies(
            e -> {
              assertThat(((OriginMismatchException) e).expected()).isEqualTo(ORIGIN);
              assertThat(((OriginMismatchException) e).found()).isEqualTo("other.example/log");
            });
    assertThatThrownBy(() -> SignedCheckpoint.verify(raw, "other.example/log", logKey.verifier()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "log key name \"kt.example.net/log2026\" differs from the expected origin"
                + " \"other.example/log\"");
  }

  @Test
  void tamperedCheckpointFails() {
    byte[] raw = signer.sign(1234, root);
    raw[ORIGIN.length() + 1] = '2'; // 1234 -> 2234
    assertThatThrownBy(() -> SignedCheckpoint.verify(raw, ORIGIN, logKey.verifier()))
        .isInstanceOf(InvalidNoteSignatureException.class)
        .hasMessage(
            "signature line 1 from known key "
                + NoteKeys.label(ORIGIN, logKey.keyId())
                + " does not verify over the note text");
  }

  @Test
  void checkpointSignedByAnotherKeyWithTheSameNameIsUnverified() {
    Ed25519NoteSigner rogue = Ed25519NoteSigner.of(ORIGIN, Ed25519.KeyPair.generate(rnd));
    byte[] raw = CheckpointSigner.of(rogue).sign(7, root);
    assertThatThrownBy(() -> SignedCheckpoint.verify(raw, ORIGIN, logKey.verifier()))
        .isInstanceOf(UnverifiedNoteException.class)
        .hasMessage(
            "note has no signature from a known key: signed by ["
                + NoteKeys.label(ORIGIN, rogue.keyId())
                + "], known keys ["
                + NoteKeys.label(ORIGIN, logKey.keyId())
                + "]");
  }

  @Test
  void aCosignatureAloneIsNotEnough() throws Exception {
    CosignatureV1Signer witness =
        CosignatureV1Signer.of(
            "witness.example/w1", Ed25519.KeyPair.generate(rnd), fixedClock(100));
    Ed25519NoteSigner rogue = Ed25519NoteSigner.of(ORIGIN, Ed25519.KeyPair.generate(rnd));
    byte[] raw = Notes.addSignatures(CheckpointSigner.of(rogue).sign(7, root), witness);
    assertThatThrownBy(
            () ->
                SignedCheckpoint.verify(
                    raw, ORIGIN, logKey.verifier(), NoteVerifiers.of(witness.verifier())))
        .isInstanceOf(UnverifiedNoteException.class)
        .hasMessage(
            "checkpoint for kt.example.net/log2026 has no signature from the log key "
                + NoteKeys.label(ORIGIN, logKey.keyId())
                + "; signed by ["
                + NoteKeys.label(ORIGIN, rogue.keyId())
                + ", "
                + NoteKeys.label("witness.example/w1", witness.keyId())
                + "]");
  }

  @Test
  void cosignaturesAreVerifiedAndTheirTimestampsExposed() throws Exception {
    CosignatureV1Signer w1 =
        CosignatureV1Signer.of(
            "witness.example/w1", Ed25519.KeyPair.generate(rnd), fixedClock(1_700_000_000));
    CosignatureV1Signer w2 =
        CosignatureV1Signer.of(
            "witness.example/w2", Ed25519.KeyPair.generate(rnd), fixedClock(1_700_000_005));
    CosignatureV1Signer unknownWitness =
        CosignatureV1Signer.of("witness.example/w3", Ed25519.KeyPair.generate(rnd), fixedClock(1));
    byte[] raw = Notes.addSignatures(signer.sign(99, root), w1, unknownWitness, w2);
    SignedCheckpoint sc =
        SignedCheckpoint.verify(
            raw, ORIGIN, logKey.verifier(), NoteVerifiers.of(w1.verifier(), w2.verifier()));
    assertThat(sc.cosignatures())
        .containsExactly(
            new Cosignature("witness.example/w1", w1.keyId(), 1_700_000_000),
            new Cosignature("witness.example/w2", w2.keyId(), 1_700_000_005));
    assertThat(sc.verifiedNote().unverifiedSignatures()).hasSize(1);

    // A cosignature over a different checkpoint, pasted onto this one, fails.
    byte[] otherRaw = Notes.addSignatures(signer.sign(100, root), w1);
    String pasted =
        new String(signer.sign(99, root), UTF_8)
            + Note.parse(otherRaw).signatures().get(1).line()
            + "\n";
    assertThatThrownBy(
            () ->
                SignedCheckpoint.verify(
                    pasted.getBytes(UTF_8),
                    ORIGIN,
                    logKey.verifier(),
                    NoteVerifiers.of(w1.verifier())))
        .isInstanceOf(InvalidNoteSignatureException.class)
        .hasMessage(
            "signature line 2 from known key "
                + NoteKeys.label("witness.example/w1", w1.keyId())
                + " does not verify over the note text");
  }

  @Test
  void malformedInputsAreFormatErrors() {
    assertThatThrownBy(
            () -> SignedCheckpoint.verify("no note".getBytes(UTF_8), ORIGIN, logKey.verifier()))
        .isInstanceOf(NoteFormatException.class)
        .hasMessage("note has no blank line separating the text from the signatures");
    byte[] twoLines = Notes.sign(ORIGIN + "\n5\n", logKey);
    assertThatThrownBy(() -> SignedCheckpoint.verify(twoLines, ORIGIN, logKey.verifier()))
        .isInstanceOf(CheckpointFormatException.class)
        .hasMessage(
            "checkpoint body has 2 lines, expected at least 3 (origin, tree size, root hash)");
  }

  static Clock fixedClock(long seconds) {
    return Clock.fixed(Instant.ofEpochSecond(seconds), ZoneOffset.UTC);
  }
}
