package org.rcskt.server.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.rcskt.server.log.BadRequestException;

/**
 * The body of {@code POST /v1/events/batch}: {@code {"events": [event, ...]}}, split into each
 * event's own bytes without building a tree, so that each is then parsed by the same strict event
 * parser as a single submission (one bad event never fails the others). The envelope itself is
 * strict: one field, an array of 1 to {@link #MAX_EVENTS} elements, nothing after it.
 */
final class BatchBody {
  private BatchBody() {}

  /** The most events one batch may hold. */
  static final int MAX_EVENTS = 1000;

  /** The largest batch body: 1,000 events of 8 KiB of JSON each. */
  static final int MAX_BYTES = 8 * 1024 * 1024;

  private static final JsonFactory JSON =
      JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  /**
   * One element of the array.
   *
   * @param json the element's bytes, as sent
   * @param subject its top-level {@code subject} string when it is an object that has one (events
   *     of one subject are applied in batch order), else null
   */
  record Element(byte[] json, String subject) {}

  /**
   * Splits {@code body}.
   *
   * @throws BadRequestException naming {@code events} when the envelope is not as described
   */
  static List<Element> split(byte[] body) {
    try (JsonParser p = JSON.createParser(body)) {
      expect(p.nextToken() == JsonToken.START_OBJECT, "the body must be {\"events\": [...]}");
      List<Element> out = null;
      JsonToken t;
      while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        if (!name.equals("events")) {
          throw new BadRequestException(
              RequestChecks.clip(name), "unknown field (a batch has only \"events\")");
        }
        expect(p.nextToken() == JsonToken.START_ARRAY, "\"events\" must be an array of events");
        out = elements(p, body);
      }
      expect(t == JsonToken.END_OBJECT, "the body must be {\"events\": [...]}");
      expect(p.nextToken() == null, "nothing may follow the batch object");
      expect(out != null, "the body has no \"events\"");
      expect(!out.isEmpty(), "\"events\" is empty");
      return out;
    } catch (JsonProcessingException e) {
      throw new BadRequestException("events", "not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new BadRequestException("events", "not readable: " + e.getMessage());
    }
  }

  private static List<Element> elements(JsonParser p, byte[] body) throws IOException {
    List<Element> out = new ArrayList<>();
    JsonToken t;
    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
      if (out.size() == MAX_EVENTS) {
        throw new BadRequestException(
            "events", "more than " + MAX_EVENTS + " events; send them in several batches");
      }
      int start = (int) p.currentTokenLocation().getByteOffset();
      String subject = null;
      if (t == JsonToken.START_OBJECT) {
        int depth = 1;
        while (depth > 0) {
          JsonToken u = p.nextToken();
          if (depth == 1 && u == JsonToken.FIELD_NAME && p.currentName().equals("subject")) {
            JsonToken v = p.nextToken();
            if (v == JsonToken.VALUE_STRING) {
              subject = p.getText();
            } else {
              p.skipChildren();
            }
          } else if (u == JsonToken.START_OBJECT || u == JsonToken.START_ARRAY) {
            depth++;
          } else if (u == JsonToken.END_OBJECT || u == JsonToken.END_ARRAY) {
            depth--;
          }
        }
      } else if (t == JsonToken.START_ARRAY) {
        p.skipChildren();
      }
      int end = (int) p.currentLocation().getByteOffset();
      out.add(new Element(Arrays.copyOfRange(body, start, end), subject));
    }
    return out;
  }

  private static void expect(boolean ok, String message) {
    if (!ok) {
      throw new BadRequestException("events", message);
    }
  }
}
