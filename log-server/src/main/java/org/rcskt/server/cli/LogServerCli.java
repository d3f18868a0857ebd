package org.rcskt.server.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The executable jar's entry point. */
@Command(
    name = "log-server",
    mixinStandardHelpOptions = true,
    version = "log-server 0.1.0",
    description = "The RCS key-transparency log.",
    subcommands = {
      ServeCommand.class,
      KeygenCommand.class,
      FsckCommand.class,
      BenchCommand.class,
      ReadBenchCommand.class,
      BaselineCommand.class,
      CommandLine.HelpCommand.class
    })
public final class LogServerCli implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "give a subcommand");
  }

  /** Runs the command line and returns its exit code (for tests and embedding). */
  public static int run(String... args) {
    return new CommandLine(new LogServerCli()).execute(args);
  }

  public static void main(String[] args) {
    int code = run(args);
    // After serve, the shutdown hook is already running: exiting again would block.
    if (!ServeCommand.SERVING.get()) {
      System.exit(code);
    }
  }
}
