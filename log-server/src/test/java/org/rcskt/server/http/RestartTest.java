package org.rcskt.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rcskt.server.LogServer;
import org.rcskt.server.config.ConfigException;
import org.rcskt.server.config.ServerConfig;
import org.rcskt.server.storage.StorageException;
import org.rcskt.server.storage.rocksdb.RawRocks;
import org.rcskt.server.testing.Events;
import org.rcskt.server.testing.Http;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.checkpoint.SignedCheckpoint;
import org.rcskt.verifier.crypto.Ed25519;
import org.rcskt.verifier.event.EventJson;
import org.rcskt.verifier.event.KeyEvent;
import org.rcskt.verifier.merkle.ConsistencyProof;
import org.rcskt.verifier.note.NoteVerifiers;

class RestartTest {
  @TempDir Path dir;

  ServerConfig config() {
    return ServerConfig.builder(dir).port(0).devMode(true).build();
  }

  @Test
  void restartRecoversTheExactStateAndContinuesConsistently() throws Exception {
    String checkpointBefore;
    String verifierKey;
    List<JsonNode> entriesBefore;
    KeyEvent last;
    Ed25519.KeyPair lastKey;
    Events events;
    try (LogServer s = LogServer.start(config())) {
      Http http = new Http(s.baseUrl());
      events = new Events(99, LogServer.DEV_CARRIER_ID, s.devCarrierKey());
      Hash subject = events.newSubject();
      lastKey = events.newKey();
      last = events.register(subject, "phone-1", lastKey);
      assertThat(http.post("/v1/events", EventJson.toJsonString(last)).status()).isEqualTo(200);
      for (int i = 0; i < 20; i++) {
        assertThat(
                http.post(
                        "/v1/events",
                        EventJson.toJsonString(
                            events.register(events.newSubject(), "phone-1", events.newKey())))
                    .status())
            .isEqualTo(200);
      }
      checkpointBefore = http.get("/checkpoint").text();
      verifierKey = s.verifierKey();
      entriesBefore = new ArrayList<>();
      http.get("/v1/entries?start=0&end=100").json().get("entries").forEach(entriesBefore::add);
    }
    try (LogServer s = LogServer.start(config())) {
      Http http = new Http(s.baseUrl());
      assertThat(s.verifierKey()).isEqualTo(verifierKey);
      assertThat(http.get("/checkpoint").text()).isEqualTo(checkpointBefore);
      List<JsonNode> entriesAfter = new ArrayList<>();
      http.get("/v1/entries?start=0&end=100").json().get("entries").forEach(entriesAfter::add);
      assertThat(entriesAfter).isEqualTo(entriesBefore);
      assertThat(s.log().anchors().carrier(LogServer.DEV_CARRIER_ID).keys()).hasSize(1);

      // The subject's state survived: a rotation signed by the registered key is accepted.
      Ed25519.KeyPair next = events.newKey();
      KeyEvent rot = events.rotate(last, "phone-1", lastKey, next);
      JsonNode r = http.post("/v1/events", EventJson.toJsonString(rot)).json();
      // 22 batches so far (the dev anchor's and one per sequential submission), each an event and
      // the map root after it.
      assertThat(r.get("leafIndex").asLong()).isEqualTo(44);
      assertThat(r.get("treeSize").asLong()).isEqualTo(46);

      var verifier = NoteVerifiers.parse(verifierKey);
      SignedCheckpoint a =
          SignedCheckpoint.verify(checkpointBefore.getBytes(), s.origin(), verifier);
      SignedCheckpoint b =
          SignedCheckpoint.verify(http.get("/checkpoint").body(), s.origin(), verifier);
      List<Hash> proof = new ArrayList<>();
      http.get("/v1/proof/consistency?from=44&to=46")
          .json()
          .get("consistencyProof")
          .forEach(n -> proof.add(Hash.fromBase64(n.asText())));
      ConsistencyProof.verify(44, 46, a.checkpoint().rootHash(), b.checkpoint().rootHash(), proof);
    }
  }

