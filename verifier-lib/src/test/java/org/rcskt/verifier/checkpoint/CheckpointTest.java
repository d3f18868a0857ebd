package org.rcskt.verifier.checkpoint;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.rcskt.verifier.Hash;

class CheckpointTest {
  static final String ORIGIN = "example.com/behind-the-sofa";
  static final String ROOT = "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=";

  static byte[] sample(String name) throws IOException {
    try (InputStream in = CheckpointTest.class.getResourceAsStream("/checkpoint/" + name)) {
      assertThat(in).as("sample " + name).isNotNull();
      return in.readAllBytes();
    }
  }

  @Test
  void parsesTheSpecExample() throws Exception {
    byte[] body = sample("valid.txt");
    Checkpoint c = Checkpoint.parse(body);
    assertThat(c.origin()).isEqualTo(ORIGIN);
    assertThat(c.treeSize()).isEqualTo(20852163L);
    assertThat(c.rootHash()).isEqualTo(Hash.fromBase64(ROOT));
    assertThat(c.extensions()).isEmpty();
    assertThat(c.format()).isEqualTo(new String(body, UTF_8));
    assertThat(c.formatBytes()).isEqualTo(body);
    assertThat(Checkpoint.parse(new String(body, UTF_8))).isEqualTo(c);
  }

  @Test
  void keepsExtensionLinesVerbatim() throws Exception {
    byte[] body = sample("valid-extensions.txt");
    Checkpoint c = Checkpoint.parse(body);
    assertThat(c.extensions()).containsExactly("extension one", "x");
    assertThat(c.formatBytes()).isEqualTo(body);
  }

