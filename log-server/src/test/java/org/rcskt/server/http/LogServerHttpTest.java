package org.rcskt.server.http;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rcskt.server.LogServer;
import org.rcskt.server.config.KeyFiles;
import org.rcskt.server.config.ServerConfig;
import org.rcskt.server.testing.Events;
import org.rcskt.server.testing.Http;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.checkpoint.SignedCheckpoint;
import org.rcskt.verifier.crypto.Ed25519;
import org.rcskt.verifier.event.EventCodec;
import org.rcskt.verifier.event.EventJson;
import org.rcskt.verifier.event.KeyEvent;
import org.rcskt.verifier.event.RulesContext;
import org.rcskt.verifier.map.MapRootEntry;
import org.rcskt.verifier.merkle.ConsistencyProof;
import org.rcskt.verifier.merkle.InclusionProof;
import org.rcskt.verifier.note.NoteVerifier;
import org.rcskt.verifier.note.NoteVerifiers;
import org.rcskt.verifier.vrf.EcVrf;
import org.rcskt.verifier.vrf.VrfKeys;

/** The real server on a real RocksDB in a temporary directory, driven over loopback HTTP. */
class LogServerHttpTest {
  @TempDir Path dir;
  LogServer server;
  Http http;
  Events events;
  NoteVerifier logKey;

