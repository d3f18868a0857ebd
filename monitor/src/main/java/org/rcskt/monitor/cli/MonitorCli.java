package org.rcskt.monitor.cli;

import org.rcskt.monitor.audit.AuditCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code monitor} command: dispatches to the subcommands. */
@Command(
    name = "monitor",
    mixinStandardHelpOptions = true,
    version = "rcskt monitor 0.1.0",
    description = "Follows key-transparency logs, verifies them, watches numbers, alerts, gossips.",
    subcommands = {
      RunCommand.class,
      IndexCommand.class,
      VerifyCheckpointCommand.class,
      VerifyProofCommand.class,
      VerifyEvidenceCommand.class,
      AuditCommand.class,
      WitnessKeygenCommand.class
    })
public final class MonitorCli implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** The command line with its subcommands, for {@link #main} and tests. */
  public static CommandLine commandLine() {
    return new CommandLine(new MonitorCli());
  }

  public static void main(String[] args) {
    // One line per log record, as the log server does, unless the operator chose a format.
    if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
      System.setProperty(
          "java.util.logging.SimpleFormatter.format",
          "%1$tFT%1$tT.%1$tL%1$tz %4$s %3$s: %5$s%6$s%n");
    }
    System.exit(commandLine().execute(args));
  }
}
