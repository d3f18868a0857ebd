package org.rcskt.monitor.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rcskt.monitor.testing.TestVrf;
import org.rcskt.server.LogServer;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.crypto.Ed25519;
import org.rcskt.verifier.event.EventBuilder;
import org.rcskt.verifier.event.KeyEvent;
import org.rcskt.verifier.event.PublicKeyInfo;
import org.rcskt.verifier.event.RevocationReason;
import org.rcskt.verifier.note.NoteVerifiers;
import picocli.CommandLine;

/** The audit command against real log servers over HTTP. */
class AuditServerTest {
  @TempDir Path dir;

  private record Run(int exit, String err) {}

  private Run audit(String... args) {
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(new AuditCommand());
    cl.setErr(new PrintWriter(err, true));
    int exit = cl.execute(args);
    return new Run(exit, err.toString());
  }

  @Test
  void aNumberIsExportedWithTheVrfProofThatTiesItToItsIndex() throws Exception {
    Path data = dir.resolve("by-number");
    PlantedLog planted = new PlantedLog(17, Servers.policyKey(data));
    Servers.plant(data, planted.entries);
    Path export = dir.resolve("out/number.json");
    try (LogServer server = LogServer.start(Servers.config(data, true, false))) {
      Run r =
          audit(
              "--log-url", server.baseUrl(),
              "--json", dir.resolve("out/n.json").toString(),
              "--html", dir.resolve("out/n.html").toString(),
              "--as-of", "2026-04-11T00:00:00Z",
              "--export-number", "+33600000002",
              "--export-file", export.toString());
      assertThat(r.exit()).as(r.err()).isEqualTo(1);
      assertThat(r.err()).contains("exported 3 events of subject " + planted.s2.toHex());
      assertThat(ReportJson.read(Files.readAllBytes(dir.resolve("out/n.json"))).notes())
          .anySatisfy(n -> assertThat(n).startsWith("The VRF key that ties +33600000002"));
      com.fasterxml.jackson.databind.ObjectMapper m =
          new com.fasterxml.jackson.databind.ObjectMapper();
      com.fasterxml.jackson.databind.node.ObjectNode doc =
          (com.fasterxml.jackson.databind.node.ObjectNode) m.readTree(Files.readAllBytes(export));
      assertThat(doc.path("vrf").path("number").asText()).isEqualTo("+33600000002");
      SubjectExport.Verified v =
          SubjectExport.verify(
              Files.readAllBytes(export),
              Servers.ORIGIN,
              NoteVerifiers.parse(server.verifierKey()),
              planted.rules());
      assertThat(v.subject()).isEqualTo(planted.s2);
      // The proof is for the number it names, and only for it.
      ((com.fasterxml.jackson.databind.node.ObjectNode) doc.get("vrf"))
          .put("number", "+33600000003");
      assertThatThrownBy(
              () ->
                  SubjectExport.verify(
                      m.writeValueAsBytes(doc),
                      Servers.ORIGIN,
                      NoteVerifiers.parse(server.verifierKey()),
                      planted.rules()))
          .isInstanceOf(org.rcskt.verifier.VerificationException.class)
          .hasMessageStartingWith("export vrf: ");
      // A subject by index and by number at once is refused.
      Run both =
          audit(
              "--log-url", server.baseUrl(),
              "--json", dir.resolve("out/b.json").toString(),
              "--html", dir.resolve("out/b.html").toString(),
              "--export-subject", planted.s2.toHex(),
              "--export-number", "+33600000002");
      assertThat(both.exit()).isEqualTo(2);
      assertThat(both.err()).contains("give --export-subject or --export-number, not both");
    }
  }