  @Test
  void acceptsTheEmptyTreeAndTheLargestSize() throws Exception {
    Checkpoint empty = Checkpoint.parse(sample("valid-empty-tree.txt"));
    assertThat(empty.treeSize()).isZero();
    assertThat(empty.rootHash()).isEqualTo(Hash.sha256());
    String max = ORIGIN + "\n9223372036854775807\n" + ROOT + "\n";
    assertThat(Checkpoint.parse(max).treeSize()).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void originMayContainSpacesAsTheSpecOnlyRecommendsAgainstThem() throws Exception {
    String body = "go.sum database tree\n6476701\nmb8QLQIs0Z0yP5Cstq6guj87oXWeC9gEM8oVikmm9Wk=\n";
    assertThat(Checkpoint.parse(body).origin()).isEqualTo("go.sum database tree");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          missing-final-newline.txt  | checkpoint body does not end with a newline
          empty.txt                  | checkpoint body does not end with a newline
          one-line.txt               | checkpoint body has 1 line, expected at least 3 (origin, tree size, root hash)
          two-lines.txt              | checkpoint body has 2 lines, expected at least 3 (origin, tree size, root hash)
          empty-origin.txt           | checkpoint origin line is empty
          empty-tree-size.txt        | checkpoint tree size line is empty
          tree-size-signed.txt       | checkpoint tree size "+20852163" is not a decimal number (only the digits 0-9 are allowed)
          tree-size-negative.txt     | checkpoint tree size "-1" is not a decimal number (only the digits 0-9 are allowed)
          tree-size-hex.txt          | checkpoint tree size "0xabcdef" is not a decimal number (only the digits 0-9 are allowed)
          tree-size-space.txt        | checkpoint tree size " 20852163" is not a decimal number (only the digits 0-9 are allowed)
          tree-size-leading-zero.txt | checkpoint tree size "020852163" has a leading zero
          tree-size-overflow.txt     | checkpoint tree size 9223372036854775808 is larger than the maximum of 9223372036854775807
          tree-size-uint64-max.txt   | checkpoint tree size 18446744073709551615 is larger than the maximum of 9223372036854775807
          root-not-base64.txt        | checkpoint root hash "TszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBTOOBIG=" is not canonical padded base64
          root-unpadded.txt          | checkpoint root hash "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I" is not canonical padded base64
          root-noncanonical-bits.txt | checkpoint root hash "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2J=" is not canonical padded base64
          empty-root.txt             | checkpoint root hash "" is not canonical padded base64
          root-short.txt             | checkpoint root hash is 31 bytes, expected 32
          root-long.txt              | checkpoint root hash is 33 bytes, expected 32
          empty-extension.txt        | checkpoint extension line 2 (body line 5) is empty
          control-character.txt      | checkpoint line 1 contains control character 0x0d
          invalid-utf8.txt           | checkpoint body is not valid UTF-8
          """)
  void rejectsEachMalformedSampleWithItsOwnMessage(String file, String message) throws Exception {
    byte[] body = sample(file);
    assertThatThrownBy(() -> Checkpoint.parse(body))
        .isInstanceOf(CheckpointFormatException.class)
        .hasMessage(message);
  }

  @Test
  void rejectsOversizedBodiesAndUnpairedSurrogates() {
    String big = ORIGIN + "\n1\n" + ROOT + "\n" + "x".repeat(Checkpoint.MAX_BODY_SIZE) + "\n";
    int size = big.getBytes(UTF_8).length;
    assertThatThrownBy(() -> Checkpoint.parse(big))
        .isInstanceOf(CheckpointFormatException.class)
        .hasMessage("checkpoint body is " + size + " bytes, larger than the limit of 65536");
    assertThatThrownBy(() -> Checkpoint.parse(big.getBytes(UTF_8)))
        .hasMessage("checkpoint body is " + size + " bytes, larger than the limit of 65536");
    // Multi-byte characters count by their UTF-8 size.
    String wide = ORIGIN + "\n1\n" + ROOT + "\n" + "\u00e9".repeat(33_000) + "\n";
    assertThatThrownBy(() -> Checkpoint.parse(wide))
        .hasMessage(
            "checkpoint body is "
                + wide.getBytes(UTF_8).length
                + " bytes, larger than the limit of 65536");
    assertThatThrownBy(() -> Checkpoint.parse("a\ud800\n1\n" + ROOT + "\n"))
        .isInstanceOf(CheckpointFormatException.class)
        .hasMessage("checkpoint line 1 contains an unpaired surrogate");
  }

  @Test
  void longValuesAreAbbreviatedInMessages() {
    String size = "1".repeat(100);
    assertThatThrownBy(() -> Checkpoint.parse(ORIGIN + "\n" + size + "\n" + ROOT + "\n"))
        .hasMessage(
            "checkpoint tree size "
                + "1".repeat(64)
                + "... is larger than the maximum of 9223372036854775807");
  }

  @Test
  void seededRandomCheckpointsRoundTrip() throws Exception {
    Random rnd = new Random(99);
    for (int i = 0; i < 500; i++) {
      byte[] h = new byte[32];
      rnd.nextBytes(h);
      long size = i < 10 ? i : rnd.nextLong() & Long.MAX_VALUE;
      List<String> ext = rnd.nextInt(4) == 0 ? List.of("ext " + i, "\u00e9\u20ac") : List.of();
      Checkpoint c = Checkpoint.of("log" + i + ".example/x y", size, Hash.of(h), ext);
      String body = c.format();
      assertThat(Checkpoint.parse(body)).isEqualTo(c);
      assertThat(Checkpoint.parse(body.getBytes(UTF_8)).format()).isEqualTo(body);
    }
  }

  @Test
  void ofValidatesItsArguments() {
    Hash h = Hash.sha256();
    assertThatThrownBy(() -> Checkpoint.of("", 1, h)).hasMessage("checkpoint origin is empty");
    assertThatThrownBy(() -> Checkpoint.of("a\nb", 1, h))
        .hasMessage("checkpoint origin contains control character 0x0a");
    assertThatThrownBy(() -> Checkpoint.of("a", -1, h)).hasMessage("tree size -1 is negative");
    assertThatThrownBy(() -> Checkpoint.of("a", 1, h, List.of("")))
        .hasMessage("checkpoint extension line 1 is empty");
  }
}
