package org.rcskt.monitor.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.merkle.MemoryNodeStore;
import org.rcskt.verifier.merkle.Merkle;

class AuditorTest {
  private final PlantedLog log = new PlantedLog(17);

  private Auditor.Outcome audit(int threads, Hash export) {
    Auditor a =
        new Auditor(
            new Auditor.Options(
                log.rules(),
                threads,
                100,
                90,
                Instant.ofEpochMilli(PlantedLog.T0 + 100 * PlantedLog.DAY),
                export));
    MemoryNodeStore tree = new MemoryNodeStore();
    for (int i = 0; i < log.entries.size(); i++) {
      a.accept(i, log.entries.get(i));
      tree.append(Merkle.leafHash(log.entries.get(i)));
    }
    return a.finish("test.example/log", log.entries.size(), tree.rootHash(), "checkpoint text");
  }

  @Test
  void reportsExactlyThePlantedViolations() {
    AuditReport r = audit(0, null).report();
    Map<Long, String> found = new LinkedHashMap<>();
    for (Finding f : r.violations().items()) {
      found.put(f.leafIndex(), f.kind());
    }
    assertThat(found).containsExactlyEntriesOf(log.expectedViolations);
    assertThat(r.violations().total()).isEqualTo(5);
    assertThat(r.rootMatches()).isTrue();
    assertThat(r.passed()).isFalse();
    Finding gap = r.violations().items().get(1);
    assertThat(gap.subject()).isEqualTo(log.s2.toHex());
    assertThat(gap.detail()).isEqualTo("expected sequence 2 for subject " + log.s2 + ", found 3");
    assertThat(r.violations().items().get(2).detail())
        .isEqualTo("entry of 3 bytes does not decode: " + decodeMessage(new byte[] {1, 2, 3}));
  }

  private static String decodeMessage(byte[] b) {
    try {
      org.rcskt.verifier.event.EventCodec.decode(b);
      throw new AssertionError("decoded");
    } catch (org.rcskt.verifier.event.EventFormatException e) {
      return e.getMessage();
    }
  }

  @Test
  void reportsEveryKindOfFinding() {
    AuditReport r = audit(0, null).report();
    assertThat(r.treeSize()).isEqualTo(15);
    assertThat(r.eventsByType())
        .containsExactly(
            entry("ANCHOR", 3L), entry("REGISTER", 5L), entry("REVOKE", 1L), entry("ROTATE", 5L));
    assertThat(r.eventsByCarrier())
        .containsExactly(entry(PlantedLog.A, 11L), entry(PlantedLog.B, 3L));
    assertThat(r.daily())
        .extracting(DayCounts::day)
        .containsExactly(
            "2026-01-01",
            "2026-01-02",
            "2026-01-03",
            "2026-01-04",
            "2026-01-05",
            "2026-01-06",
            "2026-01-07");
    assertThat(r.recoveries().items())
        .extracting(Finding::leafIndex, Finding::subject)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(5L, log.s2.toHex()));
    assertThat(r.revocationsByReason()).containsExactly(entry("DEVICE_LOST", 1L));
    assertThat(r.revocations().items()).extracting(Finding::leafIndex).containsExactly(6L);
    assertThat(r.unattestedRegistrations().items())
        .extracting(Finding::leafIndex)
        .containsExactly(3L);
    assertThat(r.anchorChanges().items())
        .extracting(Finding::leafIndex, Finding::kind)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(0L, "ADD"),
            org.assertj.core.groups.Tuple.tuple(1L, "ADD"),
            org.assertj.core.groups.Tuple.tuple(9L, "RETIRE"));
    // Active at day 100: s2's recovered key (since day 2 plus 1 ms) and s5's rotated key (since
    // day 6).
    assertThat(r.keysPastRotationDeadline().items())
        .extracting(Finding::leafIndex, Finding::kind)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(5L, "97 days"),
            org.assertj.core.groups.Tuple.tuple(13L, "94 days"));
    assertThat(r.subjects()).isEqualTo(3);
  }

  @Test
  void threadedReplayGivesTheSameReport() {
    AuditReport inline = audit(0, null).report();
    AuditReport threaded = audit(3, null).report();
    assertThat(threaded)
        .usingRecursiveComparison()
        .ignoringFields("auditedAt", "elapsedMillis")
        .isEqualTo(inline);
  }

  @Test
  void collectsTheExportSubjectsEventsWhateverTheRulesSaid() {
    Auditor.Outcome o = audit(2, log.s2);
    assertThat(o.exportEvents())
        .extracting(Auditor.SubjectEvent::leafIndex)
        .containsExactly(3L, 5L, 8L);
  }

  @Test
  void aTreeThatDoesNotMatchTheCheckpointFails() {
    Auditor a = new Auditor(Auditor.Options.defaults(log.rules()));
    a.accept(0, log.entries.get(0));
    AuditReport r = a.finish("o", 1, Hash.ZERO, "cp").report();
    assertThat(r.rootMatches()).isFalse();
    assertThat(r.computedRootHash()).isEqualTo(Merkle.leafHash(log.entries.get(0)).toHex());
    assertThat(r.passed()).isFalse();
  }

  @Test
  void entriesMustComeInOrderAndMatchTheCheckpointSize() {
    Auditor a = new Auditor(Auditor.Options.defaults(log.rules()));
    assertThatThrownBy(() -> a.accept(1, log.entries.get(0)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("expected leaf index 0, got 1");
    a.accept(0, log.entries.get(0));
    assertThatThrownBy(() -> a.finish("o", 2, Hash.ZERO, "cp"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("replayed 1 entries but the checkpoint has tree size 2");
    assertThatThrownBy(() -> a.accept(1, log.entries.get(1))).hasMessage("the audit has finished");
  }
}
