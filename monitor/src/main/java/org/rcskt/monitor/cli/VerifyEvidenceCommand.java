package org.rcskt.monitor.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.rcskt.monitor.evidence.EvidenceVerifier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code verify-evidence FILE}: rechecks an evidence bundle offline. Exit 0 when it shows what it
 * claims, 1 when it does not, 2 when it is not a well-formed bundle.
 */
@Command(
    name = "verify-evidence",
    description = "Recheck a misbehaviour evidence bundle offline (exit 0 confirmed, 1 not).")
final class VerifyEvidenceCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "FILE", description = "the evidence bundle, - for stdin")
  Path file;

  @Override
  public Integer call() throws Exception {
    EvidenceVerifier.Verdict v;
    try {
      v = EvidenceVerifier.verify(Inputs.read(file));
    } catch (EvidenceVerifier.MalformedEvidenceException e) {
      System.out.println("MALFORMED: " + e.getMessage());
      return 2;
    }
    if (v.confirmed()) {
      System.out.println(
          "CONFIRMED ("
              + v.strength().name().toLowerCase(java.util.Locale.ROOT)
              + "): "
              + v.message());
      return 0;
    }
    System.out.println("NOT CONFIRMED: " + v.message());
    return 1;
  }
}
