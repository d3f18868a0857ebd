package org.rcskt.monitor.alert;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.rcskt.verifier.Hash;

/**
 * One alert. Immutable.
 *
 * <p>The {@link #id} is stable: detecting the same thing again (after a restart, or on the next
 * poll) yields the same id, which is how the monitor raises each alert once and how a receiver can
 * recognise a redelivery. The {@link #seq} is the monitor's own order of alerts, assigned when the
 * alert is committed; 0 before that.
 *
 * @param seq position in the monitor's alert order, from 1; 0 while not yet committed
 * @param id stable identity of what was detected
 * @param kind what it is about
 * @param timeMs when it was detected, in milliseconds since the epoch
 * @param origin the log it concerns, or null
 * @param subject the subject index it concerns, or null
 * @param label the watch-list label of the subject, or null
 * @param leafIndex the log entry it concerns, or -1
 * @param message one human-readable sentence
 * @param details further named values, sorted by name
 * @param evidence the id of the evidence bundle, for misbehaviour; otherwise null
 */
public record Alert(
    long seq,
    String id,
    AlertKind kind,
    long timeMs,
    String origin,
    Hash subject,
    String label,
    long leafIndex,
    String message,
    Map<String, String> details,
    String evidence) {

  private static final ObjectMapper JSON = new ObjectMapper();

  public Alert {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(message, "message");
    details = Collections.unmodifiableMap(new TreeMap<>(details));
  }

  /** The same alert with its commit sequence number. */
  public Alert withSeq(long seq) {
    return new Alert(
        seq, id, kind, timeMs, origin, subject, label, leafIndex, message, details, evidence);
  }

  /**
   * The alert as one line of JSON, without a line terminator. Fields that are absent are left out.
   */
  public String toJson() {
    ObjectNode n = JSON.createObjectNode();
    n.put("seq", seq);
    n.put("id", id);
    n.put("kind", kind.wireName());
    n.put("severity", kind.severity().name().toLowerCase(java.util.Locale.ROOT));
    n.put("time", Instant.ofEpochMilli(timeMs).toString());
    if (origin != null) {
      n.put("origin", origin);
    }
    if (subject != null) {
      n.put("subject", subject.toHex());
    }
    if (label != null) {
      n.put("label", label);
    }
    if (leafIndex >= 0) {
      n.put("leafIndex", leafIndex);
    }
    n.put("message", message);
    if (!details.isEmpty()) {
      ObjectNode d = n.putObject("details");
      details.forEach(d::put);
    }
    if (evidence != null) {
      n.put("evidence", evidence);
    }
    try {
      return JSON.writeValueAsString(n);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a tree of strings and numbers always serializes", e);
    }
  }

  /** {@link #toJson()} in UTF-8. */
  public byte[] toJsonBytes() {
    return toJson().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Reads what {@link #toJson()} wrote.
   *
   * @throws IOException if the text is not such an alert
   */
  public static Alert fromJson(byte[] json) throws IOException {
    JsonNode n = JSON.readTree(json);
    if (n == null || !n.isObject()) {
      throw new IOException("alert is not a JSON object");
    }
    try {
      Map<String, String> details = new TreeMap<>();
      JsonNode d = n.get("details");
      if (d != null) {
        for (Map.Entry<String, JsonNode> e : d.properties()) {
          details.put(e.getKey(), e.getValue().asText());
        }
      }
      return new Alert(
          n.path("seq").asLong(0),
          text(n, "id"),
          AlertKind.fromWireName(text(n, "kind")),
          Instant.parse(text(n, "time")).toEpochMilli(),
          optional(n, "origin"),
          n.has("subject") ? Hash.fromHex(text(n, "subject")) : null,
          optional(n, "label"),
          n.path("leafIndex").asLong(-1),
          text(n, "message"),
          details,
          optional(n, "evidence"));
    } catch (RuntimeException e) {
      throw new IOException("alert JSON is malformed: " + e.getMessage(), e);
    }
  }

  private static String text(JsonNode n, String field) throws IOException {
    JsonNode v = n.get(field);
    if (v == null || !v.isTextual()) {
      throw new IOException("alert JSON has no text field \"" + field + "\"");
    }
    return v.asText();
  }

  private static String optional(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  /**
   * The alert as environment variables for a command hook: {@code RCSKT_ALERT_JSON} holds all of
   * it, the others the individual fields (empty when absent).
   */
  public Map<String, String> toEnvironment() {
    Map<String, String> env = new TreeMap<>();
    env.put("RCSKT_ALERT_JSON", toJson());
    env.put("RCSKT_ALERT_SEQ", Long.toString(seq));
    env.put("RCSKT_ALERT_ID", id);
    env.put("RCSKT_ALERT_KIND", kind.wireName());
    env.put("RCSKT_ALERT_SEVERITY", kind.severity().name().toLowerCase(java.util.Locale.ROOT));
    env.put("RCSKT_ALERT_TIME", Instant.ofEpochMilli(timeMs).toString());
    env.put("RCSKT_ALERT_ORIGIN", origin == null ? "" : origin);
    env.put("RCSKT_ALERT_SUBJECT", subject == null ? "" : subject.toHex());
    env.put("RCSKT_ALERT_LABEL", label == null ? "" : label);
    env.put("RCSKT_ALERT_LEAF_INDEX", leafIndex < 0 ? "" : Long.toString(leafIndex));
    env.put("RCSKT_ALERT_MESSAGE", message);
    env.put("RCSKT_ALERT_EVIDENCE", evidence == null ? "" : evidence);
    return env;
  }
}
