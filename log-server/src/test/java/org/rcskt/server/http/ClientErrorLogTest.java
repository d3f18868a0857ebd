package org.rcskt.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.ResourceBundle;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class ClientErrorLogTest {
  /** A System.Logger that keeps its lines. */
  static final class Lines implements System.Logger {
    final List<String> lines = new ArrayList<>();

    @Override
    public String getName() {
      return "test";
    }

    @Override
    public boolean isLoggable(Level level) {
      return true;
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
      assertThat(thrown).isNull();
      lines.add(level + " " + msg);
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String format, Object... params) {
      lines.add(level + " " + format);
    }

    @Override
    public void log(Level level, Supplier<String> msg) {
      lines.add(level + " " + msg.get());
    }
  }

  @Test
  void atMostFiveLinesASecondAndTheRestCounted() {
    AtomicLong now = new AtomicLong(1_000_000_000L);
    Lines out = new Lines();
    ClientErrorLog log = new ClientErrorLog(now::get, out);
    for (int i = 0; i < 12; i++) {
      log.note("malformed request line or headers", "192.0.2.7");
    }
    assertThat(out.lines).hasSize(ClientErrorLog.MAX_LINES_PER_SECOND);
    assertThat(out.lines.get(0))
        .isEqualTo("INFO client error: malformed request line or headers (from 192.0.2.7)");
    assertThat(log.suppressed()).isEqualTo(7);

    now.addAndGet(999_999_999L);
    log.note("request line too long", null);
    assertThat(out.lines).hasSize(5);
    now.addAndGet(1L);
    log.note("request line too long", null);
    assertThat(out.lines).hasSize(6);
    assertThat(out.lines.get(5))
        .isEqualTo("INFO client error: request line too long; 8 more not logged");
    assertThat(log.suppressed()).isZero();
  }
}
