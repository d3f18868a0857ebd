package org.rcskt.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SourceKeysTest {
  final SourceKeys keys = new SourceKeys(true, 32, 64);

  @Test
  void ipv4IsKeyedByTheWholeAddress() {
    assertThat(keys.ofLiteral("192.0.2.1")).isEqualTo(new SourceKey(0, 0x0000_ffff_c000_0201L));
    assertThat(keys.ofLiteral("192.0.2.1")).isNotEqualTo(keys.ofLiteral("192.0.2.2"));
    // An IPv4-mapped IPv6 address (a dual-stack socket's view of an IPv4 client) is that client.
    assertThat(keys.ofLiteral("::ffff:192.0.2.1")).isEqualTo(keys.ofLiteral("192.0.2.1"));
  }

  @Test
  void ipv6IsKeyedByItsSlash64() {
    SourceKey k = keys.ofLiteral("2001:db8:1:2::1");
    assertThat(k).isEqualTo(new SourceKey(0x2001_0db8_0001_0002L, 0));
    assertThat(keys.ofLiteral("2001:db8:1:2:ffff:ffff:ffff:ffff")).isEqualTo(k);
    assertThat(keys.ofLiteral("[2001:db8:1:2::77]")).isEqualTo(k);
    assertThat(keys.ofLiteral("2001:db8:1:3::1")).isNotEqualTo(k);
    // No IPv6 /64 equals an IPv4 client, not even ::/64.
    assertThat(keys.ofLiteral("::1")).isEqualTo(new SourceKey(0, 0));
    assertThat(keys.ofLiteral("::1")).isNotEqualTo(keys.ofLiteral("0.0.0.1"));
  }

  @Test
  void prefixLengthsCanBeChosen() {
    SourceKeys wide = new SourceKeys(false, 24, 48);
    assertThat(wide.ofLiteral("192.0.2.1")).isEqualTo(wide.ofLiteral("192.0.2.254"));
    assertThat(wide.ofLiteral("192.0.2.1")).isNotEqualTo(wide.ofLiteral("192.0.3.1"));
    assertThat(wide.ofLiteral("2001:db8:1:2::1")).isEqualTo(wide.ofLiteral("2001:db8:1:ff::1"));
    assertThat(wide.ofLiteral("2001:db8:1::1")).isNotEqualTo(wide.ofLiteral("2001:db8:2::1"));
    SourceKeys narrow = new SourceKeys(false, 32, 128);
    assertThat(narrow.ofLiteral("2001:db8::1")).isNotEqualTo(narrow.ofLiteral("2001:db8::2"));
    SourceKeys at96 = new SourceKeys(false, 32, 96);
    assertThat(at96.ofLiteral("2001:db8::1:0:1")).isEqualTo(at96.ofLiteral("2001:db8::1:0:2"));
    assertThat(at96.ofLiteral("2001:db8::1:0:1")).isNotEqualTo(at96.ofLiteral("2001:db8::2:0:1"));
    assertThatThrownBy(() -> new SourceKeys(false, 7, 64))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("ipv4PrefixLength must be in 8..32, got 7");
    assertThatThrownBy(() -> new SourceKeys(false, 32, 129))
        .hasMessage("ipv6PrefixLength must be in 16..128, got 129");
  }

  @Test
  void forwardedForTakesTheLeftmostAddressAndIgnoresAnythingElse() {
    assertThat(keys.forwardedFor("203.0.113.7")).isEqualTo(keys.ofLiteral("203.0.113.7"));
    assertThat(keys.forwardedFor(" 203.0.113.7 , 10.0.0.1, 10.0.0.2"))
        .isEqualTo(keys.ofLiteral("203.0.113.7"));
    assertThat(keys.forwardedFor("2001:db8::5, 10.0.0.1")).isEqualTo(keys.ofLiteral("2001:db8::"));
    for (String bad :
        new String[] {
          "",
          " ",
          ",203.0.113.7",
          "unknown",
          "203.0.113.7:443",
          "[2001:db8::1]:443",
          "host.example",
          "203.0.113",
          "203.0.113.256",
          "203.0.113.7/24",
          "1".repeat(10_000),
          "::ffff:203.0.113.7" + " ".repeat(40) + "x",
          "\u0000203.0.113.7",
        }) {
      assertThat(keys.forwardedFor(bad)).as("X-Forwarded-For: %s", bad).isNull();
    }
    assertThat(keys.forwardedFor(null)).isNull();
  }
}
