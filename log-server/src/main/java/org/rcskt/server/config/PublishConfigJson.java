package org.rcskt.server.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;

/** Parses the config file's {@code publish} object into a {@link PublishConfig}. */
final class PublishConfigJson {
  private PublishConfigJson() {}

  /** The longest endpoint URL accepted. */
  static final int MAX_ENDPOINT_LENGTH = 2048;

  static PublishConfig parse(Path file, String key, JsonNode v, Path base) {
    if (!v.isObject()) {
      throw new ConfigException("config file " + file + ": \"" + key + "\" must be an object");
    }
    URI endpoint = null;
    String bucket = null;
    String prefix = "";
    String region = PublishConfig.DEFAULT_REGION;
    Path credentials = null;
    boolean pathStyle = false;
    int poll = PublishConfig.DEFAULT_POLL_MILLIS;
    int backoff = PublishConfig.DEFAULT_MAX_BACKOFF_MILLIS;
    int timeout = PublishConfig.DEFAULT_REQUEST_TIMEOUT_SECONDS;
    int readyLag = 0;
    for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String f = key + "." + e.getKey();
      JsonNode w = e.getValue();
      switch (e.getKey()) {
        case "endpoint" -> endpoint = uri(file, f, ServerConfig.text(file, f, w));
        case "bucket" -> bucket = ServerConfig.text(file, f, w);
        case "prefix" -> prefix = ServerConfig.text(file, f, w);
        case "region" -> region = ServerConfig.text(file, f, w);
        case "credentialsFile" -> credentials = base.resolve(ServerConfig.text(file, f, w));
        case "pathStyle" -> pathStyle = ServerConfig.bool(file, f, w);
        case "pollMillis" -> poll = ServerConfig.integer(file, f, w);
        case "maxBackoffMillis" -> backoff = ServerConfig.integer(file, f, w);
        case "requestTimeoutSeconds" -> timeout = ServerConfig.integer(file, f, w);
        case "readyMaxLagSeconds" -> readyLag = ServerConfig.integer(file, f, w);
        default ->
            throw new ConfigException("config file " + file + " has unknown key \"" + f + "\"");
      }
    }
    if (bucket == null || credentials == null) {
      throw new ConfigException(
          "config file "
              + file
              + ": \""
              + key
              + "\" needs both \"bucket\" and \"credentialsFile\"");
    }
    try {
      return new PublishConfig(
          endpoint,
          bucket,
          prefix,
          region,
          credentials,
          pathStyle,
          poll,
          backoff,
          timeout,
          readyLag);
    } catch (ConfigException ex) {
      throw new ConfigException("config file " + file + ": " + ex.getMessage());
    }
  }

  private static URI uri(Path file, String key, String s) {
    if (s.length() > MAX_ENDPOINT_LENGTH) {
      throw new ConfigException(
          "config file "
              + file
              + ": \""
              + key
              + "\" is "
              + s.length()
              + " characters, more than "
              + MAX_ENDPOINT_LENGTH);
    }
    try {
      return new URI(s);
    } catch (URISyntaxException e) {
      // Not the input: a mistyped URL may hold a password.
      throw new ConfigException(
          "config file "
              + file
              + ": \""
              + key
              + "\" is not a URL: "
              + e.getReason()
              + " at index "
              + e.getIndex());
    }
  }
}
