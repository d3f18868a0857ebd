package org.rcskt.monitor.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Renders an {@link AuditReport} as one self-contained HTML page: inline CSS, no scripts, no
 * external assets, so it can be archived or mailed as a single file. Every value taken from the log
 * is HTML-escaped.
 */
public final class HtmlReport {
  private static final String CSS =
      "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:2em auto;"
          + "max-width:1200px;padding:0 1em;color:#1b1f23}"
          + "h1{font-size:1.6em}h2{font-size:1.25em;margin-top:2em;border-bottom:1px solid #ddd}"
          + "table{border-collapse:collapse;margin:.5em 0;font-size:.9em}"
          + "th,td{border:1px solid #ddd;padding:.25em .6em;text-align:left;vertical-align:top}"
          + "th{background:#f4f6f8}td.n{text-align:right;font-variant-numeric:tabular-nums}"
          + "code,pre{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.85em;"
          + "word-break:break-all}"
          + "pre{background:#f4f6f8;padding:.6em;white-space:pre-wrap}"
          + ".badge{display:inline-block;padding:.15em .6em;border-radius:.3em;color:#fff;"
          + "font-weight:600}.pass{background:#1a7f37}.fail{background:#cf222e}"
          + ".bar{background:#54aeff;height:.8em;display:inline-block;vertical-align:middle}"
          + ".note{color:#57606a}";

  private HtmlReport() {}

  /** The whole page. */
  public static String render(AuditReport r) {
    StringBuilder h = new StringBuilder(16 * 1024);
    h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">")
        .append("<title>Audit of ")
        .append(esc(r.origin()))
        .append(" at size ")
        .append(r.treeSize())
        .append("</title><style>")
        .append(CSS)
        .append("</style></head><body>\n");
    h.append("<h1>Audit of <code>")
        .append(esc(r.origin()))
        .append("</code> ")
        .append(
            r.passed()
                ? "<span class=\"badge pass\">PASSED</span>"
                : "<span class=\"badge fail\">FAILED</span>")
        .append("</h1>\n");

    summary(h, r);

    h.append("<h2>Rules the log broke</h2>\n");
    if (r.violations().total() == 0) {
      h.append("<p>None: every event verified and followed the rules.</p>\n");
    } else {
      findings(h, r.violations(), "rule");
    }

    h.append("<h2>Map roots that do not match the events</h2>\n");
    if (r.mapRootMismatches().total() == 0) {
      h.append("<p>None: all ")
          .append(r.mapRoots())
          .append(" map roots are the subject map recomputed from the events.</p>\n");
    } else {
      findings(h, r.mapRootMismatches(), "map root");
    }

    h.append("<h2>Events by type</h2>\n");
    counts(h, r.eventsByType(), "type");
    h.append("<h2>Events by carrier</h2>\n");
    counts(h, r.eventsByCarrier(), "carrier");
    daily(h, r);

    h.append("<h2>Continuity breaks (recoveries)</h2>\n")
        .append(
            "<p class=\"note\">Keys replaced on a carrier's attestation without a signature by"
                + " the previous key.</p>\n");
    findings(h, r.recoveries(), "event type");

    h.append("<h2>Revocations by reason</h2>\n");
    counts(h, r.revocationsByReason(), "reason");
    findings(h, r.revocations(), "reason");

    h.append("<h2>Unattested registrations</h2>\n");
    findings(h, r.unattestedRegistrations(), "event type");

    h.append("<h2>Keys past the rotation deadline</h2>\n<p class=\"note\">Keys still active at ")
        .append(esc(r.asOf()))
        .append(" that were introduced more than ")
        .append(r.rotationDeadlineDays())
        .append(" days earlier.</p>\n");
    findings(h, r.keysPastRotationDeadline(), "age");

    h.append("<h2>Anchor changes</h2>\n");
    findings(h, r.anchorChanges(), "action");

