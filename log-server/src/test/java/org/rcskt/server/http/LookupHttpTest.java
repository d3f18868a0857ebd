package org.rcskt.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rcskt.server.LogServer;
import org.rcskt.server.config.KeyFiles;
import org.rcskt.server.config.RateLimitConfig;
import org.rcskt.server.config.ServerConfig;
import org.rcskt.server.testing.Clients;
import org.rcskt.server.testing.Events;
import org.rcskt.server.testing.Http;
import org.rcskt.server.testing.TamperingProxy;
import org.rcskt.server.testing.TestVrf;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.checkpoint.SignedCheckpoint;
import org.rcskt.verifier.client.LogClient;
import org.rcskt.verifier.client.NumberLookup;
import org.rcskt.verifier.client.ResponseException;
import org.rcskt.verifier.client.StaleAnswerException;
import org.rcskt.verifier.crypto.Ed25519;
import org.rcskt.verifier.event.EventJson;
import org.rcskt.verifier.event.KeyEvent;
import org.rcskt.verifier.event.PhoneNumbers;
import org.rcskt.verifier.map.MapProof;
import org.rcskt.verifier.map.MapRootEntry;
import org.rcskt.verifier.map.SubjectLeaf;
import org.rcskt.verifier.merkle.InclusionProof;
import org.rcskt.verifier.merkle.Merkle;
import org.rcskt.verifier.note.NoteVerifiers;
import org.rcskt.verifier.vrf.VrfKeys;

/**
 * {@code GET /v1/keys/<E.164>} and the subject map over real HTTP: the real server on a real
 * RocksDB with the test VRF key, verifier-lib's client, and a man in the middle.
 */
class LookupHttpTest {
  @TempDir Path dir;
  LogServer server;
  Http http;
  Events events;

  void start(ServerConfig.Builder b) throws Exception {
    Files.createDirectories(dir);
    Path vrf = dir.resolve("vrf.key");
    if (!Files.exists(vrf)) {
      KeyFiles.write(vrf, VrfKeys.formatSecret(ServerConfig.DEFAULT_ORIGIN, TestVrf.SECRET));
    }
    server = LogServer.start(b.port(0).devMode(true).build());
    http = new Http(server.baseUrl());
    events = new Events(8, LogServer.DEV_CARRIER_ID, server.devCarrierKey());
  }

