/**
 * The full-log audit for compliance auditors (docs/audit.md): replays every entry of the log from
 * its tiles (C2SP tlog-tiles), recomputes the RFC 9162 tree and matches it to the signed
 * checkpoint, verifies every key event's signatures and rules from an empty state
 * (docs/protocol.md), and reports the findings as JSON and as a self-contained HTML page. Also
 * exports one subject's key history with the proofs that it is complete up to a stated checkpoint.
 *
 * <p>The replay engine ({@link org.rcskt.monitor.audit.Auditor}) takes entries from any source;
 * fetching them over HTTP is kept apart from it.
 */
package org.rcskt.monitor.audit;
