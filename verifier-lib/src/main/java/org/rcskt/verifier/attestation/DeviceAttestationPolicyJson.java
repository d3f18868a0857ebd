package org.rcskt.verifier.attestation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The JSON form of a {@link DeviceAttestationPolicy}, as the log publishes it in {@code GET
 * /v1/info} ({@code rules.deviceAttestation}) and reads it from its configuration:
 *
 * <pre>
 * {"androidRoots": "&lt;PEM&gt;", "appleRoots": "&lt;PEM&gt;",
 *  "apps": {"android": [{"packageName": "com.example.rcs", "signingCertSha256": "&lt;64 hex&gt;"}],
 *           "apple": ["TEAMID1234.com.example.rcs"]},
 *  "carrierApps": {"&lt;carrier id&gt;": {"android": [...], "apple": [...]}},
 *  "hardwareRequiredFrom": {"&lt;carrier id or *&gt;": &lt;ms or ISO-8601 instant&gt;},
 *  "allowAppleDevelopment": false}
 * </pre>
 *
 * <p>Every field is optional. The status list is never part of it: it is the log's ingest-time
 * input, not a rule a replay can apply.
 */
public final class DeviceAttestationPolicyJson {
  private DeviceAttestationPolicyJson() {}

  /** The most apps an allow list names, and the most carriers the maps name. */
  public static final int MAX_ENTRIES = 10_000;