  @BeforeEach
  void start() throws Exception {
    server = LogServer.start(ServerConfig.builder(dir).port(0).devMode(true).build());
    http = new Http(server.baseUrl());
    events = new Events(42, LogServer.DEV_CARRIER_ID, server.devCarrierKey());
    logKey = NoteVerifiers.parse(server.verifierKey());
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  SignedCheckpoint checkpoint(String text) throws Exception {
    return SignedCheckpoint.verify(text.getBytes(UTF_8), server.origin(), logKey);
  }

  static List<Hash> hashes(JsonNode a) {
    List<Hash> out = new ArrayList<>();
    a.forEach(n -> out.add(Hash.fromBase64(n.asText())));
    return out;
  }

  JsonNode submitOk(KeyEvent e) throws Exception {
    Http.Response r = http.post("/v1/events", EventJson.toJsonString(e));
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    JsonNode j = r.json();
    SignedCheckpoint cp = checkpoint(j.get("checkpoint").asText());
    assertThat(cp.checkpoint().treeSize()).isEqualTo(j.get("treeSize").asLong());
    Hash leaf = Hash.fromBase64(j.get("leafHash").asText());
    assertThat(leaf).isEqualTo(EventCodec.leafHash(e.encoded()));
    InclusionProof.verify(
        j.get("leafIndex").asLong(),
        cp.checkpoint().treeSize(),
        leaf,
        hashes(j.get("inclusionProof")),
        cp.checkpoint().rootHash());
    return j;
  }

  @Test
  void devModeLogsTheCarrierAnchorFirst() throws Exception {
    // The anchor's batch: the ANCHOR event, then the map root after it.
    SignedCheckpoint cp = checkpoint(http.get("/checkpoint").text());
    assertThat(cp.checkpoint().treeSize()).isEqualTo(2);
    JsonNode es = http.get("/v1/entries?start=0&end=2").json().get("entries");
    JsonNode e = es.get(0);
    assertThat(e.get("event").get("type").asText()).isEqualTo("ANCHOR");
    assertThat(e.get("event").get("carrierId").asText()).isEqualTo(LogServer.DEV_CARRIER_ID);
    JsonNode m = es.get(1);
    assertThat(m.has("event")).isFalse();
    assertThat(m.get("leafIndex").asLong()).isEqualTo(1);
    assertThat(m.at("/mapRoot/treeSize").asLong()).isEqualTo(2);
    // The carrier's ANCHOR chain is the one subject of the map.
    assertThat(m.at("/mapRoot/subjectCount").asLong()).isEqualTo(1);
    assertThat(m.at("/mapRoot/root").asText()).hasSize(64);
  }

  @Test
  void submittedEventIsProvablyLoggedAndReadable() throws Exception {
    Hash subject = events.newSubject();
    Ed25519.KeyPair device = events.newKey();
    KeyEvent reg = events.register(subject, "phone-1", device);
    // Leaves 0 and 1 are the dev carrier's anchor and its map root; every batch ends with one.
    JsonNode receipt = submitOk(reg);
    assertThat(receipt.get("leafIndex").asLong()).isEqualTo(2);
    assertThat(receipt.get("treeSize").asLong()).isEqualTo(4);
    assertThat(receipt.get("duplicate").asBoolean()).isFalse();

    Ed25519.KeyPair next = events.newKey();
    KeyEvent rot = events.rotate(reg, "phone-1", device, next);
    JsonNode receipt2 = submitOk(rot);
    assertThat(receipt2.get("leafIndex").asLong()).isEqualTo(4);
    assertThat(receipt2.get("treeSize").asLong()).isEqualTo(6);

    // The served checkpoint is the one of the last answer.
    String cpText = http.get("/checkpoint").text();
    assertThat(cpText).isEqualTo(receipt2.get("checkpoint").asText());
    SignedCheckpoint cp = checkpoint(cpText);

    // Inclusion by index and by hash.
    JsonNode inc = http.get("/v1/proof/inclusion?index=2&size=6").json();
    InclusionProof.verify(
        2,
        6,
        EventCodec.leafHash(reg.encoded()),
        hashes(inc.get("inclusionProof")),
        cp.checkpoint().rootHash());
    String hex = EventCodec.leafHash(rot.encoded()).toHex();
    JsonNode incByHash = http.get("/v1/proof/inclusion?hash=" + hex + "&size=6").json();
    assertThat(incByHash.get("leafIndex").asLong()).isEqualTo(4);
    InclusionProof.verify(
        4,
        6,
        EventCodec.leafHash(rot.encoded()),
        hashes(incByHash.get("inclusionProof")),
        cp.checkpoint().rootHash());

    // Consistency from the first receipt's tree to the latest.
    SignedCheckpoint first = checkpoint(receipt.get("checkpoint").asText());
    JsonNode cons = http.get("/v1/proof/consistency?from=4&to=6").json();
    ConsistencyProof.verify(
        4,
        6,
        first.checkpoint().rootHash(),
        cp.checkpoint().rootHash(),
        hashes(cons.get("consistencyProof")));

    // Entries decode back to the submitted events, each followed by its batch's map root.
    JsonNode page = http.get("/v1/entries?start=2&end=100").json();
    assertThat(page.get("end").asLong()).isEqualTo(6);
    assertThat(page.get("entries")).hasSize(4);
    assertThat(EventJson.fromJson(page.get("entries").get(0).get("event")).encoded())
        .isEqualTo(reg.encoded());
    assertThat(page.get("entries").get(1).at("/mapRoot/treeSize").asLong()).isEqualTo(4);
    assertThat(EventJson.fromJson(page.get("entries").get(2).get("event")).encoded())
        .isEqualTo(rot.encoded());
    assertThat(page.get("entries").get(3).at("/mapRoot/treeSize").asLong()).isEqualTo(6);
    // The anchor's chain and the new subject.
    assertThat(page.get("entries").get(3).at("/mapRoot/subjectCount").asLong()).isEqualTo(2);

    // The subject's state and events, each proven against the stated checkpoint.
    JsonNode subj = http.get("/v1/subjects/" + subject.toHex()).json();
    SignedCheckpoint scp = checkpoint(subj.get("checkpoint").asText());
    assertThat(subj.get("state").get("nextSequence").asLong()).isEqualTo(2);
    assertThat(subj.get("state").get("lastEventHash").asText())
        .isEqualTo(EventCodec.leafHash(rot.encoded()).toHex());
    assertThat(subj.get("events")).hasSize(2);
    for (JsonNode ev : subj.get("events")) {
      KeyEvent k = EventJson.fromJson(ev.get("event"));
      InclusionProof.verify(
          ev.get("leafIndex").asLong(),
          scp.checkpoint().treeSize(),
          EventCodec.leafHash(k.encoded()),
          hashes(ev.get("inclusionProof")),
          scp.checkpoint().rootHash());
    }
  }

  @Test
  void duplicateSubmissionReturnsTheExistingIndex() throws Exception {
    KeyEvent reg = events.register(events.newSubject(), "phone-1", events.newKey());
    JsonNode first = submitOk(reg);
    JsonNode again = submitOk(reg);
    assertThat(again.get("leafIndex").asLong()).isEqualTo(first.get("leafIndex").asLong());
    assertThat(again.get("duplicate").asBoolean()).isTrue();
    // The anchor's batch and the event's batch, two leaves each; the duplicate added nothing.
    assertThat(checkpoint(http.get("/checkpoint").text()).checkpoint().treeSize()).isEqualTo(4);
  }

  @Test
  void concurrentDuplicatesGetOneLeaf() throws Exception {
    KeyEvent reg = events.register(events.newSubject(), "phone-1", events.newKey());
    String json = EventJson.toJsonString(reg);
    for (Http.Response r :
        http.postConcurrently("/v1/events", java.util.Collections.nCopies(16, json))) {
      assertThat(r.status()).as(r.text()).isEqualTo(200);
      assertThat(r.json().get("leafIndex").asLong()).isEqualTo(2);
    }
    // One leaf for the event and one map root for its batch (a duplicate answered later, from the
    // store or from the same batch, writes nothing).
    assertThat(checkpoint(http.get("/checkpoint").text()).checkpoint().treeSize()).isEqualTo(4);
  }

  @Test
  void concurrentSubmissionsForOneSubjectHaveOneWinnerPerSequence() throws Exception {
    Hash subject = events.newSubject();
    Ed25519.KeyPair device = events.newKey();
    KeyEvent reg = events.register(subject, "phone-1", device);
    submitOk(reg);
    // Twelve different rotations all claiming sequence 1.
    List<String> bodies = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      bodies.add(EventJson.toJsonString(events.rotate(reg, "phone-1", device, events.newKey())));
    }
    int ok = 0;
    int conflict = 0;
    for (Http.Response r : http.postConcurrently("/v1/events", bodies)) {
      if (r.status() == 200) {
        ok++;
      } else {
        assertThat(r.status()).as(r.text()).isEqualTo(409);
        JsonNode j = r.json();
        assertThat(j.get("error").asText()).isEqualTo("conflict");
        assertThat(j.get("field").asText()).isEqualTo("sequence");
        assertThat(j.get("currentSequence").asLong()).isEqualTo(1);
        assertThat(j.get("nextSequence").asLong()).isEqualTo(2);
        conflict++;
      }
    }
    assertThat(ok).isEqualTo(1);
    assertThat(conflict).isEqualTo(11);
    JsonNode subj = http.get("/v1/subjects/" + subject.toHex()).json();
    assertThat(subj.get("state").get("nextSequence").asLong()).isEqualTo(2);
    assertThat(subj.get("events")).hasSize(2);
  }

