package org.rcskt.monitor.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rcskt.monitor.testing.WebhookReceiver;

class SinksTest {
  @TempDir Path dir;

  @Test
  void jsonLinesSinkWritesOneLinePerAlert() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    JsonLinesSink sink = new JsonLinesSink("stdout", out);
    sink.deliver(AlertTest.sample("a", AlertKind.REVOCATION).withSeq(1));
    sink.deliver(AlertTest.sample("b", AlertKind.REVOCATION).withSeq(2));
    String[] lines = out.toString(StandardCharsets.UTF_8).split("\n", -1);
    assertThat(lines).hasSize(3);
    assertThat(lines[2]).isEmpty();
    assertThat(Alert.fromJson(lines[1].getBytes(StandardCharsets.UTF_8)).id()).isEqualTo("b");
    assertThat(sink.lastDelivered()).isNull();
  }

  @Test
  void fileSinkAppendsAndRemembersTheLastSequenceNumber() throws IOException {
    Path f = dir.resolve("sub/alerts.jsonl");
    try (FileSink sink = new FileSink("file", f)) {
      assertThat(sink.lastDelivered()).isNull();
      sink.deliver(AlertTest.sample("a", AlertKind.REVOCATION).withSeq(1));
      sink.deliver(AlertTest.sample("b", AlertKind.REVOCATION).withSeq(2));
    }
    try (FileSink sink = new FileSink("file", f)) {
      assertThat(sink.lastDelivered().seq()).isEqualTo(2);
      assertThat(sink.lastDelivered().id()).isEqualTo("b");
      sink.deliver(AlertTest.sample("c", AlertKind.REVOCATION).withSeq(3));
    }
    assertThat(Files.readAllLines(f)).hasSize(3);
  }

  @Test
  void fileSinkCutsALineTornByACrash() throws IOException {
    Path f = dir.resolve("alerts.jsonl");
    try (FileSink sink = new FileSink("file", f)) {
      sink.deliver(AlertTest.sample("a", AlertKind.REVOCATION).withSeq(5));
    }
    Files.write(
        f,
        "{\"seq\":6,\"id\":\"b\",\"ki".getBytes(StandardCharsets.UTF_8),
        StandardOpenOption.APPEND);
    try (FileSink sink = new FileSink("file", f)) {
      assertThat(sink.lastDelivered().seq()).isEqualTo(5);
      sink.deliver(AlertTest.sample("b", AlertKind.REVOCATION).withSeq(6));
    }
    List<String> lines = Files.readAllLines(f);
    assertThat(lines).hasSize(2);
    assertThat(Alert.fromJson(lines.get(1).getBytes(StandardCharsets.UTF_8)).seq()).isEqualTo(6);
  }

  @Test
  void fileSinkRefusesAFileWhoseLastLineIsNotAnAlert() throws IOException {
    Path f = dir.resolve("alerts.jsonl");
    Files.writeString(f, "hello\n");
    assertThatThrownBy(() -> new FileSink("file", f))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith(f + ": last line is not an alert: ");
  }

  @Test
  void webhookSinkPostsTheAlertWithItsIdempotencyKey() throws IOException {
    try (WebhookReceiver r = WebhookReceiver.start()) {
      WebhookSink sink =
          new WebhookSink(
              "hook", r.url(), Map.of("Authorization", "Bearer t"), Duration.ofSeconds(5));
      Alert a = AlertTest.sample("id-1", AlertKind.UNEXPECTED_KEY).withSeq(1);
      sink.deliver(a);
      assertThat(r.bodies()).containsExactly(a.toJson());
      assertThat(r.idempotencyKeys()).containsExactly("id-1");
      r.answer(500);
      assertThatThrownBy(() -> sink.deliver(a))
          .isInstanceOf(IOException.class)
          .hasMessage("webhook " + r.url() + " answered 500 to alert 1");
      r.stop();
      assertThatThrownBy(() -> sink.deliver(a)).isInstanceOf(IOException.class);
    }
  }

  @Test
  void commandSinkRunsTheHookWithTheAlertInItsEnvironment() throws IOException {
    Path out = dir.resolve("env.txt");
    Path script =
        script(
            "hook.sh",
            "#!/bin/sh\nprintf '%s|%s|%s\\n' \"$RCSKT_ALERT_KIND\" \"$RCSKT_ALERT_LABEL\""
                + " \"$RCSKT_ALERT_SEQ\" >> \""
                + out
                + "\"\n");
    CommandSink sink = new CommandSink("hook", List.of(script.toString()), Duration.ofSeconds(10));
    sink.deliver(AlertTest.sample("x", AlertKind.RECOVERY_ROTATION).withSeq(4));
    assertThat(Files.readAllLines(out)).containsExactly("recovery-rotation|alice|4");
  }

  @Test
  void commandSinkFailsOnANonZeroExitAndOnTimeout() throws IOException {
    Path fail = script("fail.sh", "#!/bin/sh\nexit 3\n");
    Alert a = AlertTest.sample("x", AlertKind.RECOVERY_ROTATION).withSeq(4);
    assertThatThrownBy(
            () ->
                new CommandSink("hook", List.of(fail.toString()), Duration.ofSeconds(10))
                    .deliver(a))
        .isInstanceOf(IOException.class)
        .hasMessage("alert hook " + fail + " exited with 3 for alert 4");
    Path slow = script("slow.sh", "#!/bin/sh\nsleep 30\n");
    assertThatThrownBy(
            () ->
                new CommandSink("hook", List.of(slow.toString()), Duration.ofMillis(300))
                    .deliver(a))
        .isInstanceOf(IOException.class)
        .hasMessage("alert hook " + slow + " ran longer than PT0.3S; killed it");
  }

  private Path script(String name, String text) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, text);
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
    return p;
  }
}
