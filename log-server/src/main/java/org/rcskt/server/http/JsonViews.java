package org.rcskt.server.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Base64;
import java.util.List;
import org.rcskt.server.log.KeyEventLog;
import org.rcskt.server.log.LogReader;
import org.rcskt.server.log.TreeHead;
import org.rcskt.server.storage.AppendBatch;
import org.rcskt.server.storage.StorageException;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.event.Device;
import org.rcskt.verifier.event.EventCodec;
import org.rcskt.verifier.event.EventFormatException;
import org.rcskt.verifier.event.EventJson;
import org.rcskt.verifier.event.KeyEvent;
import org.rcskt.verifier.event.PhoneNumbers;
import org.rcskt.verifier.event.SubjectState;

/** JSON renderings of log contents. Blocking (they read the store): call on a worker. */
final class JsonViews {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  private static final int MAX_RETIRED_LISTED = 1000;

  private JsonViews() {}

  /** {@code GET /v1/entries}: decoded entries of one bounded page. */
  static ObjectNode entries(KeyEventLog log, long start, long end, int maxCount) {
    LogReader reader = log.reader();
    long treeSize = reader.head().treeSize();
    List<byte[]> es = reader.entries(start, end, maxCount);
    ObjectNode o = JSON.objectNode();
    o.put("start", start);
    o.put("end", start + es.size());
    o.put("treeSize", treeSize);
    ArrayNode a = o.putArray("entries");
    long i = start;
    for (byte[] e : es) {
      ObjectNode x = a.addObject();
      x.put("leafIndex", i++);
      x.put("leafHash", EventCodec.leafHash(e).toBase64());
      x.set("event", EventJson.toJson(decode(e, i - 1)));
    }
    return o;
  }

  /**
   * {@code GET /v1/subjects/<hex>}: the subject's state and its events from sequence {@code from},
   * each with an inclusion proof against the one checkpoint stated in the answer.
   */
  static ObjectNode subject(KeyEventLog log, Hash subject, long from, int maxEvents) {
    SubjectState state = log.subjectState(subject);
    // Rows are read after the state, so they include every event the state reflects and maybe
    // newer ones; drop those so the events listed and the state agree.
    List<AppendBatch.SubjectEvent> rows =
        log.subjectEventsUnfiltered(subject, from, maxEvents + 1).stream()
            .filter(r -> state.isEmpty() || r.sequence() < state.nextSequence())
            .toList();
    long maxIndex = state.isEmpty() ? -1 : log.reader().storedLeafIndex(state.lastEventHash());
    for (AppendBatch.SubjectEvent r : rows) {
      maxIndex = Math.max(maxIndex, r.leafIndex());
    }
    // The store is written before the new tree head is published: wait the moment it takes for
    // the head to cover what was read, so the answer is about one tree.
    TreeHead head = log.awaitHead(maxIndex + 1);
    ObjectNode o = JSON.objectNode();
    o.put("subject", subject.toHex());
    o.put("treeSize", head.treeSize());
    o.put("checkpoint", head.checkpointText());
    o.set("state", state.isEmpty() ? JSON.nullNode() : stateJson(state));
    ArrayNode a = o.putArray("events");
    LogReader reader = log.reader();
    int n = 0;
    for (AppendBatch.SubjectEvent r : rows) {
      if (n == maxEvents) {
        break;
      }
      n++;
      byte[] e = reader.entry(r.leafIndex());
      ObjectNode x = a.addObject();
      x.put("leafIndex", r.leafIndex());
      x.put("sequence", r.sequence());
      LogReader.Inclusion inc = reader.inclusion(r.leafIndex(), head.treeSize());
      x.put("leafHash", inc.leafHash().toBase64());
      x.set("event", EventJson.toJson(decode(e, r.leafIndex())));
      x.set("inclusionProof", LogVerticle.hashes(inc.proof()));
    }
    if (rows.size() > maxEvents) {
      o.put("nextFrom", rows.get(maxEvents).sequence());
    } else {
      o.putNull("nextFrom");
    }
    return o;
  }

  /**
   * {@code GET /v1/keys/<E.164>}: the number, its index and VRF proof, then the subject answer of
   * {@link #subject}.
   */
  static ObjectNode lookup(
      KeyEventLog log, String number, PhoneNumbers.ProvenIndex proven, long from, int maxEvents) {
    ObjectNode o = JSON.objectNode();
    o.put("number", number);
    o.put("index", proven.index().toHex());
    o.put("vrfProof", Base64.getEncoder().encodeToString(proven.proof()));
    o.setAll(subject(log, proven.index(), from, maxEvents));
    return o;
  }

  static ObjectNode stateJson(SubjectState s) {
    ObjectNode o = JSON.objectNode();
    o.put("carrierId", s.carrierId());
    o.put("nextSequence", s.nextSequence());
    o.put("lastEventHash", s.lastEventHash().toHex());
    o.put("lastTimestampMs", s.lastTimestampMs());
    ArrayNode ds = o.putArray("devices");
    for (Device d : s.devices()) {
      ObjectNode x = ds.addObject();
      x.put("deviceId", d.deviceId());
      x.set("publicKey", EventJson.publicKeyToJson(d.publicKey()));
      x.put("attested", d.attested());
      x.put("recovered", d.recovered());
    }
    List<Hash> retired = s.retiredKeyIds();
    o.put("retiredKeyCount", retired.size());
    ArrayNode rs = o.putArray("retiredKeyIds");
    for (int i = 0; i < retired.size() && i < MAX_RETIRED_LISTED; i++) {
      rs.add(retired.get(i).toHex());
    }
    return o;
  }

  private static KeyEvent decode(byte[] e, long index) {
    try {
      return EventCodec.decode(e);
    } catch (EventFormatException ex) {
      throw new StorageException("stored entry " + index + " does not decode", ex);
    }
  }
}
