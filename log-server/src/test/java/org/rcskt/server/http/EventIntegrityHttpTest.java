package org.rcskt.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.rcskt.server.http.LogServerErrorsTest.assertError;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rcskt.server.LogServer;
import org.rcskt.server.config.ServerConfig;
import org.rcskt.server.testing.Cli;
import org.rcskt.server.testing.Events;
import org.rcskt.server.testing.Http;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.crypto.Ed25519;
import org.rcskt.verifier.event.EventBuilder;
import org.rcskt.verifier.event.EventCodec;
import org.rcskt.verifier.event.EventJson;
import org.rcskt.verifier.event.KeyEvent;
import org.rcskt.verifier.event.PhoneNumbers;
import org.rcskt.verifier.event.PublicKeyInfo;

/**
 * Issue 9's reproductions of events that were accepted or misread, over HTTP against a real dev
 * server: a REGISTER on the dev carrier's subject, JSON with trailing content or repeated keys, and
 * the order of the signature and chain checks. {@code fsck} with replay passes afterwards.
 */
class EventIntegrityHttpTest {
  @TempDir Path dir;
  LogServer server;
  Http http;
  Events events;

  @BeforeEach
  void start() {
    server = LogServer.start(ServerConfig.builder(dir).port(0).devMode(true).build());
    http = new Http(server.baseUrl());
    events = new Events(11, LogServer.DEV_CARRIER_ID, server.devCarrierKey());
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void aRegisterOnTheCarrierSubjectIsRefusedAndTheIndexStaysWhole() throws Exception {
    Hash carrierSubject = PhoneNumbers.carrierSubject(LogServer.DEV_CARRIER_ID);
    assertThat(http.post("/v1/events", register(events.newSubject())).status()).isEqualTo(200);

    Http.Response r = http.post("/v1/events", register(carrierSubject));
    ObjectNode want =
        ApiError.body(
            "rule_violation",
            "subject",
            "REGISTER subject "
                + carrierSubject
                + " is the carrier subject of dev-carrier; phone events cannot share it");
    want.put("violation", "CARRIER_SUBJECT");
    assertError(r, 422, want.toString());

    // The carrier subject still lists its ANCHOR chain and no phone state.
    JsonNode history = http.get("/v1/subjects/" + carrierSubject.toHex()).json();
    assertThat(history.get("state").isNull()).isTrue();
    assertThat(history.get("events")).hasSize(1);
    assertThat(history.at("/events/0/leafIndex").asLong()).isZero();
    assertThat(history.at("/events/0/event/type").asText()).isEqualTo("ANCHOR");

    server.close();
    server = null;
    assertFsckPasses();
  }

  @Test
  void trailingContentAndRepeatedKeysAre400() throws Exception {
    String one = register(events.newSubject());
    for (String body : new String[] {one + "xyz", one + one}) {
      assertError(
          http.post("/v1/events", body),
          400,
          LogServerErrorsTest.body(
              "malformed_event",
              null,
              "trailing content after the event, which ends at character " + one.length()));
    }
    // Read with "last one wins", this was answered as a duplicate of the real event.
    Http.Response dup = http.post("/v1/events", "{\"sequence\":99," + one.substring(1));
    assertThat(dup.status()).as(dup.text()).isEqualTo(400);
    assertThat(dup.json().get("error").asText()).isEqualTo("malformed_event");
    assertThat(dup.json().get("field").asText()).isEqualTo("sequence");
    assertThat(dup.json().get("detail").asText()).contains("Duplicate field 'sequence'");
    // Nothing of these was logged (the dev anchor and its map root are all there is); the event
    // itself still goes in once.
    assertThat(server.log().head().treeSize()).isEqualTo(2);
    assertThat(http.post("/v1/events", one).json().get("duplicate").asBoolean()).isFalse();
    assertThat(http.post("/v1/events", one).json().get("duplicate").asBoolean()).isTrue();
  }

  @Test
  void theChainIsCheckedBeforeTheSignatures() throws Exception {
    Hash subject = events.newSubject();
    assertThat(http.post("/v1/events", register(subject)).status()).isEqualTo(200);
    // Stale (sequence 0 again) and badly signed: a conflict, as docs/protocol.md 9.4 orders it.
    KeyEvent stale = events.register(subject, "phone-2", events.newKey());
    byte[] bytes = stale.encoded();
    bytes[bytes.length - 1] ^= 1;
    KeyEvent both = EventCodec.decode(bytes);
    Http.Response r = http.post("/v1/events", EventJson.toJsonString(both));
    assertThat(r.status()).as(r.text()).isEqualTo(409);
    assertThat(r.json().get("violation").asText()).isEqualTo("WRONG_SEQUENCE");
    // The same bad signature on the next sequence number is what is reported.
    Ed25519.KeyPair laptop = events.newKey();
    KeyEvent next =
        EventBuilder.forSubject(subject, LogServer.DEV_CARRIER_ID)
            .after(server.log().subjectState(subject))
            .timestampMs(System.currentTimeMillis())
            .register("laptop", PublicKeyInfo.ed25519(laptop.publicKey()))
            .sign(laptop, server.devCarrierKey());
    byte[] nb = next.encoded();
    nb[nb.length - 1] ^= 1;
    Http.Response bad = http.post("/v1/events", EventJson.toJsonString(EventCodec.decode(nb)));
    assertThat(bad.status()).as(bad.text()).isEqualTo(422);
    assertThat(bad.json().get("violation").asText()).isEqualTo("BAD_SIGNATURE");
  }

  @Test
  void ruleViolationsNameTheFieldToChange() throws Exception {
    Hash subject = events.newSubject();
    Ed25519.KeyPair first = events.newKey();
    KeyEvent reg = events.register(subject, "phone-1", first);
    assertThat(http.post("/v1/events", EventJson.toJsonString(reg)).status()).isEqualTo(200);
    Ed25519.KeyPair second = events.newKey();
    KeyEvent rot = events.rotate(reg, "phone-1", first, second);
    assertThat(http.post("/v1/events", EventJson.toJsonString(rot)).status()).isEqualTo(200);
    // Signed by the key the rotation retired: the signature is what must change.
    KeyEvent staleSigner =
        EventBuilder.forSubject(subject, LogServer.DEV_CARRIER_ID)
            .after(rot)
            .timestampMs(System.currentTimeMillis())
            .revoke("phone-1", org.rcskt.verifier.event.RevocationReason.COMPROMISED)
            .sign(first);
    Http.Response r = http.post("/v1/events", EventJson.toJsonString(staleSigner));
    assertThat(r.status()).as(r.text()).isEqualTo(422);
    assertThat(r.json().get("violation").asText()).isEqualTo("REVOKED_KEY");
    assertThat(r.json().get("field").asText()).isEqualTo("signatures");
    // Installing the retired key again: the key is what must change.
    KeyEvent reinstall =
        EventBuilder.forSubject(subject, LogServer.DEV_CARRIER_ID)
            .after(rot)
            .timestampMs(System.currentTimeMillis())
            .register("phone-2", PublicKeyInfo.ed25519(first.publicKey()))
            .sign(first, server.devCarrierKey());
    Http.Response again = http.post("/v1/events", EventJson.toJsonString(reinstall));
    assertThat(again.status()).as(again.text()).isEqualTo(422);
    assertThat(again.json().get("violation").asText()).isEqualTo("REVOKED_KEY");
    assertThat(again.json().get("field").asText()).isEqualTo("payload.publicKey");
  }

  @Test
  void theCarriersAnchorKeyCannotBeADeviceKey() throws Exception {
    // Found by an independent implementation: accepted and marked attested, with one signature
    // filling the roles of new key and carrier.
    Ed25519.KeyPair carrier = server.devCarrierKey();
    KeyEvent e =
        EventBuilder.forSubject(events.newSubject(), LogServer.DEV_CARRIER_ID)
            .timestampMs(System.currentTimeMillis())
            .register("phone-1", PublicKeyInfo.ed25519(carrier.publicKey()))
            .sign(carrier);
    Http.Response r = http.post("/v1/events", EventJson.toJsonString(e));
    assertThat(r.status()).as(r.text()).isEqualTo(422);
    assertThat(r.json().get("violation").asText()).isEqualTo("ROLE_CONFLICT");
    assertThat(r.json().get("field").asText()).isEqualTo("payload.publicKey");
    // The dev anchor and its map root; the refused event wrote no leaf and no map root.
    assertThat(server.log().head().treeSize()).isEqualTo(2);
  }

  private String register(Hash subject) {
    return EventJson.toJsonString(events.register(subject, "phone-1", events.newKey()));
  }

  private void assertFsckPasses() {
    for (Cli.Run r :
        List.of(
            Cli.run("fsck", "--data-dir", dir.toString()),
            Cli.run("fsck", "--data-dir", dir.toString(), "--replay"))) {
      assertThat(r.code()).as(r.toString()).isZero();
      // The dev anchor's batch and the registration's, each an event and a map root.
      assertThat(r.out()).contains("OK: tree size 4");
    }
  }
}
