package org.rcskt.monitor.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rcskt.verifier.Hash;

class AlertTest {
  static Alert sample(String id, AlertKind kind) {
    return new Alert(
        0,
        id,
        kind,
        1_700_000_000_123L,
        "kt.example/log",
        Hash.sha256("s".getBytes(StandardCharsets.UTF_8)),
        "alice",
        42,
        "a key nobody expected",
        Map.of("keyId", "ab", "deviceId", "phone"),
        null);
  }

  @Test
  void jsonRoundTripKeepsEveryField() throws IOException {
    Alert a = sample("unexpected-key:kt.example/log:42", AlertKind.UNEXPECTED_KEY).withSeq(7);
    String json = a.toJson();
    assertThat(json)
        .startsWith("{\"seq\":7,\"id\":\"unexpected-key:kt.example/log:42\"")
        .contains("\"kind\":\"unexpected-key\"", "\"severity\":\"critical\"")
        .contains("\"time\":\"2023-11-14T22:13:20.123Z\"", "\"leafIndex\":42")
        .doesNotContain("evidence");
    assertThat(Alert.fromJson(a.toJsonBytes())).isEqualTo(a);
  }

  @Test
  void absentFieldsAreLeftOut() throws IOException {
    Alert a =
        new Alert(
            3,
            "heartbeat:1",
            AlertKind.HEARTBEAT,
            0,
            null,
            null,
            null,
            -1,
            "alive",
            Map.of(),
            null);
    assertThat(a.toJson())
        .isEqualTo(
            "{\"seq\":3,\"id\":\"heartbeat:1\",\"kind\":\"heartbeat\",\"severity\":\"info\","
                + "\"time\":\"1970-01-01T00:00:00Z\",\"message\":\"alive\"}");
    assertThat(Alert.fromJson(a.toJsonBytes())).isEqualTo(a);
  }

  @Test
  void malformedJsonIsRejectedWithTheReason() {
    assertThatThrownBy(() -> Alert.fromJson("[1]".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IOException.class)
        .hasMessage("alert is not a JSON object");
    assertThatThrownBy(() -> Alert.fromJson("{\"id\":\"x\"}".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IOException.class)
        .hasMessage("alert JSON has no text field \"kind\"");
    assertThatThrownBy(
            () ->
                Alert.fromJson("{\"id\":\"x\",\"kind\":\"nope\"}".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IOException.class)
        .hasMessage("alert JSON is malformed: unknown alert kind \"nope\"");
  }

  @Test
  void environmentCarriesEachField() {
    Map<String, String> env = sample("x", AlertKind.REVOCATION).withSeq(9).toEnvironment();
    assertThat(env)
        .containsEntry("RCSKT_ALERT_SEQ", "9")
        .containsEntry("RCSKT_ALERT_ID", "x")
        .containsEntry("RCSKT_ALERT_KIND", "revocation")
        .containsEntry("RCSKT_ALERT_SEVERITY", "warning")
        .containsEntry("RCSKT_ALERT_LABEL", "alice")
        .containsEntry("RCSKT_ALERT_LEAF_INDEX", "42")
        .containsEntry("RCSKT_ALERT_EVIDENCE", "");
    assertThat(env.get("RCSKT_ALERT_JSON")).contains("\"seq\":9");
  }

  @Test
  void kindWireNamesRoundTrip() {
    for (AlertKind k : AlertKind.values()) {
      assertThat(AlertKind.fromWireName(k.wireName())).isEqualTo(k);
    }
    assertThat(AlertKind.SPLIT_VIEW.wireName()).isEqualTo("split-view");
    assertThat(AlertKind.SPLIT_VIEW.isMisbehaviour()).isTrue();
    assertThat(AlertKind.UNEXPECTED_KEY.isMisbehaviour()).isFalse();
  }
}
