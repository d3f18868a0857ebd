package org.rcskt.monitor.alert;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Alerts as JSON lines on a stream, by default standard output. */
public final class JsonLinesSink implements AlertSink {
  private final String name;
  private final PrintStream out;

  public JsonLinesSink(String name, OutputStream out) {
    this.name = name;
    this.out =
        out instanceof PrintStream
            ? (PrintStream) out
            : new PrintStream(out, false, StandardCharsets.UTF_8);
  }

  /** A sink writing to standard output. */
  public static JsonLinesSink stdout(String name) {
    return new JsonLinesSink(name, System.out);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void deliver(Alert alert) throws IOException {
    byte[] line = (alert.toJson() + "\n").getBytes(StandardCharsets.UTF_8);
    synchronized (out) {
      out.write(line);
      out.flush();
      if (out.checkError()) {
        throw new IOException("writing alert " + alert.seq() + " to " + name + " failed");
      }
    }
  }
}
