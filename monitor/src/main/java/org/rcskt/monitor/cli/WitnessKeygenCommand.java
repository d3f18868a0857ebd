package org.rcskt.monitor.cli;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.rcskt.monitor.witness.WitnessKeys;
import org.rcskt.verifier.note.CosignatureV1Signer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code witness-keygen --name NAME --out FILE}: makes the cosigning key a monitor serves as a
 * witness with, and prints its verifier key for the logs that will trust it.
 */
@Command(
    name = "witness-keygen",
    description = {
      "Make a new witness cosigning key (Ed25519, C2SP cosignature/v1), write it to a new file"
          + " readable by its owner only, and print the verifier key that logs and clients"
          + " configure for this witness.",
      "Exit status: 0 written, 2 error (an existing file is never overwritten)."
    })
final class WitnessKeygenCommand implements Callable<Integer> {
  @Option(
      names = "--name",
      required = true,
      description = "the witness's name, e.g. witness.example.org/w1 (no spaces or '+')")
  String name;

  @Option(names = "--out", required = true, description = "the key file to create")
  Path out;

  @Override
  public Integer call() {
    CosignatureV1Signer s;
    try {
      s = WitnessKeys.generate(name, out);
    } catch (IllegalArgumentException e) {
      System.err.println("monitor witness-keygen: --name: " + e.getMessage());
      return 2;
    } catch (FileAlreadyExistsException e) {
      System.err.println("monitor witness-keygen: " + out + " exists; it is never overwritten");
      return 2;
    } catch (IOException e) {
      System.err.println("monitor witness-keygen: cannot write " + out + ": " + e.getMessage());
      return 2;
    }
    System.out.println(s.verifierKey());
    return 0;
  }
}