    h.append("<h2>Checkpoint</h2>\n<pre>")
        .append(esc(r.checkpoint()))
        .append("</pre>\n</body></html>\n");
    return h.toString();
  }

  private static void summary(StringBuilder h, AuditReport r) {
    h.append("<table>\n");
    row(h, "Origin", "<code>" + esc(r.origin()) + "</code>");
    row(h, "Tree size (entries replayed)", Long.toString(r.treeSize()));
    row(h, "Root hash in checkpoint", "<code>" + esc(r.checkpointRootHash()) + "</code>");
    row(
        h,
        "Root hash recomputed",
        "<code>"
            + esc(r.computedRootHash())
            + "</code> "
            + (r.rootMatches()
                ? "<span class=\"badge pass\">matches</span>"
                : "<span class=\"badge fail\">does not match</span>"));
    row(h, "Witness cosignatures", esc(cosigners(r.cosigners())));
    row(h, "Subjects", Long.toString(r.subjects()));
    row(h, "Rules broken", Long.toString(r.violations().total()));
    row(h, "Map roots checked", Long.toString(r.mapRoots()));
    row(h, "Map roots wrong", Long.toString(r.mapRootMismatches().total()));
    row(h, "Audited at", esc(r.auditedAt()));
    row(h, "Key ages measured at", esc(r.asOf()));
    row(h, "Rotation deadline", r.rotationDeadlineDays() + " days");
    row(h, "Replay time", r.elapsedMillis() + " ms");
    h.append("</table>\n");
    for (String n : r.notes()) {
      h.append("<p class=\"note\">").append(esc(n)).append("</p>\n");
    }
  }

  /** The cosigners row: which given witnesses cosigned, and what was not checked. */
  static String cosigners(Cosigners c) {
    StringBuilder b = new StringBuilder();
    if (c.given().isEmpty()) {
      b.append("no witness keys given");
    } else {
      b.append(c.cosignedBy().size()).append(" of ").append(c.given().size()).append(" given");
      if (!c.cosignedBy().isEmpty()) {
        b.append(": ").append(String.join(", ", c.cosignedBy()));
      }
    }
    if (c.uncheckedSignatureLines() > 0) {
      b.append("; ")
          .append(c.uncheckedSignatureLines())
          .append(" other signature line(s) not checked");
    }
    return b.toString();
  }

  private static void row(StringBuilder h, String label, String html) {
    h.append("<tr><th>").append(esc(label)).append("</th><td>").append(html).append("</td></tr>\n");
  }

  private static void counts(StringBuilder h, Map<String, Long> m, String what) {
    if (m.isEmpty()) {
      h.append("<p>None.</p>\n");
      return;
    }
    long max = 1;
    for (long v : m.values()) {
      max = Math.max(max, v);
    }
    h.append("<table><tr><th>").append(esc(what)).append("</th><th>count</th><th></th></tr>\n");
    for (Map.Entry<String, Long> e : m.entrySet()) {
      h.append("<tr><td>")
          .append(esc(e.getKey()))
          .append("</td><td class=\"n\">")
          .append(e.getValue())
          .append("</td><td>");
      bar(h, e.getValue(), max);
      h.append("</td></tr>\n");
    }
    h.append("</table>\n");
  }

  private static void daily(StringBuilder h, AuditReport r) {
    h.append("<h2>Events per day (UTC, by the events' timestamps)</h2>\n");
    if (r.daily().isEmpty()) {
      h.append("<p>None.</p>\n");
      return;
    }
    TreeSet<String> types = new TreeSet<>();
    TreeSet<String> carriers = new TreeSet<>();
    long max = 1;
    for (DayCounts d : r.daily()) {
      types.addAll(d.byType().keySet());
      carriers.addAll(d.byCarrier().keySet());
      max = Math.max(max, d.total());
    }
    List<String> cols = new ArrayList<>(types);
    h.append("<table><tr><th>day</th><th>total</th><th></th>");
    for (String t : cols) {
      h.append("<th>").append(esc(t)).append("</th>");
    }
    for (String c : carriers) {
      h.append("<th>").append(esc(c)).append("</th>");
    }
    h.append("</tr>\n<tr><th></th><th></th><th></th><th colspan=\"")
        .append(cols.size())
        .append("\">by type</th><th colspan=\"")
        .append(carriers.size())
        .append("\">by carrier</th></tr>\n");
    for (DayCounts d : r.daily()) {
      h.append("<tr><td>")
          .append(esc(d.day()))
          .append("</td><td class=\"n\">")
          .append(d.total())
          .append("</td><td>");
      bar(h, d.total(), max);
      h.append("</td>");
      for (String t : cols) {
        h.append("<td class=\"n\">").append(d.byType().getOrDefault(t, 0L)).append("</td>");
      }
      for (String c : carriers) {
        h.append("<td class=\"n\">").append(d.byCarrier().getOrDefault(c, 0L)).append("</td>");
      }
      h.append("</tr>\n");
    }
    h.append("</table>\n");
  }

  private static void bar(StringBuilder h, long value, long max) {
    long width = Math.max(1, Math.round(200.0 * value / max));
    h.append("<span class=\"bar\" style=\"width:").append(width).append("px\"></span>");
  }

  private static void findings(StringBuilder h, Listing l, String kindLabel) {
    if (l.total() == 0) {
      h.append("<p>None.</p>\n");
      return;
    }
    h.append("<p>").append(l.total()).append(l.total() == 1 ? " finding" : " findings");
    if (l.truncated()) {
      h.append(", the first ").append(l.items().size()).append(" listed (raise the audit's");
      h.append(" --list-limit to list more)");
    }
    h.append(".</p>\n<table><tr><th>leaf</th><th>time</th><th>subject</th><th>carrier</th>")
        .append("<th>key</th><th>")
        .append(esc(kindLabel))
        .append("</th><th>detail</th></tr>\n");
    for (Finding f : l.items()) {
      h.append("<tr><td class=\"n\">")
          .append(f.leafIndex())
          .append("</td><td>")
          .append(esc(f.time()))
          .append("</td><td><code>")
          .append(esc(f.subject()))
          .append("</code></td><td>")
          .append(esc(f.carrier()))
          .append("</td><td><code>")
          .append(esc(f.key()))
          .append("</code></td><td>")
          .append(esc(f.kind()))
          .append("</td><td>")
          .append(esc(f.detail()))
          .append("</td></tr>\n");
    }
    h.append("</table>\n");
  }

  /** HTML-escapes {@code s}; null becomes an empty string. */
  static String esc(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder b = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      String rep;
      switch (c) {
        case '<':
          rep = "&lt;";
          break;
        case '>':
          rep = "&gt;";
          break;
        case '&':
          rep = "&amp;";
          break;
        case '"':
          rep = "&quot;";
          break;
        case '\'':
          rep = "&#39;";
          break;
        default:
          rep = null;
      }
      if (rep != null) {
        if (b == null) {
          b = new StringBuilder(s.length() + 16).append(s, 0, i);
        }
        b.append(rep);
      } else if (b != null) {
        b.append(c);
      }
    }
    return b == null ? s : b.toString();
  }
}
