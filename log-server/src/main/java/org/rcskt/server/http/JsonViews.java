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
import org.rcskt.verifier.VerificationException;
import org.rcskt.verifier.event.Device;
import org.rcskt.verifier.event.EventCodec;
import org.rcskt.verifier.event.EventFormatException;
import org.rcskt.verifier.event.EventJson;
import org.rcskt.verifier.event.KeyEvent;
import org.rcskt.verifier.event.PhoneNumbers;
import org.rcskt.verifier.event.SubjectState;
import org.rcskt.verifier.map.MapRootEntry;

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
      if (MapRootEntry.isMapRoot(e)) {
        x.set("mapRoot", mapRootJson(e, i - 1));
      } else {
        x.set("event", EventJson.toJson(decode(e, i - 1)));
      }
    }
    return o;
  }

  /**
   * {@code GET /v1/subjects/<hex>}: the subject's state and its events from sequence {@code from},
   * each with an inclusion proof, and the completeness proof (the checkpoint's map-root leaf with
   * its inclusion proof, and the subject's map proof against that root), all against the one
   * checkpoint stated in the answer.
   */
  static ObjectNode subject(KeyEventLog log, Hash subject, long from, int maxEvents) {
    KeyEventLog.SubjectView v = log.subjectView(subject, from, maxEvents);
    TreeHead head = v.head();
    SubjectState state = v.state();
    List<AppendBatch.SubjectEvent> rows = v.rows();
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
    if (v.mapEntry() == null) {
      o.putNull("mapRoot");
    } else {
      long leaf = head.treeSize() - 1;
      ObjectNode m = o.putObject("mapRoot");
      m.put("leafIndex", leaf);
      m.put("entry", Base64.getEncoder().encodeToString(v.mapEntry().encoded()));
      m.set("inclusionProof", LogVerticle.hashes(reader.inclusion(leaf, head.treeSize()).proof()));
    }
    o.put("completeness", Base64.getEncoder().encodeToString(v.mapProof().encoded()));
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
      if (!d.kexKeys().isEmpty()) {
        x.set("keyAgreementKeys", EventJson.kexKeysToJson(d.kexKeys()));
      }
      if (d.deviceAttestation() != null) {
        x.set("deviceAttestation", attestationJson(d.deviceAttestation()));
      }
    }
    List<Hash> retired = s.retiredKeyIds();
    o.put("retiredKeyCount", retired.size());
    ArrayNode rs = o.putArray("retiredKeyIds");
    for (int i = 0; i < retired.size() && i < MAX_RETIRED_LISTED; i++) {
      rs.add(retired.get(i).toHex());
    }
    return o;
  }

  /** A device's attestation mark: platform, security level and whether it is hardware-backed. */
  static ObjectNode attestationJson(org.rcskt.verifier.event.AttestationMark m) {
    ObjectNode o = JSON.objectNode();
    o.put("platform", m.platform().name());
    if (m.securityLevel() == null) {
      o.putNull("securityLevel");
    } else {
      o.put("securityLevel", m.securityLevel().name());
    }
    o.put("verified", m.verified());
    o.put("bootVerified", m.bootVerified());
    o.put("hardwareBacked", m.hardwareBacked());
    return o;
  }

  /** A stored map root entry as JSON; {@code index} names it in the error if it does not decode. */
  static ObjectNode mapRootJson(byte[] e, long index) {
    MapRootEntry m;
    try {
      m = MapRootEntry.decode(e);
    } catch (VerificationException ex) {
      throw new StorageException("stored map root entry " + index + " does not decode", ex);
    }
    ObjectNode o = JSON.objectNode();
    o.put("treeSize", m.treeSize());
    o.put("subjectCount", m.subjectCount());
    o.put("root", m.mapRoot().toHex());
    return o;
  }

  /** A stored entry decoded; {@code index} names it in the error if it does not decode. */
  static KeyEvent decode(byte[] e, long index) {
    try {
      return EventCodec.decode(e);
    } catch (EventFormatException ex) {
      throw new StorageException("stored entry " + index + " does not decode", ex);
    }
  }
}
