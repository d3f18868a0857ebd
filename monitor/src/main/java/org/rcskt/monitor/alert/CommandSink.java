package org.rcskt.monitor.alert;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a program once per alert, with the alert in environment variables ({@link
 * Alert#toEnvironment()}). Exit status 0 delivers the alert; any other status, or running longer
 * than the timeout (the program is then killed), leaves it queued for another try. The program's
 * standard output is discarded and its standard error goes to the monitor's.
 */
public final class CommandSink implements AlertSink {
  private final String name;
  private final List<String> command;
  private final Duration timeout;

  public CommandSink(String name, List<String> command, Duration timeout) {
    if (command.isEmpty()) {
      throw new IllegalArgumentException("command is empty");
    }
    this.name = name;
    this.command = List.copyOf(command);
    this.timeout = timeout;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void deliver(Alert alert) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().putAll(alert.toEnvironment());
    pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
    pb.redirectError(ProcessBuilder.Redirect.INHERIT);
    Process p = pb.start();
    // The hook reads nothing from us: give it end-of-input at once.
    p.getOutputStream().close();
    try {
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        throw new IOException(
            "alert hook " + command.get(0) + " ran longer than " + timeout + "; killed it");
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while running alert hook " + command.get(0), e);
    }
    int status = p.exitValue();
    if (status != 0) {
      throw new IOException(
          "alert hook " + command.get(0) + " exited with " + status + " for alert " + alert.seq());
    }
  }
}
