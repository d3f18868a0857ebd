package org.rcskt.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.client.Receipt;
import org.rcskt.verifier.client.Rejection;
import org.rcskt.verifier.event.EventJson;
import org.rcskt.verifier.event.PublicKeyInfo;

/** The JSON the commands print with {@code --json}, and the short forms of the human output. */
final class Output {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private Output() {}

  static ObjectNode object() {
    return JSON.createObjectNode();
  }

  static ArrayNode array() {
    return JSON.createArrayNode();
  }

  static String json(JsonNode n) {
    try {
      return JSON.writeValueAsString(n);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static ObjectNode key(PublicKeyInfo k) {
    return EventJson.publicKeyToJson(k);
  }

  static ArrayNode hashes(List<Hash> hs) {
    ArrayNode a = array();
    for (Hash h : hs) {
      a.add(h.toBase64());
    }
    return a;
  }

  static ObjectNode receipt(Receipt r) {
    ObjectNode o = object();
    o.put("status", 200);
    o.put("leafIndex", r.leafIndex());
    o.put("leafHash", r.leafHash().toBase64());
    o.put("treeSize", r.checkpoint().checkpoint().treeSize());
    o.put("duplicate", r.duplicate());
    o.put("unattestedRegistration", r.unattestedRegistration());
    o.put("recovery", r.recovery());
    o.put("verified", true);
    o.put("checkpoint", new String(r.checkpoint().raw(), java.nio.charset.StandardCharsets.UTF_8));
    o.set("inclusionProof", hashes(r.inclusionProof()));
    return o;
  }

  static ObjectNode rejection(Rejection r) {
    ObjectNode o = object();
    o.put("status", r.status());
    o.put("error", r.error());
    o.put("field", r.field());
    o.put("detail", r.detail());
    o.put("violation", r.violation());
    return o;
  }

  /** "logged at leaf 12 of 13 (receipt verified)" and the flags that matter. */
  static String receiptLine(Receipt r) {
    StringBuilder sb =
        new StringBuilder(r.duplicate() ? "already logged at leaf " : "logged at leaf ")
            .append(r.leafIndex())
            .append(", tree size ")
            .append(r.checkpoint().checkpoint().treeSize())
            .append(" (checkpoint signature and inclusion proof verified)");
    if (r.unattestedRegistration()) {
      sb.append("; unattested: no carrier signed this registration");
    }
    if (r.recovery()) {
      sb.append("; recovery: the carrier replaced the key without the old key's signature");
    }
    return sb.toString();
  }

  static String rejectionLine(Rejection r) {
    return "refused: " + r.summary();
  }
}
