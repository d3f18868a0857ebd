/**
 * Following a log over HTTP (issue 4, "Following a log"; docs/monitor.md, "Following"): fetch the
 * checkpoint (C2SP tlog-checkpoint) and verify its signature (C2SP signed-note), check consistency
 * with the last verified checkpoint (RFC 9162 section 2.1.4), download the new entries from entry
 * bundles (C2SP tlog-tiles), recompute the tree (RFC 9162 section 2.1) and compare its root with
 * the checkpoint, then decode and replay the key events (docs/protocol.md). Anything that does not
 * verify is recorded as misbehaviour with an evidence bundle.
 */
package org.rcskt.monitor.follow;
