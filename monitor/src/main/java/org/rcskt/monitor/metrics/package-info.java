/**
 * The monitor's Prometheus metrics (issue 4, "State and operations"; docs/monitor.md, "Metrics"):
 * tree sizes seen and verified, lag, alerts by kind, gossip outcomes and verification failures.
 */
package org.rcskt.monitor.metrics;
