package org.rcskt.server.crash;

import java.nio.file.Path;
import org.rcskt.server.LogServer;
import org.rcskt.server.config.ServerConfig;

/**
 * The child process of {@link CrashRecoveryTest}: starts a development-mode server on a free
 * loopback port over the data directory given as the only argument, prints {@code PORT <port>} and
 * {@code KEY <verifier key>} on standard output, then serves until it is killed.
 *
 * <p>It also exits when its standard input reaches end of file, so that a test JVM that dies
 * without killing it does not leave a server behind.
 */
public final class CrashServerMain {
  private CrashServerMain() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 1) {
      System.err.println("usage: CrashServerMain <data directory>");
      System.exit(2);
    }
    LogServer server =
        LogServer.start(
            ServerConfig.builder(Path.of(args[0]))
                .port(0)
                .devMode(true)
                .blockCacheBytes(16L << 20)
                .build());
    System.out.println("PORT " + server.port());
    System.out.println("KEY " + server.verifierKey());
    System.out.flush();
    while (System.in.read() >= 0) {
      // The parent never writes; this only waits for it to go away.
    }
    // No orderly close: the point of the test is that nothing depends on one.
    Runtime.getRuntime().halt(0);
  }
}
