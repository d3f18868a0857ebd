package org.rcskt.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code rcskt} command. Exit status: 0 when everything asked for was done and verified, 1 when
 * the log refused something or an answer did not verify (the message says which), 2 for a usage
 * error.
 */
@Command(
    name = "rcskt",
    mixinStandardHelpOptions = true,
    version = "rcskt 0.1.0",
    description =
        "Makes keys, builds, signs and submits key events, and looks numbers up, verified.",
    subcommands = {
      KeygenCommand.class,
      EventCommand.class,
      SubmitCommand.class,
      LookupCommand.class,
      VerifyCommand.class
    })
public final class RcsktCli implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** The command line with its subcommands, for {@link #main} and tests. */
  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new RcsktCli());
    cl.setExecutionExceptionHandler(
        (e, cmd, parsed) -> {
          if (e instanceof CliFailure f) {
            cmd.getErr().println("rcskt: " + f.getMessage());
            return 1;
          }
          throw e;
        });
    return cl;
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }
}
