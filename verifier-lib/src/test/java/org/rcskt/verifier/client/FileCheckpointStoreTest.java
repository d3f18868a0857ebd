package org.rcskt.verifier.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rcskt.verifier.io.AtomicFiles;

class FileCheckpointStoreTest {
  @TempDir Path dir;

  @Test
  void emptyUntilSavedThenReturnsExactBytes() throws IOException {
    FileCheckpointStore store = new FileCheckpointStore(dir.resolve("sub/log.checkpoint"));
    assertThat(store.load()).isEmpty();
    byte[] first = "example.org/log\n1\nAAAA\n\n— sig\n".getBytes(StandardCharsets.UTF_8);
    store.save(first);
    assertThat(store.load()).hasValueSatisfying(b -> assertThat(b).isEqualTo(first));
    byte[] second = "example.org/log\n2\nBBBB\n\n— sig\n".getBytes(StandardCharsets.UTF_8);
    store.save(second);
    assertThat(new FileCheckpointStore(store.file()).load())
        .hasValueSatisfying(b -> assertThat(b).isEqualTo(second));
  }

  @Test
  void leavesNoTemporaryFilesBehind() throws IOException {
    FileCheckpointStore store = new FileCheckpointStore(dir.resolve("log.checkpoint"));
    for (int i = 0; i < 5; i++) {
      store.save(("checkpoint " + i).getBytes(StandardCharsets.UTF_8));
    }
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("log.checkpoint");
    }
  }

  @Test
  void refusesAnOversizedFileWithoutReadingIt() throws IOException {
    Path file = dir.resolve("log.checkpoint");
    Files.write(file, new byte[FileCheckpointStore.MAX_CHECKPOINT_BYTES + 1]);
    assertThatThrownBy(() -> new FileCheckpointStore(file).load())
        .isInstanceOf(IOException.class)
        .hasMessage(file + " is larger than the limit of 65536 bytes");
  }

  @Test
  void refusesToSaveAnOversizedCheckpoint() {
    FileCheckpointStore store = new FileCheckpointStore(dir.resolve("log.checkpoint"));
    assertThatThrownBy(() -> store.save(new byte[70000]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("checkpoint is 70000 bytes, larger than the limit of 65536");
  }

  @Test
  void failedWriteKeepsThePreviousContent() throws IOException {
    Path file = dir.resolve("log.checkpoint");
    FileCheckpointStore store = new FileCheckpointStore(file);
    store.save("old".getBytes(StandardCharsets.UTF_8));
    // A directory where the temporary file would be renamed to makes the move fail.
    Path blocked = dir.resolve("blocked");
    Files.createDirectories(blocked.resolve("child"));
    assertThatThrownBy(() -> AtomicFiles.write(blocked, new byte[] {1}))
        .isInstanceOf(IOException.class);
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("log.checkpoint", "blocked");
    }
    assertThat(store.load()).hasValueSatisfying(b -> assertThat(b).containsExactly('o', 'l', 'd'));
  }
}