  /** The policy as JSON (without its status list). */
  public static ObjectNode toJson(DeviceAttestationPolicy p) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("androidRoots", p.androidRoots().anchors().isEmpty() ? "" : p.androidRoots().toPem());
    o.put("appleRoots", p.appleRoots().anchors().isEmpty() ? "" : p.appleRoots().toPem());
    o.set("apps", apps(p.apps()));
    ObjectNode ca = o.putObject("carrierApps");
    p.carrierApps().forEach((k, v) -> ca.set(k, apps(v)));
    ObjectNode hw = o.putObject("hardwareRequiredFrom");
    p.hardwareRequiredFrom().forEach(hw::put);
    o.put("allowAppleDevelopment", p.allowAppleDevelopment());
    return o;
  }

  private static ObjectNode apps(DeviceAttestationPolicy.Apps a) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    ArrayNode android = o.putArray("android");
    for (AndroidKeyAttestation.AllowedApp app : a.android()) {
      android
          .addObject()
          .put("packageName", app.packageName())
          .put("signingCertSha256", HexFormat.of().formatHex(app.signingCertificateSha256()));
    }
    ArrayNode apple = o.putArray("apple");
    new java.util.TreeSet<>(a.apple()).forEach(apple::add);
    return o;
  }

  /**
   * Reads the JSON form; {@code at} names the node in messages.
   *
   * @throws IllegalArgumentException naming the field ({@code at.apps.android[0].packageName: ...})
   *     if the node is not a valid policy
   */
  public static DeviceAttestationPolicy fromJson(JsonNode n, String at) {
    if (n == null || !n.isObject()) {
      throw new IllegalArgumentException(at + ": must be an object");
    }
    TrustAnchors android = TrustAnchors.none();
    TrustAnchors apple = TrustAnchors.none();
    DeviceAttestationPolicy.Apps apps = DeviceAttestationPolicy.Apps.NONE;
    Map<String, DeviceAttestationPolicy.Apps> carrierApps = new TreeMap<>();
    Map<String, Long> hardware = new TreeMap<>();
    boolean development = false;
    for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String f = at + "." + e.getKey();
      JsonNode v = e.getValue();
      switch (e.getKey()) {
        case "androidRoots" -> android = roots(v, f);
        case "appleRoots" -> apple = roots(v, f);
        case "apps" -> apps = apps(v, f);
        case "carrierApps" -> {
          for (Map.Entry<String, JsonNode> c : entries(v, f)) {
            carrierApps.put(c.getKey(), apps(c.getValue(), f + "." + c.getKey()));
          }
        }
        case "hardwareRequiredFrom" -> {
          for (Map.Entry<String, JsonNode> c : entries(v, f)) {
            hardware.put(c.getKey(), instant(c.getValue(), f + "." + c.getKey()));
          }
        }
        case "allowAppleDevelopment" -> {
          if (!v.isBoolean()) {
            throw new IllegalArgumentException(f + ": must be true or false");
          }
          development = v.asBoolean();
        }
        default -> throw new IllegalArgumentException(f + ": unknown field");
      }
    }
    return new DeviceAttestationPolicy(
        android, apple, apps, carrierApps, hardware, development, null);
  }

  private static TrustAnchors roots(JsonNode v, String f) {
    if (!v.isTextual()) {
      throw new IllegalArgumentException(f + ": must be PEM text");
    }
    return v.asText().isEmpty() ? TrustAnchors.none() : TrustAnchors.fromPem(v.asText(), f);
  }

  private static List<Map.Entry<String, JsonNode>> entries(JsonNode v, String f) {
    if (!v.isObject()) {
      throw new IllegalArgumentException(f + ": must be an object");
    }
    if (v.size() > MAX_ENTRIES) {
      throw new IllegalArgumentException(f + ": more than " + MAX_ENTRIES + " entries");
    }
    List<Map.Entry<String, JsonNode>> out = new ArrayList<>();
    v.fields().forEachRemaining(out::add);
    return out;
  }

  private static long instant(JsonNode v, String f) {
    if (v.isIntegralNumber() && v.canConvertToLong() && v.asLong() >= 0) {
      return v.asLong();
    }
    if (v.isTextual()) {
      try {
        return Instant.parse(v.asText()).toEpochMilli();
      } catch (DateTimeParseException e) {
        // fall through to the message below
      }
    }
    throw new IllegalArgumentException(
        f + ": must be milliseconds or an instant such as 2027-01-01T00:00:00Z");
  }

  private static DeviceAttestationPolicy.Apps apps(JsonNode v, String f) {
    List<AndroidKeyAttestation.AllowedApp> android = new ArrayList<>();
    Set<String> apple = new LinkedHashSet<>();
    for (Map.Entry<String, JsonNode> e : entries(v, f)) {
      String g = f + "." + e.getKey();
      JsonNode list = e.getValue();
      if (!list.isArray() || list.size() > MAX_ENTRIES) {
        throw new IllegalArgumentException(g + ": must be an array of at most " + MAX_ENTRIES);
      }
      switch (e.getKey()) {
        case "android" -> {
          for (int i = 0; i < list.size(); i++) {
            android.add(androidApp(list.get(i), g + "[" + i + "]"));
          }
        }
        case "apple" -> {
          for (int i = 0; i < list.size(); i++) {
            JsonNode id = list.get(i);
            if (!id.isTextual() || !id.asText().matches("[A-Z0-9]{10}\\.[A-Za-z0-9.-]{1,200}")) {
              throw new IllegalArgumentException(
                  g
                      + "["
                      + i
                      + "]: must be an App ID: a 10-character team id, '.', and a bundle id");
            }
            apple.add(id.asText());
          }
        }
        default -> throw new IllegalArgumentException(g + ": unknown field");
      }
    }
    return new DeviceAttestationPolicy.Apps(android, apple);
  }

  private static AndroidKeyAttestation.AllowedApp androidApp(JsonNode v, String f) {
    if (!v.isObject()) {
      throw new IllegalArgumentException(f + ": must be an object");
    }
    String name = null;
    byte[] digest = null;
    for (Map.Entry<String, JsonNode> e : entries(v, f)) {
      String g = f + "." + e.getKey();
      String text = e.getValue().isTextual() ? e.getValue().asText() : null;
      switch (e.getKey()) {
        case "packageName" -> {
          if (text == null
              || !text.matches("[A-Za-z0-9_]+(\\.[A-Za-z0-9_]+)*")
              || text.length() > 255) {
            throw new IllegalArgumentException(g + ": must be an Android package name");
          }
          name = text;
        }
        case "signingCertSha256" -> {
          if (text == null || !text.matches("[0-9a-fA-F]{64}")) {
            throw new IllegalArgumentException(g + ": must be 64 hex digits (SHA-256)");
          }
          digest = HexFormat.of().parseHex(text);
        }
        default -> throw new IllegalArgumentException(g + ": unknown field");
      }
    }
    if (name == null || digest == null) {
      throw new IllegalArgumentException(f + ": needs packageName and signingCertSha256");
    }
    return new AndroidKeyAttestation.AllowedApp(name, digest);
  }
}
