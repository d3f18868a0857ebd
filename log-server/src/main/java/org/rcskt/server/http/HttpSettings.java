package org.rcskt.server.http;

/**
 * How one HTTP server listens.
 *
 * @param host the address to listen on
 * @param port the port; 0 or negative for any free one (see {@link LogVerticle#actualPort()})
 * @param readThreads worker threads for reads that may touch storage
 */
public record HttpSettings(String host, int port, int readThreads) {}
