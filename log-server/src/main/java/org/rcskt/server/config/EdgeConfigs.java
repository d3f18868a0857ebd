package org.rcskt.server.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.rcskt.verifier.Hash;

/** Parses the {@code submitters} and {@code writeRateLimit} settings of a configuration file. */
final class EdgeConfigs {
  /** The most submitters a configuration names. */
  static final int MAX_SUBMITTERS = 10_000;

  private EdgeConfigs() {}

  static List<Submitter> submitters(Path file, String key, JsonNode v) {
    if (!v.isArray()) {
      throw new ConfigException("config file " + file + ": \"" + key + "\" must be an array");
    }
    if (v.size() > MAX_SUBMITTERS) {
      throw new ConfigException(
          "config file " + file + ": \"" + key + "\" has more than " + MAX_SUBMITTERS + " entries");
    }
    List<Submitter> out = new ArrayList<>();
    Set<String> names = new HashSet<>();
    Set<Hash> tokens = new HashSet<>();
    Set<Hash> keys = new HashSet<>();
    for (int i = 0; i < v.size(); i++) {
      String at = key + "[" + i + "]";
      JsonNode s = v.get(i);
      if (!s.isObject()) {
        throw new ConfigException("config file " + file + ": \"" + at + "\" must be an object");
      }
      String name = null;
      Hash token = null;
      Hash spki = null;
      Set<String> carriers = new LinkedHashSet<>();
      double perSecond = Submitter.DEFAULT_PER_SECOND;
      int burst = Submitter.DEFAULT_BURST;
      for (Iterator<Map.Entry<String, JsonNode>> it = s.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        String f = at + "." + e.getKey();
        JsonNode w = e.getValue();
        switch (e.getKey()) {
          case "name" -> name = ServerConfig.text(file, f, w);
          case "tokenSha256" -> token = sha256(file, f, w, "the token");
          case "clientCertSpkiSha256" ->
              spki = sha256(file, f, w, "the certificate's SubjectPublicKeyInfo");
          case "carriers" -> {
            if (!w.isArray()) {
              throw new ConfigException(
                  "config file " + file + ": \"" + f + "\" must be an array of carrier ids");
            }
            for (JsonNode c : w) {
              carriers.add(ServerConfig.text(file, f, c));
            }
          }
          case "perSecond" -> perSecond = ServerConfig.number(file, f, w);
          case "burst" -> burst = ServerConfig.integer(file, f, w);
          default ->
              throw new ConfigException("config file " + file + " has unknown key \"" + f + "\"");
        }
      }
      Submitter sub;
      try {
        sub = new Submitter(name, token, spki, carriers, perSecond, burst);
      } catch (ConfigException ex) {
        throw new ConfigException("config file " + file + ": \"" + at + "\": " + ex.getMessage());
      }
      if (!names.add(sub.name())) {
        throw new ConfigException(
            "config file " + file + ": \"" + at + "\" repeats the name " + sub.name());
      }
      if (sub.clientCertSpkiSha256() != null && !keys.add(sub.clientCertSpkiSha256())) {
        throw new ConfigException(
            "config file "
                + file
                + ": \""
                + at
                + "\" has the certificate key of another submitter");
      }
      if (sub.tokenSha256() != null && !tokens.add(sub.tokenSha256())) {
        throw new ConfigException(
            "config file " + file + ": \"" + at + "\" has the token of another submitter");
      }
      out.add(sub);
    }
    return out;
  }

  static WriteLimitConfig writeLimit(Path file, String key, JsonNode v) {
    if (!v.isObject()) {
      throw new ConfigException("config file " + file + ": \"" + key + "\" must be an object");
    }
    WriteLimitConfig d = WriteLimitConfig.DEFAULT;
    double perSecond = d.perSecond();
    int burst = d.burst();
    int maxSources = d.maxSources();
    boolean exemptLoopback = d.exemptLoopback();
    for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String f = key + "." + e.getKey();
      JsonNode w = e.getValue();
      switch (e.getKey()) {
        case "perSecond" -> perSecond = ServerConfig.number(file, f, w);
        case "burst" -> burst = ServerConfig.integer(file, f, w);
        case "maxSources" -> maxSources = ServerConfig.integer(file, f, w);
        case "exemptLoopback" -> exemptLoopback = ServerConfig.bool(file, f, w);
        default ->
            throw new ConfigException("config file " + file + " has unknown key \"" + f + "\"");
      }
    }
    try {
      return new WriteLimitConfig(perSecond, burst, maxSources, exemptLoopback);
    } catch (ConfigException ex) {
      throw new ConfigException("config file " + file + ": " + ex.getMessage());
    }
  }

  static TlsConfig tls(Path file, String key, JsonNode v, Path base) {
    if (!v.isObject()) {
      throw new ConfigException("config file " + file + ": \"" + key + "\" must be an object");
    }
    Path chain = null;
    Path pkey = null;
    boolean clients = false;
    boolean http2 = true;
    int reload = TlsConfig.DEFAULT_RELOAD_CHECK_SECONDS;
    for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String f = key + "." + e.getKey();
      JsonNode w = e.getValue();
      switch (e.getKey()) {
        case "certificateChainFile" -> chain = base.resolve(ServerConfig.text(file, f, w));
        case "privateKeyFile" -> pkey = base.resolve(ServerConfig.text(file, f, w));
        case "requestClientCertificates" -> clients = ServerConfig.bool(file, f, w);
        case "http2" -> http2 = ServerConfig.bool(file, f, w);
        case "reloadCheckSeconds" -> reload = ServerConfig.integer(file, f, w);
        default ->
            throw new ConfigException("config file " + file + " has unknown key \"" + f + "\"");
      }
    }
    if (chain == null || pkey == null) {
      throw new ConfigException(
          "config file "
              + file
              + ": \""
              + key
              + "\" needs both \"certificateChainFile\" and \"privateKeyFile\"");
    }
    try {
      return new TlsConfig(chain, pkey, clients, http2, reload);
    } catch (ConfigException ex) {
      throw new ConfigException("config file " + file + ": " + ex.getMessage());
    }
  }

  /** A SHA-256 given as 64 hex digits. */
  private static Hash sha256(Path file, String key, JsonNode v, String of) {
    try {
      return Hash.fromHex(ServerConfig.text(file, key, v));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(
          "config file "
              + file
              + ": \""
              + key
              + "\" must be 64 hex digits (the SHA-256 of "
              + of
              + ")");
    }
  }
}
