package org.rcskt.verifier.attestation;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.bouncycastle.cert.X509CertificateHolder;

/**
 * Google's Android attestation status list (the JSON at {@code
 * https://android.googleapis.com/attestation/status}): revoked and suspended attestation
 * certificates, keyed by serial number: {@code {"entries": {"<serial>": {"status": "REVOKED",
 * "reason": "KEY_COMPROMISE"}}}}.
 *
 * <p>Keys are compared case-insensitively with leading zeros ignored. Google documents them as hex,
 * but the published list (and its sample) also holds all-digit keys of up to 20 digits that are
 * 64-bit serials written in decimal, so a certificate is looked up under its hex and its decimal
 * serial. A collision of the two forms can only wrongly refuse a certificate, never accept one.
 */
public final class AndroidStatusList {
  /** The longest list text accepted, in characters. */
  public static final int MAX_JSON_CHARS = 64 << 20;

  /** The most entries accepted. */
  public static final int MAX_ENTRIES = 1_000_000;

  private static final JsonMapper JSON =
      JsonMapper.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  /**
   * One listed certificate.
   *
   * @param serial the key as the list writes it
   * @param status {@code REVOKED}, {@code SUSPENDED} or a status Google adds later; any listed
   *     certificate is refused
   * @param reason the reason (for example {@code KEY_COMPROMISE}), or null
   * @param comment the comment, or null
   */
  public record Entry(String serial, String status, String reason, String comment) {}

  private final Map<String, Entry> entries;
  private final String source;

  private AndroidStatusList(Map<String, Entry> entries, String source) {
    this.entries = Map.copyOf(entries);
    this.source = source;
  }

  /**
   * Parses a status list.
   *
   * @param source names the input in messages (a file name or URL)
   * @throws IllegalArgumentException naming what is wrong: not JSON, too large, no {@code entries}
   *     object, a key that is not a serial, an entry without a string {@code status}, a serial
   *     listed twice
   */
  public static AndroidStatusList parse(String json, String source) {
    if (json.length() > MAX_JSON_CHARS) {
      throw new IllegalArgumentException(
          source + ": the status list is " + json.length() + " characters, over " + MAX_JSON_CHARS);
    }
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JacksonException e) {
      throw new IllegalArgumentException(
          source + ": the status list is not JSON: " + e.getOriginalMessage(), e);
    }
    JsonNode list = root == null ? null : root.get("entries");
    if (list == null || !list.isObject()) {
      throw new IllegalArgumentException(source + ": the status list has no \"entries\" object");
    }
    if (list.size() > MAX_ENTRIES) {
      throw new IllegalArgumentException(
          source + ": the status list has " + list.size() + " entries, over " + MAX_ENTRIES);
    }
    Map<String, Entry> out = new HashMap<>();
    for (Map.Entry<String, JsonNode> f : list.properties()) {
      String key = normalize(f.getKey());
      if (key == null) {
        throw new IllegalArgumentException(
            source + ": entry key \"" + f.getKey() + "\" is not a hex or decimal serial number");
      }
      JsonNode v = f.getValue();
      JsonNode status = v.get("status");
      if (!v.isObject() || status == null || !status.isTextual() || status.asText().isEmpty()) {
        throw new IllegalArgumentException(
            source + ": entry " + f.getKey() + " has no \"status\" string");
      }
      Entry e = new Entry(f.getKey(), status.asText(), text(v, "reason"), text(v, "comment"));
      if (out.put(key, e) != null) {
        throw new IllegalArgumentException(
            source + ": serial " + f.getKey() + " is listed twice (leading zeros or case differ)");
      }
    }
    return new AndroidStatusList(out, source);
  }

  /** The entry for {@code cert}'s serial number, in hex or in decimal, or null if not listed. */
  public Entry statusOf(X509CertificateHolder cert) {
    Entry e = entries.get(CertificateChains.serialHex(cert));
    return e != null ? e : entries.get(cert.getSerialNumber().toString());
  }

  /**
   * The entry listed under {@code serialHex} (any case, leading zeros ignored), or null.
   *
   * @throws IllegalArgumentException if {@code serialHex} is not hex digits
   */
  public Entry statusOf(String serialHex) {
    String key = normalize(serialHex);
    if (key == null) {
      throw new IllegalArgumentException("\"" + serialHex + "\" is not a hex serial number");
    }
    return entries.get(key);
  }

  /** How many certificates the list holds. */
  public int size() {
    return entries.size();
  }

  /** The source named at {@link #parse}. */
  public String source() {
    return source;
  }

  private static String normalize(String serial) {
    String s = serial.toLowerCase(Locale.ROOT);
    if (s.isEmpty()
        || s.length() > 256
        || !s.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      return null;
    }
    int i = 0;
    while (i < s.length() - 1 && s.charAt(i) == '0') {
      i++;
    }
    return s.substring(i);
  }

  private static String text(JsonNode entry, String field) {
    JsonNode n = entry.get(field);
    return n != null && n.isTextual() ? n.asText() : null;
  }
}