  @Test
  void aLogWithPlantedViolationsIsReportedExactly() throws Exception {
    Path data = dir.resolve("planted");
    PlantedLog planted = new PlantedLog(17, Servers.policyKey(data));
    Servers.plant(data, planted.entries);
    Path json = dir.resolve("out/report.json");
    Path html = dir.resolve("out/report.html");
    Path export = dir.resolve("out/s2.json");
    try (LogServer server = LogServer.start(Servers.config(data, true, false))) {
      Run r =
          audit(
              "--log-url", server.baseUrl(),
              "--json", json.toString(),
              "--html", html.toString(),
              "--as-of", "2026-04-11T00:00:00Z",
              "--threads", "2",
              "--export-subject", planted.s2.toHex(),
              "--export-file", export.toString());
      assertThat(r.exit()).as(r.err()).isEqualTo(1);
      assertThat(r.err())
          .contains("auditing audit.test/log at tree size 16 with 2 worker threads")
          .contains("audited 16 entries in ")
          .contains("root matches, 5 rules broken")
          .contains("exported 3 events of subject " + planted.s2.toHex());

      AuditReport report = ReportJson.read(Files.readAllBytes(json));
      Map<Long, String> found = new LinkedHashMap<>();
      for (Finding f : report.violations().items()) {
        found.put(f.leafIndex(), f.kind());
      }
      assertThat(found).containsExactlyEntriesOf(planted.expectedViolations);
      assertThat(report.rootMatches()).isTrue();
      // Servers.plant ends the planted events with their map root.
      assertThat(report.mapRoots()).isEqualTo(1);
      assertThat(report.mapRootMismatches().total()).isZero();
      assertThat(report.recoveries().items()).extracting(Finding::leafIndex).containsExactly(5L);
      assertThat(report.unattestedRegistrations().items())
          .extracting(Finding::leafIndex)
          .containsExactly(3L);
      assertThat(report.anchorChanges().total()).isEqualTo(3);
      assertThat(report.notes()).hasSize(4).anyMatch(n -> n.contains("post-quantum signature"));
      assertThat(Files.readString(html)).contains("FAILED").contains("WRONG_SEQUENCE");

      SubjectExport.Verified v =
          SubjectExport.verify(
              Files.readAllBytes(export),
              Servers.ORIGIN,
              NoteVerifiers.parse(server.verifierKey()),
              planted.rules());
      assertThat(v.subject()).isEqualTo(planted.s2);
      assertThat(v.events()).hasSize(3);
      assertThat(v.accepted()).isEqualTo(2);
      assertThat(v.finalState().nextSequence()).isEqualTo(2);
      // The map commits to the subject's latest event in the log, rejected or not.
      assertThat(
              org.rcskt.verifier.map.MapProof.decode(
                      java.util.Base64.getDecoder()
                          .decode(
                              new com.fasterxml.jackson.databind.ObjectMapper()
                                  .readTree(Files.readAllBytes(export))
                                  .get("completenessProof")
                                  .asText()))
                  .terminal()
                  .orElseThrow()
                  .nextSequence())
          .isEqualTo(4);

      // Tampering with the export is caught.
      com.fasterxml.jackson.databind.ObjectMapper m =
          new com.fasterxml.jackson.databind.ObjectMapper();
      com.fasterxml.jackson.databind.node.ObjectNode doc =
          (com.fasterxml.jackson.databind.node.ObjectNode) m.readTree(Files.readAllBytes(export));
      ((com.fasterxml.jackson.databind.node.ObjectNode) doc.get("events").get(2))
          .put("accepted", true);
      assertThatThrownBy(
              () ->
                  SubjectExport.verify(
                      m.writeValueAsBytes(doc),
                      Servers.ORIGIN,
                      NoteVerifiers.parse(server.verifierKey()),
                      planted.rules()))
          .hasMessageStartingWith(
              "event at leaf 8 is marked accepted but breaks the rules on replay: expected"
                  + " sequence 2");
      ((com.fasterxml.jackson.databind.node.ObjectNode) doc.get("events").get(2))
          .put("accepted", false);
      ((com.fasterxml.jackson.databind.node.ArrayNode) doc.get("anchors")).removeAll();
      assertThatThrownBy(
              () ->
                  SubjectExport.verify(
                      m.writeValueAsBytes(doc),
                      Servers.ORIGIN,
                      NoteVerifiers.parse(server.verifierKey()),
                      planted.rules()))
          .hasMessageStartingWith(
              "event at leaf 5 is marked accepted but breaks the rules on replay: signature by"
                  + " unknown key");
      // 15 planted entries and the map root that ends them.
      assertThat(v.checkpoint().checkpoint().treeSize()).isEqualTo(16);

      // A completeness proof that hides the subject's latest event is caught.
      com.fasterxml.jackson.databind.node.ObjectNode hidden =
          (com.fasterxml.jackson.databind.node.ObjectNode) m.readTree(Files.readAllBytes(export));
      byte[] proof = java.util.Base64.getDecoder().decode(hidden.get("completenessProof").asText());
      proof[proof.length - 1] ^= 1;
      hidden.put("completenessProof", java.util.Base64.getEncoder().encodeToString(proof));
      assertThatThrownBy(
              () ->
                  SubjectExport.verify(
                      m.writeValueAsBytes(hidden),
                      Servers.ORIGIN,
                      NoteVerifiers.parse(server.verifierKey()),
                      planted.rules()))
          .hasMessageStartingWith("map proof for " + planted.s2 + " leads to root ");
    }
  }

