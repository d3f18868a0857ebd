package org.rcskt.server.cli;

import org.rcskt.server.bench.BaselineCommand;
import org.rcskt.server.bench.BenchCommand;
import org.rcskt.server.bench.HostileCommand;
import org.rcskt.server.bench.PopulateCommand;
import org.rcskt.server.bench.ReadBenchCommand;
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
      SubmitterTokenCommand.class,
      FsckCommand.class,
      BenchCommand.class,
      ReadBenchCommand.class,
      BaselineCommand.class,
      PopulateCommand.class,
      HostileCommand.class,
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
    return new CommandLine(new LogServerCli())
        .setParameterExceptionHandler(LogServerCli::reportUsageError)
        .setExecutionExceptionHandler(LogServerCli::reportFailure)
        .execute(args);
  }

  /**
   * A mistyped command line gets one line naming the mistake and where the options are listed, and
   * exit status 2, rather than the whole usage text.
   */
  private static int reportUsageError(CommandLine.ParameterException e, String[] args) {
    CommandLine cmd = e.getCommandLine();
    String name = cmd.getCommandSpec().qualifiedName();
    cmd.getErr().println(name + ": " + e.getMessage() + " (see: " + name + " --help)");
    return cmd.getCommandSpec().exitCodeOnInvalidInput();
  }

  /**
   * An operator sees one line naming what failed ("cannot start the HTTP server: Address already in
   * use"), not a stack trace; exit status 2 means the command could not do its work.
   */
  private static int reportFailure(
      Exception e, CommandLine cmd, CommandLine.ParseResult parseResult) {
    StringBuilder msg = new StringBuilder(String.valueOf(e.getMessage()));
    for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
      if (c.getMessage() != null && !msg.toString().contains(c.getMessage())) {
        msg.append(": ").append(c.getMessage());
      }
    }
    cmd.getErr().println(cmd.getCommandSpec().qualifiedName() + ": " + msg);
    return 2;
  }

  /**
   * One line per log record (time, level, logger, message), unless the operator chose a format: the
   * JDK's default splits each record over two lines, which reads badly beside the start-up summary
   * and in journald.
   */
  static final String LOG_FORMAT = "%1$tFT%1$tT.%1$tL%1$tz %4$s %3$s: %5$s%6$s%n";

  public static void main(String[] args) {
    if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
      System.setProperty("java.util.logging.SimpleFormatter.format", LOG_FORMAT);
    }
    int code = run(args);
    // After serve, the shutdown hook is already running: exiting again would block.
    if (!ServeCommand.SERVING.get()) {
      System.exit(code);
    }
  }
}
