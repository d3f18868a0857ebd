package org.rcskt.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.rcskt.server.log.BadRequestException;

class RequestChecksTest {
  static BadRequestException escapeFailure(String path, String query) {
    try {
      RequestChecks.checkEscapes(path, query);
    } catch (BadRequestException e) {
      return e;
    }
    throw new AssertionError("accepted " + path + "?" + query);
  }

  @Test
  void wellFormedEscapesPass() {
    assertThatNoException().isThrownBy(() -> RequestChecks.checkEscapes("/a%2Fb%c3%A9", null));
    assertThatNoException()
        .isThrownBy(() -> RequestChecks.checkEscapes("/v1/entries", "start=%30&end=1+2;x=&&y"));
    assertThatNoException().isThrownBy(() -> RequestChecks.checkEscapes("/", ""));
  }

  @Test
  void malformedEscapesNameThePart() {
    BadRequestException p = escapeFailure("/tile/%zz/000", null);
    assertThat(p.field()).isEqualTo("path");
    assertThat(p.getMessage())
        .isEqualTo(
            "path has a malformed percent-escape \"%zz\" at offset 6 (a % must be followed by two"
                + " hex digits)");
    assertThatThrownBy(() -> RequestChecks.checkEscapes("/a%", null))
        .isInstanceOf(BadRequestException.class)
        .hasMessageContaining("\"%\" at offset 2");
    assertThat(escapeFailure("/a%4", null).field()).isEqualTo("path");
    assertThat(escapeFailure("/", "index=1&size=%zz").field()).isEqualTo("size");
    assertThat(escapeFailure("/", "size=%4&index=1").field()).isEqualTo("size");
    assertThat(escapeFailure("/", "a=1;from=%").field()).isEqualTo("from");
    assertThat(escapeFailure("/", "%zz=1").field()).isEqualTo("query");
    assertThat(escapeFailure("/", "%41b%63=%g0").field()).isEqualTo("Abc");
    // A name is quoted only as printable ASCII, and clipped.
    BadRequestException odd = escapeFailure("/", "%0a" + "n".repeat(60) + "=%");
    assertThat(odd.field()).isEqualTo("?" + "n".repeat(RequestChecks.MAX_QUOTED - 1));
  }

  @Test
  void onlyJsonOrNoContentTypeIsTaken() {
    assertThat(RequestChecks.contentTypeRefusal(null)).isNull();
    assertThat(RequestChecks.contentTypeRefusal("application/json")).isNull();
    assertThat(RequestChecks.contentTypeRefusal("Application/JSON ; charset=UTF-8")).isNull();
    assertThat(RequestChecks.contentTypeRefusal("application/json;charset=\"utf-8\"")).isNull();
    assertThat(RequestChecks.contentTypeRefusal("application/x-www-form-urlencoded"))
        .isEqualTo(
            "Content-Type must be application/json (or absent), got"
                + " \"application/x-www-form-urlencoded\"");
    assertThat(RequestChecks.contentTypeRefusal("multipart/form-data; boundary=x")).isNotNull();
    assertThat(RequestChecks.contentTypeRefusal("")).isNotNull();
    assertThat(RequestChecks.contentTypeRefusal("application/jsonx")).isNotNull();
    assertThat(RequestChecks.contentTypeRefusal("application/json; charset=latin1"))
        .isEqualTo("an event is UTF-8 JSON; charset \"latin1\" is not accepted");
  }

  @Test
  void quotedClientTextIsPrintableAndShort() {
    assertThat(RequestChecks.clip("a\u0000b\nc")).isEqualTo("a?b?c");
    assertThat(RequestChecks.clip("x".repeat(100))).isEqualTo("x".repeat(40) + "...");
  }
}
