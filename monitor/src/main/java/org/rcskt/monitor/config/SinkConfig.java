package org.rcskt.monitor.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** One alert sink. Every sink has a unique name, which keys its queue of undelivered alerts. */
public sealed interface SinkConfig {
  /** The sink's unique name. */
  String name();

  /** JSON lines on standard output. */
  record Stdout(String name) implements SinkConfig {}

  /** JSON lines appended to a file, each forced to disk before it counts as delivered. */
  record File(String name, Path path) implements SinkConfig {}

  /** An HTTP POST of each alert, retried with exponential backoff until a 2xx answer. */
  record Webhook(
      String name,
      URI url,
      Map<String, String> headers,
      Duration timeout,
      Duration minBackoff,
      Duration maxBackoff)
      implements SinkConfig {
    public Webhook {
      headers = Map.copyOf(headers);
    }
  }

  /** A program run once per alert with the alert in environment variables; exit 0 delivers. */
  record Command(
      String name, List<String> command, Duration timeout, Duration minBackoff, Duration maxBackoff)
      implements SinkConfig {
    public Command {
      command = List.copyOf(command);
    }
  }
}
