package org.rcskt.server.bench;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A validly signed REGISTER whose JSON is then damaged: bytes flipped, cut short, followed by more
 * content, keys given twice, padded past the 64 KiB body limit, nested thousands deep, values of
 * the wrong type, and JSON the strict parser must refuse. Any answer but a 5xx is right (a flip can
 * leave an event that parses, which the rules then judge).
 */
final class MutatedEventFamily implements HostileFamily {
  /** The server's body limit (docs/api.md). */
  static final int MAX_BODY_BYTES = 65_536;

  private static final String[] SEQUENCE_VALUES = {
    "\"0\"", "0.5", "-1", "1e400", "18446744073709551616", "null", "true", "[]", "{}", "0e0", "00"
  };
  private static final String[] SUBJECT_VALUES = {"123", "\"zz\"", "\"\"", "null", "[]", "\"AB\""};
  private static final String[] PAYLOAD_VALUES = {"null", "[]", "\"x\"", "{}", "1"};
  private static final String[] SIGNATURE_VALUES = {
    "{}", "[1]", "[[]]", "null", "[{\"keyId\":1}]", "[]", "[{}]", "\"sig\""
  };
  private static final String[] VERSION_VALUES = {"\"1\"", "2", "1.0", "0", "-1", "null"};
  private static final String[] TIMESTAMP_VALUES = {"-1", "1e20", "\"now\"", "1.5", "null"};
  private static final String[] NON_OBJECTS = {
    "null", "[]", "\"string\"", "1", "true", "{}", "", " ", "\u00ef\u00bb\u00bf{}"
  };

  private final HostileContext ctx;

