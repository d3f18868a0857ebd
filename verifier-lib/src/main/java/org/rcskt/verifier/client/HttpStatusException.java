package org.rcskt.verifier.client;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * The log answered with an HTTP status other than 200. Not a verification failure: the log may be
 * overloaded (503) or the request wrong (4xx); the body the log sent is kept, cut to 512 bytes.
 */
public final class HttpStatusException extends IOException {
  private static final long serialVersionUID = 1L;
  private static final int MAX_KEPT_BODY = 512;

  private final int status;
  private final String body;

  HttpStatusException(URI uri, int status, byte[] body) {
    super(uri + ": HTTP status " + status + ": " + snippet(body));
    this.status = status;
    this.body = snippet(body);
  }

  private static String snippet(byte[] body) {
    int n = Math.min(body.length, MAX_KEPT_BODY);
    return new String(body, 0, n, StandardCharsets.UTF_8);
  }

  /** The HTTP status code. */
  public int status() {
    return status;
  }

  /** The start of the response body. */
  public String body() {
    return body;
  }
}
