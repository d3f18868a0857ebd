package org.rcskt.monitor.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.rcskt.monitor.Monitor;
import org.rcskt.monitor.config.ConfigException;
import org.rcskt.monitor.config.ConfigParser;
import org.rcskt.monitor.config.MonitorConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code run --config FILE}: runs the monitor until it is stopped (SIGTERM, SIGINT). */
@Command(name = "run", description = "Run the monitor with a configuration file.")
final class RunCommand implements Callable<Integer> {
  @Option(
      names = {"--config", "-c"},
      required = true,
      description = "the JSON configuration file (see docs/monitor.md)")
  Path config;

  @Option(names = "--port", description = "override the configured listen port")
  Integer port;

  @Override
  public Integer call() throws Exception {
    MonitorConfig c;
    try {
      c = ConfigParser.read(config);
    } catch (ConfigException e) {
      System.err.println("monitor: " + config + ": " + e.getMessage());
      return 2;
    }
    if (port != null) {
      c = c.withListenPort(port);
    }
    Monitor m = Monitor.start(c);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  m.close();
                  stopped.countDown();
                },
                "monitor-shutdown"));
    System.err.println("monitor: listening on port " + m.port());
    stopped.await();
    return 0;
  }
}
