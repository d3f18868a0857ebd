package org.rcskt.monitor.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.rcskt.verifier.Hash;

/** Reading the files the offline commands take, each bounded in size. */
final class Inputs {
  static final int MAX_FILE = 64 << 20;
  private static final ObjectMapper JSON = new ObjectMapper();

  private Inputs() {}

  /** The bytes of {@code path}, or of standard input for {@code -}. */
  static byte[] read(Path path) throws IOException {
    try (InputStream in = path.toString().equals("-") ? System.in : Files.newInputStream(path)) {
      byte[] b = in.readNBytes(MAX_FILE + 1);
      if (b.length > MAX_FILE) {
        throw new IOException(path + " is larger than " + MAX_FILE + " bytes");
      }
      return b;
    }
  }

  /**
   * The proof hashes in {@code path}: a JSON array of base64 hashes, or a log answer holding one in
   * {@code consistencyProof} or {@code inclusionProof}.
   */
  static List<Hash> proof(Path path) throws IOException {
    JsonNode n = JSON.readTree(read(path));
    if (n != null && n.isObject()) {
      n = n.has("consistencyProof") ? n.get("consistencyProof") : n.get("inclusionProof");
    }
    if (n == null || !n.isArray()) {
      throw new IOException(
          path + ": expected a JSON array of base64 hashes or a log proof answer");
    }
    List<Hash> out = new ArrayList<>();
    for (JsonNode h : n) {
      try {
        out.add(Hash.fromBase64(h.asText()));
      } catch (IllegalArgumentException e) {
        throw new IOException(path + ": proof hash " + out.size() + ": " + e.getMessage(), e);
      }
    }
    return out;
  }
}
