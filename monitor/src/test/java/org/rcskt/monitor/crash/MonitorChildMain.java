package org.rcskt.monitor.crash;

import org.rcskt.monitor.cli.MonitorCli;

/**
 * The child process of {@link MonitorCrashTest}: the real command line ({@link MonitorCli}, so
 * {@code run --config FILE} with its own shutdown hook), plus one thing a test needs: when standard
 * input reaches end of file, which happens when the test JVM dies without stopping the child, it
 * exits through the normal shutdown path instead of running on forever.
 */
public final class MonitorChildMain {
  private MonitorChildMain() {}

  public static void main(String[] args) {
    Thread parentWatch =
        new Thread(
            () -> {
              try {
                while (System.in.read() >= 0) {
                  // The parent never writes; this only waits for it to go away.
                }
              } catch (java.io.IOException e) {
                // Treat a broken pipe like end of file.
              }
              System.exit(0);
            },
            "parent-watch");
    parentWatch.setDaemon(true);
    parentWatch.start();
    MonitorCli.main(args);
  }
}
