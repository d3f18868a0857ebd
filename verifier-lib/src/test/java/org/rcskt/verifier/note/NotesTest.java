package org.rcskt.verifier.note;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.rcskt.verifier.crypto.Ed25519;

class NotesTest {
  private final Random rnd = new Random(1234);
  private final Ed25519NoteSigner log =
      Ed25519NoteSigner.of("log.example/a", Ed25519.KeyPair.generate(rnd));
  private final Ed25519NoteSigner other =
      Ed25519NoteSigner.of("other.example", Ed25519.KeyPair.generate(rnd));
  private static final String BODY =
      "log.example/a\n5\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n";

  @Test
  void signThenOpen() throws Exception {
    byte[] note = Notes.sign(BODY, log);
    String s = new String(note, UTF_8);
    assertThat(s).startsWith(BODY + "\n\u2014 log.example/a ").endsWith("\n");
    VerifiedNote v = Notes.open(note, NoteVerifiers.of(log.verifier()));
    assertThat(v.body()).isEqualTo(BODY);
    assertThat(v.verifiers()).containsExactly(log.verifier());
    assertThat(v.isVerifiedBy(log.verifier())).isTrue();
    assertThat(v.isVerifiedBy(other.verifier())).isFalse();
    assertThat(v.signatureFrom(log.verifier()).keyId()).isEqualTo(log.keyId());
    assertThat(v.unverifiedSignatures()).isEmpty();
  }

  @Test
  void signingIsDeterministicAndMatchesTheGoReference() throws Exception {
    Ed25519NoteSigner peter = Ed25519NoteSigner.fromSignerKey(NoteKeysTest.PETER_SKEY);
    assertThat(new String(Notes.sign(NoteTest.TEXT, peter), UTF_8))
        .isEqualTo(NoteTest.TEXT + "\n" + NoteTest.PETER_SIG);
  }

  @Test
  void unknownSignaturesAreIgnoredAndKeptOnceEach() throws Exception {
    Ed25519NoteSigner stranger = Ed25519NoteSigner.of("stranger", Ed25519.KeyPair.generate(rnd));
    Note n = Note.parse(Notes.sign(BODY, stranger, log));
    // A stranger line repeated verbatim is listed once.
    Note withDup =
        Note.of(
            BODY,
            java.util.List.of(n.signatures().get(0), n.signatures().get(0), n.signatures().get(1)));
    VerifiedNote v = Notes.open(withDup.format(), NoteVerifiers.of(log.verifier()));
    assertThat(v.verifiers()).containsExactly(log.verifier());
    assertThat(v.unverifiedSignatures()).containsExactly(n.signatures().get(0));
  }

  @Test
  void aSignatureSharingOnlyTheNameOrOnlyTheKeyIdWithAKnownKeyIsIgnored() throws Exception {
    // Same name as the known key, different key (so different key ID): ignored, not a failure.
    Ed25519NoteSigner impostor =
        Ed25519NoteSigner.of("log.example/a", Ed25519.KeyPair.generate(rnd));
    VerifiedNote v = Notes.open(Notes.sign(BODY, impostor, log), NoteVerifiers.of(log.verifier()));
    assertThat(v.unverifiedSignatures()).hasSize(1);
    // Same key ID, different name: ignored too.
    NoteSignature renamed =
        NoteSignature.of(
            "log.example/b", log.keyId(), Ed25519.KeyPair.generate(rnd).sign(new byte[1]));
    Note n = Note.parse(Notes.sign(BODY, log));
    Note both = Note.of(BODY, java.util.List.of(renamed, n.signatures().get(0)));
    assertThat(Notes.open(both, NoteVerifiers.of(log.verifier())).unverifiedSignatures())
        .containsExactly(renamed);
  }

  @Test
  void tamperedBodyFailsWithTheKnownKeyNamed() {
    byte[] note = Notes.sign(BODY, log);
    note[15] = '6'; // the tree size digit
    assertThatThrownBy(() -> Notes.open(note, NoteVerifiers.of(log.verifier())))
        .isInstanceOf(InvalidNoteSignatureException.class)
        .hasMessage(
            "signature line 1 from known key log.example/a+"
                + NoteKeys.keyIdHex(log.keyId())
                + " does not verify over the note text");
  }

  @Test
  void tamperedSignatureFails() throws Exception {
    Note n = Note.parse(Notes.sign(BODY, log));
    byte[] sig = n.signatures().get(0).signature();
    sig[10] ^= 1;
    Note bad = Note.of(BODY, java.util.List.of(NoteSignature.of(log.name(), log.keyId(), sig)));
    assertThatThrownBy(() -> Notes.open(bad.format(), NoteVerifiers.of(log.verifier())))
        .isInstanceOf(InvalidNoteSignatureException.class)
        .satisfies(
            e -> {
              InvalidNoteSignatureException x = (InvalidNoteSignatureException) e;
              assertThat(x.keyName()).isEqualTo("log.example/a");
              assertThat(x.keyId()).isEqualTo(log.keyId());
              assertThat(x.lineNumber()).isEqualTo(1);
            });
    // Truncated or extended signatures are invalid too, never an exception from the crypto layer.
    byte[] longer = java.util.Arrays.copyOf(n.signatures().get(0).signature(), 65);
    Note ext = Note.of(BODY, java.util.List.of(NoteSignature.of(log.name(), log.keyId(), longer)));
    assertThatThrownBy(() -> Notes.open(ext.format(), NoteVerifiers.of(log.verifier())))
        .isInstanceOf(InvalidNoteSignatureException.class);
  }

