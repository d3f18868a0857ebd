package org.rcskt.monitor.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.rcskt.monitor.testing.Fixtures.alerts;
import static org.rcskt.monitor.testing.Fixtures.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rcskt.monitor.Monitor;
import org.rcskt.monitor.alert.Alert;
import org.rcskt.monitor.alert.AlertKind;
import org.rcskt.monitor.config.LogConfig;
import org.rcskt.monitor.config.SinkConfig;
import org.rcskt.monitor.evidence.EvidenceVerifier;
import org.rcskt.monitor.testing.Fixtures;
import org.rcskt.monitor.testing.TestVrf;
import org.rcskt.server.LogServer;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.crypto.Ed25519;
import org.rcskt.verifier.event.EventBuilder;
import org.rcskt.verifier.event.KeyEvent;
import org.rcskt.verifier.map.MapRootEntry;
import org.rcskt.verifier.map.MemoryMapNodeStore;
import org.rcskt.verifier.map.SubjectMap;

/**
 * A log whose signed tree holds a MAP_ROOT leaf with a wrong root (planted with its own key, tree
 * hashes consistent) is caught by the monitor with a map-root-mismatch alert whose bundle
 * verify-evidence accepts, and refuses when tampered with.
 */
class MapRootMismatchTest {
  private static final Duration POLL = Duration.ofMillis(200);
  private static final int EVENTS = 700;
  private static final int PER_BATCH = 7;
  private static final int WRONG_BATCH = 60;

  @TempDir Path dir;