  MutatedEventFamily(HostileContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public String name() {
    return "mutated-events";
  }

  @Override
  public String description() {
    return "a signed event's JSON with flipped bytes, truncated, with trailing content, duplicate"
        + " keys, over 64 KiB, nested deep, wrong types";
  }

  @Override
  public double defaultWeight() {
    return 14;
  }

  @Override
  public Probe next(SplittableRandom r, long i) {
    HostileEvents ev = ctx.events();
    String json = HostileEvents.json(ev.register(ev.subject(i, 0), ev.key(i)));
    Mutation m = mutate(r, json);
    return new Exchange(
        m.what(),
        "POST",
        ctx.path("/v1/events"),
        ctx.request("POST", "/v1/events", m.body(), "Content-Type: application/json"),
        Expect.NO_5XX,
        null);
  }

  /** A damaged event body and the name of the damage. */
  record Mutation(String what, byte[] body) {
    Mutation(String what, String body) {
      this(what, body.getBytes(StandardCharsets.UTF_8));
    }
  }

  /** One mutation of the event {@code json}. */
  static Mutation mutate(SplittableRandom r, String json) {
    byte[] b = json.getBytes(StandardCharsets.UTF_8);
    return switch (r.nextInt(11)) {
      case 0 -> new Mutation("flip-char", flipChar(r, b));
      case 1 -> new Mutation("flip-bytes", flipBytes(r, b));
      case 2 -> new Mutation("truncated", Arrays.copyOf(b, r.nextInt(b.length)));
      case 3 -> trailing(r, json);
      case 4 -> duplicateKeys(r, json);
      case 5 -> oversize(r, json);
      case 6 -> nested(r, json);
      case 7 -> wrongType(r, json);
      case 8 -> oddJson(r, json);
      case 9 -> new Mutation("not-an-object", EscapeFamily.pick(r, NON_OBJECTS));
      default ->
          new Mutation("bad-evidence", replaceValue(json, "attestationEvidence", oddEvidence(r)));
    };
  }

  private static byte[] flipChar(SplittableRandom r, byte[] b) {
    byte[] c = b.clone();
    c[r.nextInt(c.length)] = (byte) (0x20 + r.nextInt(0x5f));
    return c;
  }

  private static byte[] flipBytes(SplittableRandom r, byte[] b) {
    byte[] c = b.clone();
    int n = 1 + r.nextInt(8);
    for (int k = 0; k < n; k++) {
      c[r.nextInt(c.length)] = (byte) r.nextInt(256);
    }
    return c;
  }

  private static Mutation trailing(SplittableRandom r, String json) {
    String[] names = {
      "xyz",
      "second-event",
      "comma",
      "bracket",
      "space",
      "nul",
      "object",
      "newline-event",
      "brace",
      "comment",
      "string"
    };
    String[] tails = {"xyz", json, ",", "]", " ", "\u0000", "{}", "\n" + json, "}", "//x", "\"\""};
    int k = r.nextInt(tails.length);
    return new Mutation("trailing:" + names[k], json + tails[k]);
  }

  private static Mutation duplicateKeys(SplittableRandom r, String json) {
    String rest = json.substring(1);
    return switch (r.nextInt(5)) {
      case 0 -> new Mutation("duplicate-key:sequence-first", "{\"sequence\":99," + rest);
      case 1 -> new Mutation("duplicate-key:signatures-first", "{\"signatures\":[]," + rest);
      case 2 -> new Mutation("duplicate-key:payload-first", "{\"payload\":{}," + rest);
      case 3 ->
          new Mutation(
              "duplicate-key:subject-first", "{\"subject\":\"" + "00".repeat(32) + "\"," + rest);
      default ->
          new Mutation(
              "duplicate-key:sequence-last",
              json.substring(0, json.length() - 1) + ",\"sequence\":1}");
    };
  }

  private static Mutation oversize(SplittableRandom r, String json) {
    String what;
    int size;
    switch (r.nextInt(4)) {
      case 0 -> {
        what = "size:at-limit"; // whitespace is valid JSON
        size = MAX_BODY_BYTES;
      }
      case 1 -> {
        what = "size:limit+1";
        size = MAX_BODY_BYTES + 1;
      }
      case 2 -> {
        what = "size:over-limit";
        size = MAX_BODY_BYTES + 1 + r.nextInt(200_000);
      }
      default -> {
        // A string field longer than the whole limit.
        return new Mutation(
            "size:70000-byte-field",
            replaceValue(json, "carrierId", "\"" + "c".repeat(70_000) + "\""));
      }
    }
    byte[] b = json.getBytes(StandardCharsets.UTF_8);
    byte[] out = Arrays.copyOf(b, Math.max(size, b.length));
    Arrays.fill(out, b.length, out.length, (byte) ' ');
    return new Mutation(what, out);
  }

  private static Mutation nested(SplittableRandom r, String json) {
    int depth = 1_000 + r.nextInt(31_000);
    return switch (r.nextInt(4)) {
      case 0 -> new Mutation("nested:arrays", "[".repeat(depth) + "]".repeat(depth));
      case 1 ->
          new Mutation("nested:objects", "{\"a\":".repeat(depth / 2) + "1" + "}".repeat(depth / 2));
      case 2 ->
          new Mutation(
              "nested:in-event",
              replaceValue(
                  json, "attestationEvidence", "[".repeat(depth / 2) + "]".repeat(depth / 2)));
      default -> new Mutation("nested:unclosed", "[".repeat(depth));
    };
  }

  private static Mutation wrongType(SplittableRandom r, String json) {
    String field;
    String value;
    switch (r.nextInt(8)) {
      case 0, 1 -> {
        field = "sequence";
        value = EscapeFamily.pick(r, SEQUENCE_VALUES);
      }
      case 2 -> {
        field = "subject";
        value = EscapeFamily.pick(r, SUBJECT_VALUES);
      }
      case 3 -> {
        field = "payload";
        value = EscapeFamily.pick(r, PAYLOAD_VALUES);
      }
      case 4 -> {
        field = "signatures";
        value = EscapeFamily.pick(r, SIGNATURE_VALUES);
      }
      case 5 -> {
        field = "version";
        value = EscapeFamily.pick(r, VERSION_VALUES);
      }
      case 6 -> {
        field = "timestampMs";
        value = EscapeFamily.pick(r, TIMESTAMP_VALUES);
      }
      default -> {
        field = "carrierId";
        value = EscapeFamily.pick(r, new String[] {"5", "\"\"", "\"" + "x".repeat(300) + "\""});
      }
    }
    return new Mutation("wrong-type:" + field, replaceValue(json, field, value));
  }

  private static String oddEvidence(SplittableRandom r) {
    return EscapeFamily.pick(
        r, new String[] {"\"!!!\"", "5", "\"" + "AAAA".repeat(3000) + "\"", "\"AAA\"", "\"A===\""});
  }

  /** JSON the strict parser should refuse, or oddities inside strings. */
  private static Mutation oddJson(SplittableRandom r, String json) {
    return switch (r.nextInt(8)) {
      case 0 -> new Mutation("odd-json:bom", "\ufeff" + json);
      case 1 ->
          new Mutation(
              "odd-json:escaped-nul", replaceValue(json, "carrierId", "\"dev\\u0000carrier\""));
      case 2 ->
          new Mutation("odd-json:lone-surrogate", replaceValue(json, "deviceId", "\"\\ud800\""));
      case 3 -> {
        // Invalid UTF-8 (an overlong '/') inside a string.
        String s = replaceValue(json, "deviceId", "\"@@\"");
        byte[] b = utf8(s);
        int at = s.indexOf("\"@@\"") + 1;
        b[at] = (byte) 0xc0;
        b[at + 1] = (byte) 0xaf;
        yield new Mutation("odd-json:invalid-utf8", b);
      }
      case 4 -> new Mutation("odd-json:nan", replaceValue(json, "sequence", "NaN"));
      case 5 -> new Mutation("odd-json:comment", "/* comment */" + json);
      case 6 -> new Mutation("odd-json:single-quotes", json.replace('"', '\''));
      default -> new Mutation("odd-json:unquoted-key", json.replace("\"version\"", "version"));
    };
  }

  /**
   * {@code json} with the value of the first {@code "field":} replaced by {@code raw}; {@code json}
   * unchanged if there is no such field. Works on the compact JSON of an event: a value is a
   * string, a number or literal, or a bracketed object or array.
   */
  static String replaceValue(String json, String field, String raw) {
    String key = "\"" + field + "\":";
    int at = json.indexOf(key);
    if (at < 0) {
      return json;
    }
    int start = at + key.length();
    int end = valueEnd(json, start);
    return json.substring(0, start) + raw + json.substring(end);
  }

  private static int valueEnd(String json, int start) {
    char c = json.charAt(start);
    if (c == '"') {
      int k = start + 1;
      while (json.charAt(k) != '"') {
        k += json.charAt(k) == '\\' ? 2 : 1;
      }
      return k + 1;
    }
    if (c == '{' || c == '[') {
      int depth = 0;
      boolean inString = false;
      for (int k = start; k < json.length(); k++) {
        char d = json.charAt(k);
        if (inString) {
          if (d == '\\') {
            k++;
          } else if (d == '"') {
            inString = false;
          }
        } else if (d == '"') {
          inString = true;
        } else if (d == '{' || d == '[') {
          depth++;
        } else if ((d == '}' || d == ']') && --depth == 0) {
          return k + 1;
        }
      }
      return json.length();
    }
    int k = start;
    while (k < json.length() && json.charAt(k) != ',' && json.charAt(k) != '}') {
      k++;
    }
    return k;
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
