package org.rcskt.verifier.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * The JSON form of an {@link AlgorithmPolicy}, as the log publishes it in {@code GET /v1/info}
 * ({@code rules.postQuantum}) and keeps it in its store: {@code {"requiredFrom": {"<carrier id or
 * *>": <ms>, ...}, "allowDowngrade": <boolean>}}.
 */
public final class AlgorithmPolicyJson {
  /** The most carriers a policy names. */
  public static final int MAX_CARRIERS = 65_535;

  private AlgorithmPolicyJson() {}

  /** The policy as JSON. */
  public static ObjectNode toJson(AlgorithmPolicy policy) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    ObjectNode from = o.putObject("requiredFrom");
    policy.postQuantumFrom().forEach(from::put);
    o.put("allowDowngrade", policy.allowDowngrade());
    return o;
  }

  /**
   * Reads the JSON form; {@code at} names the node in messages.
   *
   * @throws EventFormatException naming the field, if the node is not a valid policy
   */
  public static AlgorithmPolicy fromJson(JsonNode n, String at) throws EventFormatException {
    if (n == null || !n.isObject()) {
      throw new EventFormatException(at, "must be an object");
    }
    Map<String, Long> from = new TreeMap<>();
    boolean allow = false;
    for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      switch (e.getKey()) {
        case "requiredFrom":
          {
            JsonNode r = e.getValue();
            if (!r.isObject()) {
              throw new EventFormatException(at + ".requiredFrom", "must be an object");
            }
            if (r.size() > MAX_CARRIERS) {
              throw new EventFormatException(
                  at + ".requiredFrom", "names more than " + MAX_CARRIERS + " carriers");
            }
            for (Iterator<Map.Entry<String, JsonNode>> c = r.fields(); c.hasNext(); ) {
              Map.Entry<String, JsonNode> ce = c.next();
              JsonNode v = ce.getValue();
              if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < 0) {
                throw new EventFormatException(
                    at + ".requiredFrom." + ce.getKey(),
                    "must be a non-negative whole number of milliseconds");
              }
              from.put(ce.getKey(), v.asLong());
            }
            break;
          }
        case "allowDowngrade":
          if (!e.getValue().isBoolean()) {
            throw new EventFormatException(at + ".allowDowngrade", "must be true or false");
          }
          allow = e.getValue().asBoolean();
          break;
        default:
          throw new EventFormatException(at + "." + e.getKey(), "unknown field");
      }
    }
    try {
      return new AlgorithmPolicy(from, allow);
    } catch (IllegalArgumentException e) {
      throw new EventFormatException(at + ".requiredFrom", e.getMessage());
    }
  }
}
