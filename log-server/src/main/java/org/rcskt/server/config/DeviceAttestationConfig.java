package org.rcskt.server.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import org.rcskt.verifier.attestation.AndroidStatusList;
import org.rcskt.verifier.attestation.DeviceAttestationPolicy;
import org.rcskt.verifier.attestation.DeviceAttestationPolicyJson;

/**
 * The config file's {@code deviceAttestation} object (docs/operations.md, "Device attestation"):
 * the published policy's fields (docs/protocol.md), except that roots are read from PEM files
 * ({@code androidRootsFile}, {@code appleRootsFile}) and the Android status list from {@code
 * statusListFile}, each path relative to the config file.
 */
final class DeviceAttestationConfig {
  private DeviceAttestationConfig() {}

  /** The largest roots file or status list read. */
  static final long MAX_FILE_BYTES = 64L << 20;

  static DeviceAttestationPolicy parse(Path file, String key, JsonNode v, Path base) {
    if (!v.isObject()) {
      throw new ConfigException("config file " + file + ": \"" + key + "\" must be an object");
    }
    ObjectNode published = ((ObjectNode) v).deepCopy();
    AndroidStatusList status = null;
    for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String name = key + "." + e.getKey();
      switch (e.getKey()) {
        case "androidRootsFile", "appleRootsFile" -> {
          published.remove(e.getKey());
          String field = e.getKey().replace("File", "");
          if (v.has(field)) {
            throw new ConfigException(
                "config file "
                    + file
                    + ": \""
                    + key
                    + "\" has both "
                    + e.getKey()
                    + " and "
                    + field);
          }
          published.put(field, read(file, name, base.resolve(text(file, name, e.getValue()))));
        }
        case "statusListFile" -> {
          published.remove(e.getKey());
          Path p = base.resolve(text(file, name, e.getValue()));
          try {
            status = AndroidStatusList.parse(read(file, name, p), p.toString());
          } catch (IllegalArgumentException ex) {
            throw new ConfigException(
                "config file " + file + ": \"" + name + "\": " + ex.getMessage());
          }
        }
        default -> {
          // the published fields, checked below
        }
      }
    }
    try {
      return DeviceAttestationPolicyJson.fromJson(published, key).withStatusList(status);
    } catch (IllegalArgumentException ex) {
      throw new ConfigException("config file " + file + ": " + ex.getMessage());
    }
  }

  private static String text(Path file, String name, JsonNode v) {
    if (!v.isTextual() || v.asText().isEmpty()) {
      throw new ConfigException("config file " + file + ": \"" + name + "\" must be a file name");
    }
    return v.asText();
  }

  private static String read(Path file, String name, Path p) {
    try {
      if (Files.size(p) > MAX_FILE_BYTES) {
        throw new ConfigException(
            "config file " + file + ": \"" + name + "\": " + p + " is larger than 64 MiB");
      }
      return Files.readString(p, StandardCharsets.UTF_8);
    } catch (IOException ex) {
      throw new ConfigException(
          "config file " + file + ": \"" + name + "\": cannot read " + p + ": " + ex.getMessage());
    }
  }
}