  /** The log's entries: an anchor, then registrations in batches, each ended by its map root. */
  private static List<byte[]> entries(Ed25519.KeyPair policy, long[] wrongLeaf) {
    Random r = new Random(16);
    List<KeyEvent> events = new ArrayList<>();
    long t = PlantedLog.T0;
    events.add(
        EventBuilder.forCarrier(PlantedLog.A)
            .timestampMs(t)
            .anchorAdd(PlantedLog.pub(Ed25519.KeyPair.generate(r)))
            .sign(policy));
    for (int i = 1; i < EVENTS; i++) {
      Ed25519.KeyPair k = Ed25519.KeyPair.generate(r);
      events.add(
          EventBuilder.forSubject(TestVrf.index(String.format("+3361%07d", i)), PlantedLog.A)
              .timestampMs(t + i)
              .register("phone", PlantedLog.pub(k))
              .sign(k));
    }
    List<byte[]> out = new ArrayList<>();
    SubjectMap map = SubjectMap.empty(new MemoryMapNodeStore());
    for (int b = 0; b * PER_BATCH < EVENTS; b++) {
      SubjectMap.Batch batch = map.batch();
      for (int i = b * PER_BATCH; i < Math.min(EVENTS, (b + 1) * PER_BATCH); i++) {
        KeyEvent e = events.get(i);
        out.add(e.encoded());
        batch.put(e.subject(), e.sequence() + 1, e.leafHash());
      }
      map = map.apply(batch.finish());
      Hash root = map.root();
      if (b == WRONG_BATCH) {
        root = Hash.sha256("a forged map root".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        wrongLeaf[0] = out.size();
      }
      out.add(new MapRootEntry(out.size() + 1, map.subjectCount(), root).encoded());
    }
    return out;
  }

  @Test
  void aWrongMapRootInTheSignedTreeIsProvenMisbehaviour() throws Exception {
    Path data = dir.resolve("log");
    long[] wrongLeaf = new long[1];
    List<byte[]> planted = Servers.plant(data, entries(Servers.policyKey(data), wrongLeaf));
    Path alertFile = dir.resolve("alerts.jsonl");
    try (LogServer server = LogServer.start(Servers.config(data, true, false))) {
      LogConfig follow =
          new LogConfig(
              Servers.uri(server),
              Servers.ORIGIN,
              server.verifierKey(),
              Optional.empty(),
              Optional.empty(),
              POLL,
              LogConfig.Replay.ALL,
              0);
      try (Monitor m =
          Monitor.start(
              Fixtures.monitor(
                  dir.resolve("monitor"),
                  List.of(follow),
                  List.of(),
                  List.of(new SinkConfig.File("file", alertFile)),
                  List.of()),
              Clock.systemUTC(),
              1)) {
        await(
            Duration.ofSeconds(30), () -> m.followers().get(0).verifiedEntries() == planted.size());
        await(Duration.ofSeconds(5), () -> !alerts(alertFile).isEmpty());
        List<Alert> got = alerts(alertFile);
        assertThat(got).extracting(Alert::kind).containsExactly(AlertKind.MAP_ROOT_MISMATCH);
        Alert a = got.get(0);
        assertThat(a.leafIndex()).isEqualTo(wrongLeaf[0]);
        byte[] bundle = Files.readAllBytes(Path.of(a.details().get("evidenceFile")));
        EvidenceVerifier.Verdict v = EvidenceVerifier.verify(bundle);
        assertThat(v.confirmed()).as(v.message()).isTrue();
        assertThat(v.strength()).isEqualTo(EvidenceVerifier.Strength.PROVEN);
        assertThat(v.message())
            .startsWith(
                "the signed tree of size "
                    + planted.size()
                    + " holds a wrong map root: the MAP_ROOT entry at leaf "
                    + wrongLeaf[0]
                    + " commits to map root ")
            .contains("recomputed from the map root at leaf " + (wrongLeaf[0] - PER_BATCH - 1))
            .endsWith("and the " + PER_BATCH + " entries after it)");

        ObjectMapper json = new ObjectMapper();
        // The honest root in place of the forged one: the entries no longer give the signed tree.
        ObjectNode forged = (ObjectNode) json.readTree(bundle);
        ArrayNode data2 = (ArrayNode) forged.get("entries").get("data");
        MapRootEntry wrong =
            MapRootEntry.decode(Base64.getDecoder().decode(data2.get(data2.size() - 1).asText()));
        String honest = forged.get("recomputedRoot").asText();
        data2.set(
            data2.size() - 1,
            Base64.getEncoder()
                .encodeToString(
                    new MapRootEntry(
                            wrong.treeSize(), wrong.subjectCount(), Hash.fromBase64(honest))
                        .encoded()));
        EvidenceVerifier.Verdict tv = EvidenceVerifier.verify(json.writeValueAsBytes(forged));
        assertThat(tv.confirmed()).isFalse();
        assertThat(tv.message()).contains("are not bound to the signed tree");

        // A proof of one touched subject against another root.
        ObjectNode badProof = (ObjectNode) json.readTree(bundle);
        ObjectNode p0 = (ObjectNode) badProof.get("mapProofs").get(0);
        byte[] proof = Base64.getDecoder().decode(p0.get("proof").asText());
        proof[proof.length - 1] ^= 1;
        p0.put("proof", Base64.getEncoder().encodeToString(proof));
        EvidenceVerifier.Verdict pv = EvidenceVerifier.verify(json.writeValueAsBytes(badProof));
        assertThat(pv.confirmed()).isFalse();
        assertThat(pv.message()).startsWith("the map proofs do not verify against the base root: ");
      }

      // The audit finds the same map root, and only it.
      Path json = dir.resolve("report.json");
      java.io.StringWriter err = new java.io.StringWriter();
      picocli.CommandLine cl = new picocli.CommandLine(new AuditCommand());
      cl.setErr(new java.io.PrintWriter(err, true));
      int exit =
          cl.execute(
              "--log-url",
              server.baseUrl(),
              "--json",
              json.toString(),
              "--html",
              dir.resolve("report.html").toString(),
              "--quiet");
      assertThat(exit).as(err.toString()).isEqualTo(1);
      AuditReport report = ReportJson.read(Files.readAllBytes(json));
      assertThat(report.rootMatches()).isTrue();
      assertThat(report.violations().total()).isZero();
      assertThat(report.mapRoots()).isEqualTo((EVENTS + PER_BATCH - 1) / PER_BATCH);
      assertThat(report.mapRootMismatches().items())
          .extracting(Finding::leafIndex, Finding::kind)
          .containsExactly(org.assertj.core.groups.Tuple.tuple(wrongLeaf[0], "MAP_ROOT_MISMATCH"));
      assertThat(report.passed()).isFalse();
    }
  }
}