  @Test
  void tilesAreServedPerC2spTlogTiles() throws Exception {
    for (int i = 0; i < 3; i++) {
      submitOk(events.register(events.newSubject(), "phone-1", events.newKey()));
    }
    // Four batches (the anchor's and one per submission), each an event and a map root: 8 leaves.
    Http.Response tile = http.get("/tile/0/000.p/8");
    assertThat(tile.status()).isEqualTo(200);
    assertThat(tile.header("Content-Type")).isEqualTo("application/octet-stream");
    assertThat(tile.header("Cache-Control")).isEqualTo("public, max-age=5");
    assertThat(tile.body()).hasSize(8 * 32);
    Http.Response bundle = http.get("/tile/entries/000.p/8");
    assertThat(bundle.status()).isEqualTo(200);
    byte[] b = bundle.body();
    int off = 0;
    for (int i = 0; i < 8; i++) {
      int len = ((b[off] & 0xff) << 8) | (b[off + 1] & 0xff);
      byte[] entry = java.util.Arrays.copyOfRange(b, off + 2, off + 2 + len);
      assertThat(java.util.Arrays.copyOfRange(tile.body(), i * 32, i * 32 + 32))
          .isEqualTo(EventCodec.leafHash(entry).toByteArray());
      // The bundle carries the map root leaves like the events: every odd leaf here.
      assertThat(MapRootEntry.isMapRoot(entry)).as("leaf %d", i).isEqualTo(i % 2 == 1);
      if (i % 2 == 1) {
        assertThat(MapRootEntry.decode(entry).treeSize()).isEqualTo(i + 1);
      }
      off += 2 + len;
    }
    assertThat(off).isEqualTo(b.length);
    assertThat(http.get("/tile/0/000.p/9").status()).isEqualTo(404);
    assertThat(http.get("/tile/0/000").status()).isEqualTo(404);
    assertThat(http.get("/tile/1/000.p/1").status()).isEqualTo(404);
    assertThat(http.get("/tile/entries/001.p/1").status()).isEqualTo(404);
  }

