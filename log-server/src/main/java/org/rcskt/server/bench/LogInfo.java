package org.rcskt.server.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.rcskt.verifier.VerificationException;
import org.rcskt.verifier.checkpoint.SignedCheckpoint;
import org.rcskt.verifier.note.NoteVerifier;
import org.rcskt.verifier.note.NoteVerifiers;

/**
 * What {@code GET /v1/info} says about a log, read once before a load run, and the log's signed
 * checkpoint verified with the key it names.
 */
record LogInfo(String origin, String verifierKey, long treeSize) {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /**
   * @throws IllegalStateException if the log cannot be reached or does not answer 200
   */
  static LogInfo fetch(URI base) throws IOException, InterruptedException {
    JsonNode j = MAPPER.readTree(get(base, "/v1/info"));
    return new LogInfo(
        j.get("origin").asText(), j.get("verifierKey").asText(), j.get("treeSize").asLong());
  }

  NoteVerifier logKey() throws VerificationException {
    return NoteVerifiers.parse(verifierKey);
  }

  /** The log's current checkpoint, its signature verified. */
  SignedCheckpoint checkpoint(URI base)
      throws IOException, InterruptedException, VerificationException {
    return SignedCheckpoint.verify(get(base, "/checkpoint"), origin, logKey());
  }

  /** {@code base} with any trailing slash removed, to put request paths after. */
  static String prefix(URI base) {
    return base.toString().replaceAll("/+$", "");
  }

  private static byte[] get(URI base, String path) throws IOException, InterruptedException {
    URI uri = URI.create(prefix(base) + path);
    HttpClient c = Transport.of(base).httpClient().connectTimeout(Duration.ofSeconds(10)).build();
    HttpResponse<byte[]> r;
    try {
      r =
          c.send(
              HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).build(),
              HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      // The JDK client often says nothing more than the exception's class.
      throw new IllegalStateException(
          "cannot reach " + uri + ": " + (e.getMessage() != null ? e.getMessage() : e), e);
    }
    if (r.statusCode() != 200) {
      throw new IllegalStateException(
          "GET "
              + uri
              + " answered "
              + r.statusCode()
              + ": "
              + new String(r.body(), StandardCharsets.UTF_8).strip());
    }
    return r.body();
  }
}
