package org.rcskt.verifier.client;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Why the log refused an event: the HTTP status and the fields of the error body (docs/api.md,
 * "Errors"). The log keeps nothing of a refused event.
 *
 * @param status the HTTP status ({@code 400}, {@code 409}, {@code 422}, {@code 503}, ...)
 * @param error the machine-readable code, for example {@code rule_violation}
 * @param field the field at fault, or null when the problem is not about one field
 * @param detail the human-readable explanation
 * @param violation the rule's name for a {@code 409} or {@code 422} (for example {@code
 *     MISSING_CARRIER_ATTESTATION}), otherwise null
 */
public record Rejection(int status, String error, String field, String detail, String violation) {
  /** The longest detail kept from a log's answer. */
  static final int MAX_DETAIL_CHARS = 1024;

  /** True for a status that is worth retrying unchanged: the log was overloaded or stopping. */
  public boolean retryable() {
    return status == 503 || status == 429;
  }

  /** A one-line summary: status, code, field and detail. */
  public String summary() {
    StringBuilder sb = new StringBuilder().append(status).append(' ').append(error);
    if (violation != null) {
      sb.append(" (").append(violation).append(')');
    }
    if (field != null) {
      sb.append(" at ").append(field);
    }
    return sb.append(": ").append(detail).toString();
  }

  /** The rejection an error body describes; a body that is not the log's JSON error is kept raw. */
  static Rejection of(int status, JsonNode body, String raw) {
    if (body == null || !body.isObject() || !body.path("error").isTextual()) {
      return new Rejection(status, "http_" + status, null, cut(raw), null);
    }
    return new Rejection(
        status,
        cut(body.get("error").asText()),
        textOrNull(body, "field"),
        cut(body.path("detail").asText("")),
        textOrNull(body, "violation"));
  }

  private static String textOrNull(JsonNode body, String name) {
    JsonNode v = body.get(name);
    return v != null && v.isTextual() ? cut(v.asText()) : null;
  }

  private static String cut(String s) {
    return s.length() <= MAX_DETAIL_CHARS ? s : s.substring(0, MAX_DETAIL_CHARS) + "...";
  }
}
