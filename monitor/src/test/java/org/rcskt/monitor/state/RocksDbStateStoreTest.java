package org.rcskt.monitor.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rcskt.monitor.alert.Alert;
import org.rcskt.monitor.alert.AlertKind;
import org.rcskt.verifier.Hash;

class RocksDbStateStoreTest {
  @TempDir Path dir;

  private static Alert alert(String id) {
    return new Alert(0, id, AlertKind.REVOCATION, 1, "o", null, null, -1, "m", Map.of(), null);
  }

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void commitIsPersistedAndAlertsAreQueuedForEverySink() throws IOException {
    Hash subject = Hash.sha256(b("s"));
    try (RocksDbStateStore s = RocksDbStateStore.open(dir)) {
      s.useSinks(List.of("a", "b"));
      try (RocksDbStateStore.Commit c = s.begin()) {
        c.checkpoint("o", b("note"))
            .progress("o", b("p"))
            .subject("o", subject, b("state"))
            .bundleDigest("o", 3, b("d"))
            .logMeta("o", "policy", b("k"))
            .raise(alert("x"))
            .raise(alert("y"))
            .raise(alert("x"));
        List<Alert> raised = c.commit();
        assertThat(raised).extracting(Alert::id).containsExactly("x", "y");
        assertThat(raised).extracting(Alert::seq).containsExactly(1L, 2L);
      }
    }
    try (RocksDbStateStore s = RocksDbStateStore.open(dir)) {
      s.useSinks(List.of("a", "b"));
      assertThat(s.checkpoint("o")).isEqualTo(b("note"));
      assertThat(s.checkpoint("other")).isNull();
      assertThat(s.progress("o")).isEqualTo(b("p"));
      assertThat(s.subject("o", subject)).isEqualTo(b("state"));
      assertThat(s.subject("other", subject)).isNull();
      assertThat(s.bundleDigest("o", 3)).isEqualTo(b("d"));
      assertThat(s.bundleDigest("o", 4)).isNull();
      assertThat(s.logMeta("o", "policy")).isEqualTo(b("k"));
      assertThat(s.alertRaised("x")).isTrue();
      assertThat(s.alertCount()).isEqualTo(2);
      assertThat(s.pending("a", 10)).extracting(Alert::seq).containsExactly(1L, 2L);
      assertThat(s.pendingCount("b")).isEqualTo(2);
      s.remove("a", 1);
      assertThat(s.pending("a", 10)).extracting(Alert::id).containsExactly("y");
      assertThat(s.pending("b", 1)).extracting(Alert::id).containsExactly("x");

      try (RocksDbStateStore.Commit c = s.begin()) {
        assertThat(c.raise(alert("x")).raise(alert("z")).commit())
            .extracting(Alert::seq)
            .containsExactly(3L);
      }
    }
  }

  @Test
  void queuesOfRemovedSinksAreDropped() throws IOException {
    try (RocksDbStateStore s = RocksDbStateStore.open(dir)) {
      s.useSinks(List.of("a", "ab"));
      try (RocksDbStateStore.Commit c = s.begin()) {
        c.raise(alert("x")).commit();
      }
      s.useSinks(List.of("ab"));
      assertThat(s.pendingCount("a")).isZero();
      assertThat(s.pendingCount("ab")).isEqualTo(1);
    }
  }

  @Test
  void aSecondOpenOfTheSameDirectoryFails() throws IOException {
    try (RocksDbStateStore s = RocksDbStateStore.open(dir)) {
      assertThatThrownBy(() -> RocksDbStateStore.open(dir))
          .isInstanceOf(IOException.class)
          .hasMessageStartingWith("opening monitor state in " + dir + " failed: ");
    }
  }
}
