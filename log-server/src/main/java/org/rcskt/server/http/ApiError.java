package org.rcskt.server.http;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.rcskt.server.log.BadRequestException;
import org.rcskt.server.log.ForbiddenException;
import org.rcskt.server.log.NotFoundException;
import org.rcskt.server.log.RejectedEventException;
import org.rcskt.server.log.UnavailableException;
import org.rcskt.server.storage.StorageException;
import org.rcskt.verifier.event.EventFormatException;

/**
 * The one place that decides which HTTP status and JSON body an exception becomes. Client mistakes
 * are 4xx with a body naming the field (a {@code 429}, past a rate limit, with {@code
 * Retry-After}); overload and storage trouble are 503 with {@code Retry-After}; anything else is a
 * bug, answered 500 with no internal detail.
 *
 * @param status the HTTP status
 * @param body {@code {"error": code, "field": ..., "detail": ...}} plus any extra data
 * @param retryAfterSeconds the {@code Retry-After} value, or 0 for none
 * @param internal true when the server, not the client, is at fault (log it)
 */
record ApiError(int status, ObjectNode body, int retryAfterSeconds, boolean internal) {
  static final int MAX_BODY_BYTES = 64 * 1024;
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  /** 413 for a body over {@code maxBytes} (the route's limit). */
  static ApiError tooLarge(int maxBytes) {
    return new ApiError(
        413,
        body("body_too_large", null, "request body is larger than " + maxBytes + " bytes"),
        0,
        false);
  }

  static ObjectNode body(String error, String field, String detail) {
    ObjectNode o = JSON.objectNode();
    o.put("error", error);
    if (field == null) {
      o.putNull("field");
    } else {
      o.put("field", field);
    }
    o.put("detail", detail);
    return o;
  }

  /** The error for a failure raised while handling a request. */
  static ApiError of(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    if (t instanceof HttpRefusal r) {
      return r.error();
    }
    if (t instanceof EventFormatException e) {
      return new ApiError(
          400,
          body("malformed_event", e.field().isEmpty() ? null : e.field(), e.getMessage()),
          0,
          false);
    }
    if (t instanceof BadRequestException e) {
      return new ApiError(400, body("bad_request", e.field(), e.getMessage()), 0, false);
    }
    if (t instanceof RejectedEventException e) {
      if (e.isConflict()) {
        ObjectNode b = body("conflict", e.field(), e.getMessage());
        b.put("violation", e.violation().name());
        b.put("nextSequence", e.nextSequence());
        if (e.nextSequence() > 0) {
          b.put("currentSequence", e.nextSequence() - 1);
        } else {
          b.putNull("currentSequence");
        }
        return new ApiError(409, b, 0, false);
      }
      ObjectNode b = body("rule_violation", e.field(), e.getMessage());
      b.put("violation", e.violation().name());
      e.ruleViolation().attestationCheck().ifPresent(c -> b.put("check", c));
      return new ApiError(422, b, 0, false);
    }
    if (t instanceof ForbiddenException e) {
      return new ApiError(403, body("forbidden", e.field(), e.getMessage()), 0, false);
    }
    if (t instanceof NotFoundException e) {
      return new ApiError(404, body("not_found", null, e.getMessage()), 0, false);
    }
    if (t instanceof UnavailableException e) {
      return new ApiError(
          503, body(e.reason(), null, e.getMessage()), e.retryAfterSeconds(), e.getCause() != null);
    }
    if (t instanceof StorageException) {
      return new ApiError(
          503,
          body("storage_unavailable", null, "the log's storage is unavailable; retry later"),
          5,
          true);
    }
    return new ApiError(500, body("internal_error", null, "internal error"), 0, true);
  }

  /** The error for a status a router or body handler failed with, without an exception. */
  static ApiError ofStatus(int status, String method, String path) {
    return switch (status) {
      case 413 ->
          new ApiError(
              413,
              body(
                  "body_too_large",
                  null,
                  "request body is larger than " + MAX_BODY_BYTES + " bytes"),
              0,
              false);
      case 404 ->
          new ApiError(
              404, body("not_found", null, "no resource " + method + " " + path), 0, false);
      case 405 ->
          new ApiError(
              405,
              body("method_not_allowed", null, method + " is not allowed on " + path),
              0,
              false);
      case 400 -> new ApiError(400, body("bad_request", null, "malformed request"), 0, false);
      default ->
          status >= 400 && status < 500
              ? new ApiError(status, body("client_error", null, "request refused"), 0, false)
              : new ApiError(500, body("internal_error", null, "internal error"), 0, true);
    };
  }

  /** {@code 415}: a {@code POST /v1/events} body of a type other than JSON. */
  static ApiError unsupportedMediaType(String detail) {
    return new ApiError(415, body("unsupported_media_type", "Content-Type", detail), 0, false);
  }

  /** {@code 417}: an {@code Expect} header other than {@code 100-continue}. */
  static ApiError expectationFailed(String detail) {
    return new ApiError(417, body("expectation_failed", "Expect", detail), 0, false);
  }

  /**
   * {@code 429}: the client has used up its rate limit.
   *
   * @param limit the limit, in words ("1 lookup a second, in bursts of up to 20")
   * @param retryAfterSeconds when a request will be let through again, at least 1
   */
  static ApiError rateLimited(String limit, int retryAfterSeconds) {
    return rateLimited("requests from this address", limit, retryAfterSeconds);
  }

  /**
   * {@code 429}: {@code who} ("events from this address", "events from submitter carrier-a") has
   * used up its limit.
   */
  static ApiError rateLimited(String who, String limit, int retryAfterSeconds) {
    return new ApiError(
        429,
        body(
            "rate_limited",
            null,
            "too many "
                + who
                + ": the limit is "
                + limit
                + "; retry in "
                + retryAfterSeconds
                + " s"),
        retryAfterSeconds,
        false);
  }

  /**
   * {@code 401}: the write carries no credential this log accepts; {@code Responses} adds {@code
   * WWW-Authenticate: Bearer}.
   */
  static ApiError unauthorized(String detail) {
    return new ApiError(401, body("unauthorized", "Authorization", detail), 0, false);
  }

  /** {@code 408}: the request was not received in time. */
  static ApiError requestTimeout(int seconds) {
    return new ApiError(
        408,
        body(
            "request_timeout",
            null,
            "the request was not received within " + seconds + " s of its headers"),
        0,
        false);
  }

  /** {@code 414}: a request line longer than the server reads. */
  static ApiError uriTooLong(int maxBytes) {
    return new ApiError(
        414,
        body("uri_too_long", null, "the request line is longer than " + maxBytes + " bytes"),
        0,
        false);
  }

  /** {@code 431}: request headers larger than the server reads. */
  static ApiError headersTooLarge(int maxBytes) {
    return new ApiError(
        431,
        body(
            "headers_too_large",
            null,
            "the request headers are larger than " + maxBytes + " bytes"),
        0,
        false);
  }

  /**
   * {@code 400}: a request that is not well-formed HTTP/1.1.
   *
   * @param what a fixed description chosen by the server, never text from the request
   */
  static ApiError malformedRequest(String what) {
    return new ApiError(
        400, body("bad_request", null, "malformed HTTP request: " + what), 0, false);
  }
}