  @Test
  void aCleanLogServedByARealServerPasses() throws Exception {
    Path data = dir.resolve("clean");
    Random random = new Random(8);
    Path json = dir.resolve("clean.json");
    try (LogServer server = LogServer.start(Servers.config(data, false, true))) {
      Ed25519.KeyPair carrier = server.devCarrierKey();
      List<KeyEvent> posted = new ArrayList<>();
      // 120 subjects: register, rotate, and every fourth revokes: 270 events, two bundles.
      for (int i = 0; i < 120; i++) {
        Hash s = TestVrf.index("+3361000" + String.format("%04d", i));
        Ed25519.KeyPair k1 = Ed25519.KeyPair.generate(random);
        Ed25519.KeyPair k2 = Ed25519.KeyPair.generate(random);
        long now = System.currentTimeMillis();
        KeyEvent reg =
            EventBuilder.forSubject(s, LogServer.DEV_CARRIER_ID)
                .timestampMs(now)
                .register("phone", PublicKeyInfo.ed25519(k1.publicKey()))
                .sign(k1, carrier);
        KeyEvent rot =
            EventBuilder.forSubject(s, LogServer.DEV_CARRIER_ID)
                .after(reg)
                .timestampMs(now + 1)
                .rotate("phone", PublicKeyInfo.ed25519(k2.publicKey()))
                .sign(k2, k1);
        posted.add(reg);
        posted.add(rot);
        if (i % 4 == 0) {
          posted.add(
              EventBuilder.forSubject(s, LogServer.DEV_CARRIER_ID)
                  .after(rot)
                  .timestampMs(now + 2)
                  .revoke("phone", RevocationReason.SUPERSEDED)
                  .sign(k2));
        }
      }
      for (KeyEvent e : posted) {
        Servers.post(server, e);
      }
      Run r =
          audit(
              "--log-url",
              server.baseUrl(),
              "--log-key",
              server.verifierKey(),
              "--policy-key",
              java.util.HexFormat.of().formatHex(server.policyKeyPair().publicKey().encoded()),
              "--allow-unattested",
              "false",
              "--post-quantum-key",
              server.postQuantumVerifierKey(),
              "--json",
              json.toString(),
              "--html",
              dir.resolve("clean.html").toString(),
              "--quiet");
      assertThat(r.exit()).as(r.err()).isEqualTo(0);
      assertThat(r.err()).isEmpty();
      AuditReport report = ReportJson.read(Files.readAllBytes(json));
      assertThat(report.passed()).isTrue();
      // The dev carrier's ANCHOR, then ours, each batch ended by its map root.
      assertThat(report.mapRoots()).isPositive();
      assertThat(report.mapRootMismatches().total()).isZero();
      assertThat(report.treeSize()).isEqualTo(271 + report.mapRoots());
      assertThat(report.eventsByType())
          .containsEntry("ANCHOR", 1L)
          .containsEntry("REGISTER", 120L)
          .containsEntry("ROTATE", 120L)
          .containsEntry("REVOKE", 30L);
      assertThat(report.revocationsByReason()).containsExactly(Map.entry("SUPERSEDED", 30L));
      assertThat(report.subjects()).isEqualTo(120);
      assertThat(report.notes()).isEmpty();
      assertThat(report.keysPastRotationDeadline().total()).isZero();
    }
  }

  @Test
  void anUnreachableLogIsAnError() {
    Run r = audit("--log-url", "http://127.0.0.1:9/", "--quiet", "--timeout-seconds", "2");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).startsWith("audit failed: ");
  }

  @Test
  void aWrongLogKeyIsAnError() throws Exception {
    Path data = dir.resolve("k");
    try (LogServer server = LogServer.start(Servers.config(data, false, true))) {
      String other =
          org.rcskt.verifier.note.Ed25519NoteVerifier.of(
                  Servers.ORIGIN, Ed25519.KeyPair.generate(new Random(1)).publicKey())
              .verifierKey();
      Run r =
          audit(
              "--log-url",
              server.baseUrl(),
              "--log-key",
              other,
              "--json",
              dir.resolve("k.json").toString(),
              "--html",
              dir.resolve("k.html").toString(),
              "--quiet");
      assertThat(r.exit()).isEqualTo(2);
      assertThat(r.err())
          .startsWith(
              "audit failed: note has no signature from a known key: signed by [audit.test/log+");
      assertThat(Files.exists(dir.resolve("k.json"))).isFalse();
    }
  }
}