  @Test
  void tamperedKeyIdOrNameMakesTheSignatureUnknown() throws Exception {
    Note n = Note.parse(Notes.sign(BODY, log));
    NoteSignature s = n.signatures().get(0);
    Note wrongId =
        Note.of(BODY, java.util.List.of(NoteSignature.of(s.name(), s.keyId() ^ 1, s.signature())));
    assertThatThrownBy(() -> Notes.open(wrongId.format(), NoteVerifiers.of(log.verifier())))
        .isInstanceOf(UnverifiedNoteException.class)
        .hasMessage(
            "note has no signature from a known key: signed by [log.example/a+"
                + NoteKeys.keyIdHex(log.keyId() ^ 1)
                + "], known keys [log.example/a+"
                + NoteKeys.keyIdHex(log.keyId())
                + "]");
    Note wrongName =
        Note.of(
            BODY, java.util.List.of(NoteSignature.of("log.example/b", s.keyId(), s.signature())));
    assertThatThrownBy(() -> Notes.open(wrongName.format(), NoteVerifiers.of(log.verifier())))
        .isInstanceOf(UnverifiedNoteException.class)
        .satisfies(e -> assertThat(((UnverifiedNoteException) e).note()).isEqualTo(wrongName));
  }

  @Test
  void aBadSignatureFromAKnownKeyRejectsTheNoteEvenIfAnotherVerifies() throws Exception {
    Note n = Note.parse(Notes.sign(BODY, log, other));
    byte[] sig = n.signatures().get(1).signature();
    sig[0] ^= 1;
    Note bad =
        Note.of(
            BODY,
            java.util.List.of(
                n.signatures().get(0), NoteSignature.of(other.name(), other.keyId(), sig)));
    assertThatThrownBy(() -> Notes.open(bad, NoteVerifiers.of(log.verifier(), other.verifier())))
        .isInstanceOf(InvalidNoteSignatureException.class)
        .hasMessage(
            "signature line 2 from known key other.example+"
                + NoteKeys.keyIdHex(other.keyId())
                + " does not verify over the note text");
    // The same note opens when only the log key is known: the bad line is then an unknown one.
    assertThat(Notes.open(bad, NoteVerifiers.of(log.verifier())).verifiers()).hasSize(1);
  }

  @Test
  void duplicateVerifiersAreAmbiguous() {
    assertThatThrownBy(() -> NoteVerifiers.of(log.verifier(), other.verifier(), log.verifier()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "ambiguous key log.example/a+"
                + NoteKeys.keyIdHex(log.keyId())
                + ": more than one verifier has this name and key ID");
  }

  @Test
  void addingSignaturesKeepsOthersAndReplacesTheSameKey() throws Exception {
    byte[] first = Notes.sign(BODY, log);
    byte[] both = Notes.addSignatures(first, other);
    Note n = Note.parse(both);
    assertThat(n.signatures())
        .extracting(NoteSignature::name)
        .containsExactly("log.example/a", "other.example");
    assertThat(new String(both, UTF_8)).startsWith(new String(first, UTF_8));
    // Re-signing with the log key replaces its line rather than duplicating it.
    Note again = Notes.sign(n, log);
    assertThat(again.signatures())
        .extracting(NoteSignature::name)
        .containsExactly("other.example", "log.example/a");
    VerifiedNote v = Notes.open(again, NoteVerifiers.of(log.verifier(), other.verifier()));
    assertThat(v.verifiers()).containsExactly(other.verifier(), log.verifier());
  }

  @Test
  void signRefusesWhatCannotBeANote() {
    assertThatThrownBy(() -> Notes.sign("no newline", log))
        .hasMessage("note text does not end with a newline");
    assertThatThrownBy(() -> Notes.sign(BODY)).hasMessage("no signers given");
    NoteSigner[] many = new NoteSigner[101];
    java.util.Arrays.fill(many, log);
    assertThatThrownBy(() -> Notes.sign(BODY, many))
        .hasMessage("a note needs 1 to 100 signatures, got 101");
  }

  @Test
  void moreThan100SignaturesAreRejectedBeforeAnyVerification() throws Exception {
    String line = Note.parse(Notes.sign(BODY, log)).signatures().get(0).line() + "\n";
    byte[] note = (BODY + "\n" + line.repeat(101)).getBytes(UTF_8);
    // A verifier that counts calls shows no signature was checked.
    int[] calls = {0};
    NoteVerifier counting =
        new NoteVerifier() {
          public String name() {
            return log.name();
          }

          public int keyId() {
            return log.keyId();
          }

          public boolean verify(byte[] body, byte[] signature) {
            calls[0]++;
            return true;
          }
        };
    assertThatThrownBy(() -> Notes.open(note, NoteVerifiers.of(counting)))
        .isInstanceOf(NoteFormatException.class)
        .hasMessage("note has more than 100 signatures");
    assertThat(calls[0]).isZero();
    assertThat(
            Base64.getDecoder()
                .decode(line.substring(line.lastIndexOf(' ') + 1, line.length() - 1)))
        .hasSize(68);
  }
}
