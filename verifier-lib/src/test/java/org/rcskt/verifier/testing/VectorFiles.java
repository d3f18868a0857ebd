package org.rcskt.verifier.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Locates the shared reference vectors ({@code ../shared/vectors} beside the project root). Tests
 * that need them call {@link #require(String)}, which skips the test with a message when the folder
 * is absent, so a checkout without it still builds and tests.
 */
public final class VectorFiles {
  private VectorFiles() {}

  /** The vectors root, from the {@code rcskt.vectors.dir} system property set by the build. */
  public static Path root() {
    String dir = System.getProperty("rcskt.vectors.dir");
    if (dir == null || dir.isEmpty()) {
      dir = "../../shared/vectors";
    }
    return Path.of(dir).toAbsolutePath().normalize();
  }

  /**
   * The file or folder {@code relative} under the vectors root; skips the calling test when it does
   * not exist.
   */
  public static Path require(String relative) {
    Path p = root().resolve(relative);
    assumeTrue(
        Files.exists(p),
        () -> "skipping: reference vectors not found at " + p + " (shared/vectors is absent)");
    return p;
  }
}
