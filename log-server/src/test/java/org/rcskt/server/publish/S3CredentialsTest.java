package org.rcskt.server.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rcskt.server.config.ConfigException;

class S3CredentialsTest {
  @TempDir Path dir;

  Path write(String s) throws Exception {
    Path f = dir.resolve("credentials");
    Files.writeString(f, s);
    return f;
  }

  @Test
  void readsTwoLinesWithOrWithoutAFinalNewline() throws Exception {
    assertThat(S3Credentials.read(write("AKIDEXAMPLE\nwJalrXUtnFEMI/K7MDENG+bPxRfiCY\n")))
        .isEqualTo(new S3Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCY"));
    assertThat(S3Credentials.read(write("id\r\nsecret")))
        .isEqualTo(new S3Credentials("id", "secret"));
  }

  @Test
  void neverShowsTheSecret() throws Exception {
    S3Credentials c = S3Credentials.read(write("id\nsuper-secret\n"));
    assertThat(c.toString()).contains("id").doesNotContain("super-secret");
  }

  @Test
  void refusesBadFilesNamingTheLineButNotItsContent() throws Exception {
    String[][] cases = {
      {"", "must have two lines, the access key id and then the secret access key; it has 0"},
      {"only-one\n", "it has 1"},
      {"a\nb\nc\n", "it has 3"},
      {"\nsecret-value\n", "line 1 of the publish credentials file"},
      {"id\nsecret value\n", "(secret access key) has a space"},
      {"id\nsecr\u00e9t-value\n", "(secret access key) has a space, a control or a non-ASCII"},
    };
    for (String[] c : cases) {
      Path f = write(c[0]);
      assertThatThrownBy(() -> S3Credentials.read(f))
          .as(c[0])
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining(f.toString())
          .hasMessageContaining(c[1])
          .hasMessageNotContaining("secret value")
          .hasMessageNotContaining("secret-value");
    }
    Files.writeString(dir.resolve("big"), "x".repeat(S3Credentials.MAX_FILE_BYTES + 1));
    assertThatThrownBy(() -> S3Credentials.read(dir.resolve("big")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("larger than 4096 bytes");
    assertThatThrownBy(() -> S3Credentials.read(dir.resolve("absent")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("there is no such file");
  }
}
