/**
 * The HTTP API (docs/api.md): one Vert.x verticle declaring every route, thin handlers over {@link
 * org.rcskt.server.log.KeyEventLog}, and one error mapper turning exceptions into status codes with
 * JSON bodies. Serves C2SP tlog-tiles ({@code /checkpoint}, {@code /tile/...}) byte for byte, and
 * the project's JSON API under {@code /v1/}. In front of the router, {@link
 * org.rcskt.server.http.HttpEdge} holds the HTTP/1.1-only limits and timeouts and answers malformed
 * requests (docs/design/0003-http-edge.md). {@link org.rcskt.server.http.RateLimitGate} puts a
 * per-client limit in front of a route (docs/design/0008-lookup-rate-limit.md).
 */
package org.rcskt.server.http;
