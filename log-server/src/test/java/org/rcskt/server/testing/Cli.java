package org.rcskt.server.testing;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import org.rcskt.server.cli.LogServerCli;

/** Runs the log-server command line in-process and keeps what it printed. */
public final class Cli {
  private Cli() {}

  /** A finished command line: exit status and what it printed. */
  public record Run(int code, String out, String err) {
    @Override
    public String toString() {
      return "exit " + code + "\n" + out + err;
    }
  }

  /** Runs {@code args} as the jar's command line would, capturing standard output and error. */
  public static Run run(String... args) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, UTF_8));
    System.setErr(new PrintStream(err, true, UTF_8));
    int code;
    try {
      code = LogServerCli.run(args);
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
    return new Run(code, out.toString(UTF_8), err.toString(UTF_8));
  }
}
