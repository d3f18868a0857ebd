package org.rcskt.server.http;

/**
 * A request refused by the HTTP layer itself (unsupported media type, unreadable body, timeout),
 * carrying its answer. A client's mistake: no stack trace is kept.
 */
final class HttpRefusal extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final transient ApiError error;

  HttpRefusal(ApiError error) {
    super(error.body().path("detail").asText(), null, false, false);
    this.error = error;
  }

  ApiError error() {
    return error;
  }
}
