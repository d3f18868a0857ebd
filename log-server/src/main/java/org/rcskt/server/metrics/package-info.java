/**
 * Prometheus metrics of the server (issue 3, "Read path": {@code GET /metrics}): submissions by
 * outcome, batch sizes, integration and fsync latency, tree size, HTTP durations, storage and JVM
 * figures, in the Prometheus text exposition format.
 */
package org.rcskt.server.metrics;
