package org.rcskt.monitor.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.rcskt.verifier.Hash;

/** {@code audit --export-subject}: an index is taken, a phone number refused with what to do. */
class ParseSubjectTest {
  @Test
  void hexIsTheIndex() {
    assertThat(AuditCommand.parseSubject("ab".repeat(32))).isEqualTo(Hash.fromHex("ab".repeat(32)));
  }

  @Test
  void aNumberPointsToIndexAndIsNotEchoed() {
    assertThatThrownBy(() -> AuditCommand.parseSubject("+447700900123"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("only the log can compute")
        .hasMessageContaining("monitor index --log <url> --vrf-key")
        .hasMessageNotContaining("447700900123");
    assertThatThrownBy(() -> AuditCommand.parseSubject("+44"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("phone number must have");
  }
}