  void start() throws Exception {
    start(ServerConfig.builder(dir));
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  LogClient client(String baseUrl) throws Exception {
    return Clients.of(baseUrl, server.origin(), server.verifierKey(), vrfKeyFromInfo());
  }

  /** The VRF key as {@code /v1/info} publishes it (and as an app would pin it). */
  byte[] vrfKeyFromInfo() throws Exception {
    byte[] k = VrfKeys.parsePublic(http.get("/v1/info").json().at("/vrf/publicKey").asText()).key();
    // The server took the test key written to its data directory.
    assertThat(k).isEqualTo(TestVrf.PUBLIC);
    return k;
  }

  KeyEvent submit(KeyEvent e) {
    Http.Response r = http.post("/v1/events", EventJson.toJsonString(e));
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    return e;
  }

  /**
   * Verifies the raw completeness part of a lookup answer by hand: the checkpoint's last leaf is
   * the map root, proven included, and the subject's map proof against it; what the map says.
   */
  Optional<SubjectLeaf> provenByHand(JsonNode a) throws Exception {
    SignedCheckpoint cp =
        SignedCheckpoint.verify(
            a.get("checkpoint").asText().getBytes(java.nio.charset.StandardCharsets.UTF_8),
            server.origin(),
            NoteVerifiers.parse(server.verifierKey()));
    long size = cp.checkpoint().treeSize();
    assertThat(a.get("treeSize").asLong()).isEqualTo(size);
    assertThat(a.at("/mapRoot/leafIndex").asLong()).isEqualTo(size - 1);
    byte[] entry = Base64.getDecoder().decode(a.at("/mapRoot/entry").asText());
    MapRootEntry m = MapRootEntry.decode(entry);
    assertThat(m.treeSize()).isEqualTo(size);
    List<Hash> proof = new ArrayList<>();
    a.at("/mapRoot/inclusionProof").forEach(n -> proof.add(Hash.fromBase64(n.asText())));
    InclusionProof.verify(
        size - 1, size, Merkle.leafHash(entry), proof, cp.checkpoint().rootHash());
    return MapProof.verify(
        Base64.getDecoder().decode(a.get("completeness").asText()),
        m.mapRoot(),
        Hash.fromHex(a.get("index").asText()));
  }

  @Test
  void lookupRegisterLookupRotateLookupWithTheClient() throws Exception {
    start();
    String number = events.newNumber();
    LogClient client = client(server.baseUrl());
    Hash index = TestVrf.index(number);

    // Never registered: a verified "no events", the map proving the index absent.
    NumberLookup none = client.lookup(number);
    assertThat(none.index())
        .isEqualTo(index)
        .isEqualTo(PhoneNumbers.verifiedIndex(TestVrf.PUBLIC, number, none.vrfProof()));
    assertThat(none.history().events()).isEmpty();
    JsonNode raw = http.get("/v1/keys/" + number).json();
    assertThat(raw.get("number").asText()).isEqualTo(number);
    assertThat(raw.get("index").asText()).isEqualTo(index.toHex());
    assertThat(raw.get("subject").asText()).isEqualTo(index.toHex());
    assertThat(raw.get("state").isNull()).isTrue();
    assertThat(provenByHand(raw)).isEmpty();

    Ed25519.KeyPair k1 = events.newKey();
    KeyEvent reg = submit(events.register(index, "phone-1", k1));
    NumberLookup one = client.lookup(number);
    assertThat(one.history().events()).hasSize(1);
    assertThat(one.history().events().get(0).event().encoded()).isEqualTo(reg.encoded());
    // The map says the registration is the number's latest event, as of the answer's checkpoint.
    assertThat(provenByHand(http.get("/v1/keys/" + number).json()))
        .contains(new SubjectLeaf(index, 1, reg.leafHash()));

    KeyEvent rot = submit(events.rotate(reg, "phone-1", k1, events.newKey()));
    NumberLookup two = client.lookup(number);
    assertThat(two.history().events()).hasSize(2);
    assertThat(two.history().events().get(1).event().encoded()).isEqualTo(rot.encoded());
    assertThat(two.history().treeSize()).isEqualTo(server.log().head().treeSize());
    assertThat(provenByHand(http.get("/v1/keys/" + number).json()))
        .contains(new SubjectLeaf(index, 2, rot.leafHash()));
    // The same through /v1/subjects, which the client verifies the same way.
    assertThat(client.subject(index).events()).hasSize(2);
  }

  @Test
  void aClientCatchesStaleAndTamperedAnswers() throws Exception {
    start();
    String number = events.newNumber();
    Hash index = TestVrf.index(number);
    Ed25519.KeyPair k1 = events.newKey();
    KeyEvent reg = submit(events.register(index, "phone-1", k1));
    submit(events.rotate(reg, "phone-1", k1, events.newKey()));

    try (TamperingProxy proxy = new TamperingProxy(server.baseUrl())) {
      LogClient client = client(proxy.baseUrl());
      assertThat(client.lookup(number).history().events()).hasSize(2);

      // The latest event withheld, everything else genuine: the map says there is one more.
      proxy.tamper(
          a -> {
            ArrayNode es = (ArrayNode) a.get("events");
            es.remove(es.size() - 1);
            return a;
          });
      assertThatThrownBy(() -> client.lookup(number))
          .isInstanceOfSatisfying(
              StaleAnswerException.class,
              e -> {
                assertThat(e.subject()).isEqualTo(index);
                assertThat(e.provenNextSequence()).isEqualTo(2);
                assertThat(e.shownEvents()).isEqualTo(1);
              });
      assertThatThrownBy(() -> client.subject(index)).isInstanceOf(StaleAnswerException.class);

      // A completeness proof that is not the log's.
      proxy.tamper(
          a -> {
            byte[] p = Base64.getDecoder().decode(a.get("completeness").asText());
            p[p.length - 1] ^= 1;
            a.put("completeness", Base64.getEncoder().encodeToString(p));
            return a;
          });
      assertThatThrownBy(() -> client.lookup(number))
          .isInstanceOf(ResponseException.class)
          .hasMessageContaining("field \"completeness\" does not verify");

      // A map root entry that is not the checkpoint's last leaf (another subject count).
      proxy.tamper(
          a -> {
            byte[] m = Base64.getDecoder().decode(a.at("/mapRoot/entry").asText());
            m[m.length - 33] ^= 1;
            ((com.fasterxml.jackson.databind.node.ObjectNode) a.get("mapRoot"))
                .put("entry", Base64.getEncoder().encodeToString(m));
            return a;
          });
      assertThatThrownBy(() -> client.lookup(number))
          .isInstanceOf(ResponseException.class)
          .hasMessageContaining("mapRoot.inclusionProof of the map root leaf does not verify");

      // Honest again: the client still accepts the log.
      proxy.tamper(a -> a);
      assertThat(client.lookup(number).history().events()).hasSize(2);
    }
  }

  void assertBadNumber(String path, String detail) {
    Http.Response r = http.get(path);
    assertThat(r.status()).as(r.text()).isEqualTo(400);
    assertThat(r.json().get("error").asText()).isEqualTo("bad_request");
    assertThat(r.json().get("field").asText()).isEqualTo("number");
    assertThat(r.json().get("detail").asText()).isEqualTo(detail);
  }

  @Test
  void malformedNumbersAre400NamingTheRule() throws Exception {
    start();
    assertBadNumber(
        "/v1/keys/+0123456789", "phone number's first digit (country code) must not be 0");
    assertBadNumber("/v1/keys/123", "phone number must start with '+'");
    assertBadNumber(
        "/v1/keys/+12ab345678", "phone number has a character that is not a digit at position 3");
    assertBadNumber("/v1/keys/+1234567", "phone number must have 8 to 15 digits after '+', got 7");
    assertBadNumber("/v1/keys/+1234567890123456", "phone number has 17 characters, more than 16");
    assertBadNumber(
        "/v1/keys/+1234567890123456789012345678901234567890",
        "phone number has 41 characters, more than 16");
    // "+" encoded as %2B is the same number.
    String number = events.newNumber();
    JsonNode plain = http.get("/v1/keys/" + number).json();
    JsonNode encoded = http.get("/v1/keys/%2B" + number.substring(1)).json();
    assertThat(encoded.get("number").asText()).isEqualTo(number);
    assertThat(encoded.get("index").asText())
        .isEqualTo(plain.get("index").asText())
        .isEqualTo(TestVrf.index(number).toHex());
  }

  @Test
  void lookupsAreRateLimitedPerClientAndSubjectsAreNot() throws Exception {
    // Burst 2, then one every 100 s: the third lookup in a row is refused.
    start(
        ServerConfig.builder(dir)
            .lookupRateLimit(new RateLimitConfig(0.01, 2, 1000, false, 32, 64)));
    String number = events.newNumber();
    assertThat(http.get("/v1/keys/" + number).status()).isEqualTo(200);
    assertThat(http.get("/v1/keys/" + number).status()).isEqualTo(200);
    Http.Response third = http.get("/v1/keys/" + number);
    assertThat(third.status()).as(third.text()).isEqualTo(429);
    assertThat(Long.parseLong(third.header("Retry-After"))).isBetween(1L, 100L);
    assertThat(third.header("Content-Type")).startsWith("application/json");
    assertThat(third.json().get("error").asText()).isEqualTo("rate_limited");
    assertThat(third.json().get("field").isNull()).isTrue();
    assertThat(third.json().get("detail").asText())
        .startsWith("too many requests from this address");
    // Malformed numbers count too: the limit is checked first.
    assertThat(http.get("/v1/keys/123").status()).isEqualTo(429);
    // The same subject by index is not limited.
    String hex = TestVrf.index(number).toHex();
    for (int i = 0; i < 10; i++) {
      assertThat(http.get("/v1/subjects/" + hex).status()).isEqualTo(200);
    }
    assertThat(new String(server.metrics().scrape(), java.nio.charset.StandardCharsets.UTF_8))
        .contains("rcskt_rate_limited_total{route=\"/v1/keys\"} 2.0");
  }

  @Test
  void entriesShowMapRootsAndEveryCheckpointEndsWithOne() throws Exception {
    start();
    Set<Long> seen = ConcurrentHashMap.newKeySet();
    AtomicBoolean stop = new AtomicBoolean();
    Thread poller =
        new Thread(
            () -> {
              while (!stop.get()) {
                String cp = new Http(server.baseUrl()).get("/checkpoint").text();
                seen.add(Long.parseLong(cp.split("\n")[1]));
              }
            });
    poller.start();
    List<String> bodies = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      bodies.add(
          EventJson.toJsonString(events.register(events.newSubject(), "phone-1", events.newKey())));
    }
    List<Long> receiptSizes = new ArrayList<>();
    for (int round = 0; round < 3; round++) {
      for (Http.Response r :
          http.postConcurrently("/v1/events", bodies.subList(round * 20, round * 20 + 20))) {
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        receiptSizes.add(r.json().get("treeSize").asLong());
      }
    }
    stop.set(true);
    poller.join();
    seen.addAll(receiptSizes);
    long size = server.log().head().treeSize();
    seen.add(size);
    assertThat(seen).hasSizeGreaterThan(3);

    JsonNode page = http.get("/v1/entries?start=0&end=" + size).json();
    JsonNode es = page.get("entries");
    assertThat(es).hasSize((int) size);
    long events = 0;
    long mapRoots = 0;
    for (JsonNode e : es) {
      if (e.has("mapRoot")) {
        mapRoots++;
        assertThat(e.has("event")).isFalse();
        // A map root commits to the tree up to and including itself.
        assertThat(e.at("/mapRoot/treeSize").asLong()).isEqualTo(e.get("leafIndex").asLong() + 1);
      } else {
        events++;
      }
    }
    // The dev anchor and the 60 registrations; a map root per batch, the anchor's included.
    assertThat(events).isEqualTo(61);
    assertThat(size).isEqualTo(events + mapRoots);
    for (long s : seen) {
      JsonNode last = es.get((int) (s - 1));
      assertThat(last.has("mapRoot")).as("last leaf of tree size %d", s).isTrue();
      assertThat(last.at("/mapRoot/treeSize").asLong()).isEqualTo(s);
    }
    // The last map root counts the carrier and the 60 subjects.
    assertThat(es.get((int) size - 1).at("/mapRoot/subjectCount").asLong()).isEqualTo(61);
  }

  @Test
  void aVersion1EventIs400NamingTheVersion() throws Exception {
    start();
    var json = EventJson.toJson(events.register(events.newSubject(), "phone-1", events.newKey()));
    json.put("version", 1);
    Http.Response r = http.post("/v1/events", json.toString());
    assertThat(r.status()).as(r.text()).isEqualTo(400);
    assertThat(r.json().get("error").asText()).isEqualTo("malformed_event");
    assertThat(r.json().get("field").asText()).isEqualTo("version");
    assertThat(r.json().get("detail").asText()).contains("version 1 is retired");
    // Nothing was logged: the dev anchor and its map root.
    assertThat(server.log().head().treeSize()).isEqualTo(2);
  }
}
