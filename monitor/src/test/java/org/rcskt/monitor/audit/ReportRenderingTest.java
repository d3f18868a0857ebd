package org.rcskt.monitor.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReportRenderingTest {
  private static final long DAY = 86_400_000L;
  private static final long T0 = Instant.parse("2026-03-01T10:00:00Z").toEpochMilli();

  private static AuditReport sample(int listLimit) {
    ReportBuilder b = new ReportBuilder(listLimit);
    b.countEvent("REGISTER", "carrier-a", T0);
    b.countEvent("REGISTER", "carrier-b", T0 + 5);
    b.countEvent("ROTATE", "carrier-b", T0 + DAY);
    b.countEvent("RECOVER", "carrier-b", T0 + DAY + 1);
    b.countEvent("REVOKE", "carrier-b", T0 + 2 * DAY);
    b.countEvent("REVOKE", "carrier-a", T0 + 2 * DAY + 7);
    b.recovery(
        new Finding(
            3, ReportBuilder.isoTime(T0 + DAY + 1), "ab", "carrier-b", "cd", "RECOVER", "x"));
    b.revocation("COMPROMISED", new Finding(4, null, "ab", null, "cd", "COMPROMISED", null));
    b.revocation("LOST", new Finding(5, null, "ef", null, "01", "LOST", null));
    b.revocation("COMPROMISED", new Finding(6, null, "ef", null, "02", "COMPROMISED", null));
    b.unattestedRegistration(new Finding(1, null, "ef", null, "01", "REGISTER", null));
    b.violation(
        new Finding(7, null, "<script>alert(1)</script>", null, null, "BAD_SIGNATURE", "a & b"));
    return b.build(
        "example.org/log",
        8,
        "aa".repeat(32),
        "bb".repeat(32),
        "example.org/log\n8\nqqqq\n\n— example.org/log abcd\n",
        Instant.parse("2026-04-01T00:00:00Z"),
        Instant.parse("2026-04-01T00:00:00Z"),
        90,
        12,
        2,
        1,
        java.util.List.of("log key taken from <the log>"));
  }

  @Test
  void builderCountsExactlyAndKeepsFirstFindingsUpToTheLimit() {
    AuditReport r = sample(1);
    assertThat(r.eventsByType())
        .containsExactly(
            java.util.Map.entry("RECOVER", 1L),
            java.util.Map.entry("REGISTER", 2L),
            java.util.Map.entry("REVOKE", 2L),
            java.util.Map.entry("ROTATE", 1L));
    assertThat(r.eventsByCarrier())
        .containsExactly(
            java.util.Map.entry("carrier-a", 2L), java.util.Map.entry("carrier-b", 4L));
    assertThat(r.daily())
        .extracting(DayCounts::day)
        .containsExactly("2026-03-01", "2026-03-02", "2026-03-03");
    assertThat(r.daily()).extracting(DayCounts::total).containsExactly(2L, 2L, 2L);
    assertThat(r.daily().get(1).byType()).containsOnlyKeys("RECOVER", "ROTATE");
    assertThat(r.revocationsByReason())
        .containsExactly(java.util.Map.entry("COMPROMISED", 2L), java.util.Map.entry("LOST", 1L));
    assertThat(r.revocations().total()).isEqualTo(3);
    assertThat(r.revocations().items()).extracting(Finding::leafIndex).containsExactly(4L);
    assertThat(r.revocations().truncated()).isTrue();
    assertThat(r.recoveries().truncated()).isFalse();
    assertThat(r.rootMatches()).isFalse();
    assertThat(r.passed()).isFalse();
  }

  @Test
  void jsonRoundTrips() throws IOException {
    AuditReport r = sample(10);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ReportJson.write(r, out);
    String json = out.toString(java.nio.charset.StandardCharsets.UTF_8);
    assertThat(json).contains("\"passed\" : false").contains("\"truncated\" : false");
    assertThat(ReportJson.read(out.toByteArray())).isEqualTo(r);
  }

  @Test
  void cosignersRoundTripAndRender() throws IOException {
    AuditReport r =
        sample(10)
            .withCosigners(
                new Cosigners(
                    List.of("w.example/a", "w.example/<b>"), List.of("w.example/<b>"), 1));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ReportJson.write(r, out);
    assertThat(out.toString(java.nio.charset.StandardCharsets.UTF_8))
        .contains("\"cosignedBy\" : [ \"w.example/<b>\" ]")
        .contains("\"uncheckedSignatureLines\" : 1");
    assertThat(ReportJson.read(out.toByteArray())).isEqualTo(r);
    assertThat(HtmlReport.render(r))
        .contains(
            "<th>Witness cosignatures</th><td>1 of 2 given: w.example/&lt;b&gt;; 1 other"
                + " signature line(s) not checked</td>");
    assertThat(HtmlReport.render(sample(10)))
        .contains("<th>Witness cosignatures</th><td>no witness keys given</td>");
    // A report written before the field existed reads as one without witnesses.
    String old = out.toString(java.nio.charset.StandardCharsets.UTF_8);
    int from = old.indexOf("\"cosigners\"");
    int to = old.indexOf("}", from) + 1;
    String without = old.substring(0, from) + old.substring(to).replaceFirst("^\\s*,", "");
    assertThat(
            ReportJson.read(without.getBytes(java.nio.charset.StandardCharsets.UTF_8)).cosigners())
        .isEqualTo(Cosigners.NONE);
  }

  @Test
  void htmlIsSelfContainedAndEscapesLogData() {
    String html = HtmlReport.render(sample(10));
    assertThat(html)
        .startsWith("<!DOCTYPE html>")
        .contains("<style>")
        .contains("FAILED")
        .contains("&lt;script&gt;alert(1)&lt;/script&gt;")
        .contains("a &amp; b")
        .contains("<p class=\"note\">log key taken from &lt;the log&gt;</p>")
        .doesNotContain("<script")
        .doesNotContain("http://")
        .doesNotContain("https://")
        .doesNotContain("src=")
        .doesNotContain("<link");
    assertThat(html).contains("<td>2026-03-02</td><td class=\"n\">2</td>");
  }

  @Test
  void htmlSaysWhenAListIsTruncated() {
    String html = HtmlReport.render(sample(1));
    assertThat(html).contains("3 findings, the first 1 listed");
  }

  @Test
  void escapesEveryHtmlSpecialCharacter() {
    assertThat(HtmlReport.esc("<a href=\"x\">'&'</a>"))
        .isEqualTo("&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
    assertThat(HtmlReport.esc(null)).isEmpty();
    assertThat(HtmlReport.esc("plain")).isEqualTo("plain");
  }
}