  @Test
  void checkpointIsPlainText() {
    Http.Response r = http.get("/checkpoint");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("Content-Type")).isEqualTo("text/plain; charset=utf-8");
    // The dev carrier's anchor and its map root.
    assertThat(r.text()).startsWith(server.origin() + "\n2\n");
  }

  @Test
  void infoDescribesTheLog() throws Exception {
    JsonNode info = http.get("/v1/info").json();
    assertThat(info.get("origin").asText()).isEqualTo(server.origin());
    assertThat(info.get("verifierKey").asText()).isEqualTo(server.verifierKey());
    assertThat(info.get("policyKey").get("keyId").asText())
        .isEqualTo(server.policyKey().keyId().toHex());
    // The dev carrier's anchor and its map root.
    assertThat(info.get("treeSize").asLong()).isEqualTo(2);
    assertThat(info.get("limits").get("maxBodyBytes").asInt()).isEqualTo(65536);
    // What a replay needs to apply the rules as the log does.
    JsonNode rules = info.get("rules");
    assertThat(rules.get("maxDevicesPerSubject").asInt())
        .isEqualTo(RulesContext.DEFAULT_MAX_DEVICES);
    assertThat(rules.get("maxAnchorKeysPerCarrier").asInt())
        .isEqualTo(RulesContext.DEFAULT_MAX_ANCHORS_PER_CARRIER);
    assertThat(rules.get("maxPastSkewMs").asLong()).isEqualTo(600_000);
    assertThat(rules.get("maxFutureSkewMs").asLong()).isEqualTo(120_000);
    assertThat(rules.get("maxRetiredKeyIdsPerSubject").asInt()).isEqualTo(1 << 20);
    assertThat(rules.get("maxRetiredAnchorKeysPerCarrier").asInt()).isEqualTo(65535);
    assertThat(rules.get("maxCarriers").asInt()).isEqualTo(65535);
    assertThat(info.get("allowUnattested").asBoolean()).isFalse();
    // The VRF key, separate from the checkpoint key, is the one in the data directory.
    assertThat(info.at("/vrf/suite").asText()).isEqualTo("ECVRF-EDWARDS25519-SHA512-TAI");
    VrfKeys.PublicKey vrf = VrfKeys.parsePublic(info.at("/vrf/publicKey").asText());
    byte[] secret = VrfKeys.parseSecret(KeyFiles.read(server.config().vrfKeyFile()));
    assertThat(vrf.key()).isEqualTo(EcVrf.publicKey(secret));
    assertThat(vrf.name()).isEqualTo(server.origin());
  }

  @Test
  void healthAndReadiness() {
    assertThat(http.get("/healthz").json().get("status").asText()).isEqualTo("ok");
    Http.Response ready = http.get("/readyz");
    assertThat(ready.status()).isEqualTo(200);
    assertThat(ready.json().get("status").asText()).isEqualTo("ready");
  }

  @Test
  void metricsArePrometheusText() throws Exception {
    submitOk(events.register(events.newSubject(), "phone-1", events.newKey()));
    http.get("/v1/info");
    Http.Response r = http.get("/metrics");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("Content-Type")).startsWith("text/plain");
    String t = r.text();
    assertThat(t).contains("rcskt_submissions_total{outcome=\"accepted\"} 2.0");
    // Two batches (the dev anchor's and the event's) of an event and a map root each.
    assertThat(t).contains("rcskt_tree_size 4.0");
    assertThat(t).contains("rcskt_map_update_seconds_count 2");
    assertThat(t).containsPattern("rcskt_map_records_written_total [1-9]");
    // The map's levels and its leaf cache: the server asks for the cache once it listens, and the
    // batch after that allocates it (a reference per bucket, 2^20 of them).
    java.util.regex.Matcher mapBytes =
        java.util.regex.Pattern.compile("(?m)^rcskt_map_memory_bytes ([0-9.E]+)$").matcher(t);
    assertThat(mapBytes.find()).as(t).isTrue();
    assertThat(Double.parseDouble(mapBytes.group(1))).isGreaterThanOrEqualTo(8.0 * (1 << 20));
    assertThat(t).contains("rcskt_batch_size_count");
    assertThat(t).contains("rcskt_store_write_seconds_bucket");
    assertThat(t)
        .contains(
            "rcskt_http_request_seconds_count{code=\"200\",method=\"GET\",route=\"/v1/info\"} 1");
    assertThat(t).contains("rcskt_store_stat{name=\"wal_file_synced\"}");
    assertThat(t).contains("jvm_memory_used_bytes");
  }
}
