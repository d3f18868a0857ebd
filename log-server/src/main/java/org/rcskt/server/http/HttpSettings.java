package org.rcskt.server.http;

/**
 * How one HTTP server listens and how long it waits for clients.
 *
 * @param host the address to listen on
 * @param port the port; 0 or negative for any free one (see {@link LogVerticle#actualPort()})
 * @param readThreads worker threads for reads that may touch storage
 * @param idleTimeoutSeconds how long a connection may wait for (the rest of the head of) its next
 *     request
 * @param requestTimeoutSeconds how long a request's body may take to arrive after its headers
 * @param tls the certificate and key to serve TLS with, or null for plain HTTP
 * @param connectionLimits the bounds on open connections, shared by every server of the process
 */
public record HttpSettings(
    String host,
    int port,
    int readThreads,
    int idleTimeoutSeconds,
    int requestTimeoutSeconds,
    org.rcskt.server.config.TlsConfig tls,
    ConnectionLimits connectionLimits) {
  public HttpSettings {
    if (idleTimeoutSeconds < 1 || requestTimeoutSeconds < 1) {
      throw new IllegalArgumentException(
          "timeouts must be at least 1 s, got idle "
              + idleTimeoutSeconds
              + " and request "
              + requestTimeoutSeconds);
    }
  }
}
