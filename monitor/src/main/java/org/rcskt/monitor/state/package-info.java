/**
 * The monitor's persistent state in RocksDB (issue 4, "State and operations"; docs/monitor.md,
 * "State"): per log the last verified checkpoint (raw), how far the entries are verified, the
 * replayed subject states and carrier anchors, the digests of verified entry bundles; the alert
 * journal and the per-sink queues of undelivered alerts.
 *
 * <p>Everything one step of following a log produces is written in a single synced {@code
 * WriteBatch}, alerts included, so a restart resumes exactly after the last step that finished:
 * nothing is raised twice and nothing is skipped. This is the only package that imports {@code
 * org.rocksdb}.
 */
package org.rcskt.monitor.state;