  @Test
  void refusesAVersion1DataDirectoryNamingTheVersion() throws Exception {
    try (LogServer s = LogServer.start(config())) {
      Events events = new Events(7, LogServer.DEV_CARRIER_ID, s.devCarrierKey());
      KeyEvent e = events.register(events.newSubject(), "phone-1", events.newKey());
      assertThat(new Http(s.baseUrl()).post("/v1/events", EventJson.toJsonString(e)).status())
          .isEqualTo(200);
    }
    // A version 1 store is one with entries and a checkpoint but no "format" marker.
    try (RawRocks raw = RawRocks.open(dir.resolve("db"))) {
      assertThat(raw.get("default", RawRocks.meta("format"))).containsExactly(2);
      raw.delete("default", RawRocks.meta("format"));
    }
    assertThatThrownBy(() -> LogServer.start(config()))
        .isInstanceOf(StorageException.class)
        .hasMessageStartingWith(
            "store in " + dir.resolve("db") + " holds a log of protocol version 1 (4 entries);")
        .hasMessageContaining("this server speaks only version 2");
    // Nothing was written to it: still refused, and the marker was not added.
    assertThatThrownBy(() -> LogServer.start(config())).isInstanceOf(StorageException.class);
    try (RawRocks raw = RawRocks.open(dir.resolve("db"))) {
      assertThat(raw.get("default", RawRocks.meta("format"))).isNull();
    }
  }

  @Test
  void refusesADataDirectoryOfMapLayoutTwoNamingIt() throws Exception {
    try (LogServer s = LogServer.start(config())) {
      Events events = new Events(9, LogServer.DEV_CARRIER_ID, s.devCarrierKey());
      KeyEvent e = events.register(events.newSubject(), "phone-1", events.newKey());
      assertThat(new Http(s.baseUrl()).post("/v1/events", EventJson.toJsonString(e)).status())
          .isEqualTo(200);
    }
    // A store of the build before layout 4: the same column families, marked layout 2.
    try (RawRocks raw = RawRocks.open(dir.resolve("db"))) {
      raw.put("default", RawRocks.meta("map-layout"), new byte[] {2});
    }
    assertThatThrownBy(() -> LogServer.start(config()))
        .isInstanceOf(StorageException.class)
        .hasMessageStartingWith(
            "store in "
                + dir.resolve("db")
                + " holds a version 2 log of 4 entries whose subject map an earlier build laid out"
                + " as layout 2 (leaf records in the map column);");
    try (RawRocks raw = RawRocks.open(dir.resolve("db"))) {
      assertThat(raw.get("default", RawRocks.meta("map-layout"))).containsExactly(2);
    }
  }

  @Test
  void refusesADataDirectoryWithTheOldMapLayoutNamingIt() throws Exception {
    try (LogServer s = LogServer.start(config())) {
      Events events = new Events(8, LogServer.DEV_CARRIER_ID, s.devCarrierKey());
      KeyEvent e = events.register(events.newSubject(), "phone-1", events.newKey());
      assertThat(new Http(s.baseUrl()).post("/v1/events", EventJson.toJsonString(e)).status())
          .isEqualTo(200);
    }
    // An earlier build's store: format 2 but no map-layout marker.
    try (RawRocks raw = RawRocks.open(dir.resolve("db"))) {
      assertThat(raw.get("default", RawRocks.meta("map-layout"))).containsExactly(4);
      raw.delete("default", RawRocks.meta("map-layout"));
    }
    assertThatThrownBy(() -> LogServer.start(config()))
        .isInstanceOf(StorageException.class)
        .hasMessageStartingWith(
            "store in "
                + dir.resolve("db")
                + " holds a version 2 log of 4 entries whose subject map an earlier build stored"
                + " as one record per tree node;");
    try (RawRocks raw = RawRocks.open(dir.resolve("db"))) {
      assertThat(raw.get("default", RawRocks.meta("map-layout"))).isNull();
    }
  }

  @Test
  void refusesToStartWithAnotherOrigin() {
    LogServer.start(config()).close();
    assertThatThrownBy(
            () ->
                LogServer.start(
                    ServerConfig.builder(dir).port(0).origin("example.com/other").build()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("the key name must be the origin");
  }
}
