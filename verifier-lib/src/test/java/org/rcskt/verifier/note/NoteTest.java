package org.rcskt.verifier.note;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class NoteTest {
  static final String TEXT =
      "If you think cryptography is the answer to your problem,\n"
          + "then you don't know what your problem is.\n";
  static final String PETER_SIG =
      "\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";

  @Test
  void parsesAndFormatsTheGoExample() throws Exception {
    String encoded = TEXT + "\n" + PETER_SIG;
    Note n = Note.parse(encoded);
    assertThat(n.body()).isEqualTo(TEXT);
    assertThat(n.bodyBytes()).isEqualTo(TEXT.getBytes(UTF_8));
    assertThat(n.signatures()).hasSize(1);
    NoteSignature s = n.signatures().get(0);
    assertThat(s.name()).isEqualTo("PeterNeumann");
    assertThat(s.keyId()).isEqualTo(0xc74f20a3);
    assertThat(s.keyIdHex()).isEqualTo("c74f20a3");
    assertThat(s.signature()).hasSize(64);
    assertThat(n.format()).isEqualTo(encoded.getBytes(UTF_8));
    assertThat(n.toString()).isEqualTo(encoded);
    assertThat(Note.parse(n.format())).isEqualTo(n);
  }

  @Test
  void textMayContainBlankLinesAndTheLastBlankLineSeparates() throws Exception {
    String body = "a\n\nb\n\n";
    String encoded = body + "\n" + PETER_SIG;
    Note n = Note.parse(encoded);
    assertThat(n.body()).isEqualTo(body);
    assertThat(new String(n.format(), UTF_8)).isEqualTo(encoded);
  }

  @Test
  void nonAsciiTextRoundTrips() throws Exception {
    String body = "Ognuno sta solo sul cuor della terra\ned \u00e8 subito sera \ud83c\udf05\n";
    String encoded = body + "\n" + PETER_SIG;
    assertThat(Note.parse(encoded).body()).isEqualTo(body);
    assertThat(Note.parse(encoded).format()).isEqualTo(encoded.getBytes(UTF_8));
  }

  @Test
  void seededRandomNotesRoundTrip() throws Exception {
    Random rnd = new Random(20260101);
    for (int iter = 0; iter < 200; iter++) {
      StringBuilder body = new StringBuilder();
      int lines = 1 + rnd.nextInt(5);
      for (int l = 0; l < lines; l++) {
        int len = rnd.nextInt(20);
        for (int i = 0; i < len; i++) {
          body.appendCodePoint(
              rnd.nextBoolean() ? 0x20 + rnd.nextInt(0x5f) : 0xa0 + rnd.nextInt(0x700));
        }
        body.append('\n');
      }
      List<NoteSignature> sigs = new ArrayList<>();
      int count = 1 + rnd.nextInt(5);
      for (int i = 0; i < count; i++) {
        byte[] sig = new byte[1 + rnd.nextInt(100)];
        rnd.nextBytes(sig);
        sigs.add(NoteSignature.of("k" + rnd.nextInt(1000) + ".example/x", rnd.nextInt(), sig));
      }
      Note n = Note.of(body.toString(), sigs);
      byte[] encoded = n.format();
      Note back = Note.parse(encoded);
      assertThat(back).isEqualTo(n);
      assertThat(back.format()).isEqualTo(encoded);
    }
  }

  static List<Arguments> malformed() {
    String good = TEXT + "\n" + PETER_SIG;
    String b64 = PETER_SIG.substring(PETER_SIG.indexOf(' ', 2) + 1, PETER_SIG.length() - 1);
    return List.of(
        Arguments.of(TEXT, "note has no blank line separating the text from the signatures"),
        Arguments.of(TEXT + "\n", "note has no signature lines after the blank line"),
        Arguments.of(good.substring(0, good.length() - 1), "note does not end with a newline"),
        Arguments.of("\u0001" + good, "note contains control character 0x01 at byte offset 0"),
        Arguments.of(
            TEXT.replace("\n", "\r\n") + "\n" + PETER_SIG,
            "note contains control character 0x0d at byte offset 56"),
        Arguments.of(good + "\tx\n", "note contains control character 0x09 at byte offset 210"),
        Arguments.of(
            good + "Unexpected line.\n",
            "signature line 2 does not start with an em dash (U+2014) and a space"),
        Arguments.of(
            TEXT + "\n- PeterNeumann " + b64 + "\n",
            "signature line 1 does not start with an em dash (U+2014) and a space"),
        Arguments.of(
            TEXT + "\n\u2014PeterNeumann " + b64 + "\n",
            "signature line 1 does not start with an em dash (U+2014) and a space"),
        Arguments.of(
            TEXT + "\n\u2014 PeterNeumann\n",
            "signature line 1 has no space between the key name and the signature"),
        Arguments.of(
            TEXT + "\n\u2014 " + b64 + "\n",
            "signature line 1 has no space between the key name and the signature"),
        Arguments.of(TEXT + "\n\u2014  " + b64 + "\n", "signature line 1 key name is empty"),
        Arguments.of(
            TEXT + "\n\u2014 Peter+Neumann " + b64 + "\n",
            "signature line 1 key name contains a plus sign (U+002B)"),
        Arguments.of(
            TEXT + "\n\u2014 Peter\u00a0Neumann " + b64 + "\n",
            "signature line 1 key name contains the space character U+00A0"),
        Arguments.of(
            TEXT + "\n\u2014 Peter\u2003Neumann " + b64 + "\n",
            "signature line 1 key name contains the space character U+2003"),
        Arguments.of(
            TEXT + "\n\u2014 Bad Name " + b64 + "\n",
            "signature line 1 signature is not canonical padded base64"),
        Arguments.of(
            TEXT + "\n\u2014 PeterNeumann " + b64.substring(0, b64.length() - 1) + "\n",
            "signature line 1 signature is not canonical padded base64"),
        Arguments.of(
            TEXT + "\n\u2014 PeterNeumann " + b64.substring(0, b64.length() - 2) + "N=\n",
            "signature line 1 signature is not canonical padded base64"),
        Arguments.of(
            TEXT + "\n\u2014 PeterNeumann \n",
            "signature line 1 signature is not canonical padded base64"),
        Arguments.of(
            TEXT + "\n\u2014 PeterNeumann AAAAAA==\n",
            "signature line 1 signature is 4 bytes, fewer than the minimum of 5"
                + " (a 4-byte key ID and a signature)"));
  }

  @ParameterizedTest
  @MethodSource("malformed")
  void rejectsMalformedNotesWithExactMessages(String note, String message) {
    assertThatThrownBy(() -> Note.parse(note))
        .isInstanceOf(NoteFormatException.class)
        .hasMessage(message);
  }

  @Test
  void rejectsInvalidUtf8() {
    byte[] good = (TEXT + "\n" + PETER_SIG).getBytes(UTF_8);
    byte[][] bad = {
      {(byte) 0xff}, // never valid
      {(byte) 0xc0, (byte) 0xaf}, // overlong '/'
      {(byte) 0xe0, (byte) 0x80, (byte) 0xaf}, // overlong
      {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, // UTF-16 surrogate D800
      {(byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, // above U+10FFFF
      {(byte) 0xe2, (byte) 0x80}, // truncated, followed by ASCII
      {(byte) 0x80}, // lone continuation byte
    };
    for (byte[] b : bad) {
      byte[] note = new byte[b.length + good.length];
      System.arraycopy(b, 0, note, 0, b.length);
      System.arraycopy(good, 0, note, b.length, good.length);
      assertThatThrownBy(() -> Note.parse(note))
          .isInstanceOf(NoteFormatException.class)
          .hasMessage("note is not valid UTF-8 at byte offset 0");
    }
    byte[] truncatedAtEnd = new byte[good.length + 1];
    System.arraycopy(good, 0, truncatedAtEnd, 0, good.length);
    truncatedAtEnd[good.length] = (byte) 0xe2;
    assertThatThrownBy(() -> Note.parse(truncatedAtEnd))
        .hasMessage("note is not valid UTF-8 at byte offset " + good.length);
  }

  @Test
  void rejectsUnpairedSurrogateInStringInput() {
    assertThatThrownBy(() -> Note.parse("a\ud800\n\n" + PETER_SIG))
        .isInstanceOf(NoteFormatException.class)
        .hasMessage("note contains an unpaired surrogate at index 1");
  }

  @Test
  void acceptsExactly100SignaturesAndRejects101() throws Exception {
    String hundred = TEXT + "\n" + PETER_SIG.repeat(100);
    assertThat(Note.parse(hundred).signatures()).hasSize(100);
    assertThatThrownBy(() -> Note.parse(hundred + PETER_SIG))
        .isInstanceOf(NoteFormatException.class)
        .hasMessage("note has more than 100 signatures");
  }

  @Test
  void rejectsNotesOverTheSizeLimit() {
    byte[] big = new byte[Note.MAX_SIZE + 1];
    java.util.Arrays.fill(big, (byte) 'a');
    assertThatThrownBy(() -> Note.parse(big))
        .isInstanceOf(NoteFormatException.class)
        .hasMessage("note is 1048577 bytes, larger than the limit of 1048576 bytes");
  }

  @Test
  void noteOfChecksItsText() {
    List<NoteSignature> one = List.of(NoteSignature.of("a", 1, new byte[] {1}));
    assertThatThrownBy(() -> Note.of("", one)).hasMessage("note text is empty");
    assertThatThrownBy(() -> Note.of("x", one)).hasMessage("note text does not end with a newline");
    assertThatThrownBy(() -> Note.of("x\ty\n", one))
        .hasMessage("note text contains control character 0x09 at index 1");
    assertThatThrownBy(() -> Note.of("x\udc00\n", one))
        .hasMessage("note text contains an unpaired surrogate at index 1");
    assertThatThrownBy(() -> Note.of("x\n", List.of()))
        .hasMessage("a note needs 1 to 100 signatures, got 0");
    assertThatThrownBy(() -> NoteSignature.of("a b", 1, new byte[] {1}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("key name contains the space character U+0020");
  }
}
