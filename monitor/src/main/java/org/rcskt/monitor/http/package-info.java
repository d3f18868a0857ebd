/**
 * The monitor's own HTTP endpoints (docs/monitor.md, "HTTP endpoints"): {@code GET
 * /gossip/checkpoints}, {@code POST /gossip/checkpoint}, {@code GET /metrics} and {@code GET
 * /healthz}. All routes are declared in {@link org.rcskt.monitor.http.MonitorHttpServer}; blocking
 * work runs off the event loop.
 */
package org.rcskt.monitor.http;
