package org.rcskt.monitor.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.rcskt.verifier.VerificationException;
import org.rcskt.verifier.checkpoint.Checkpoint;
import org.rcskt.verifier.checkpoint.SignedCheckpoint;
import org.rcskt.verifier.note.Ed25519NoteVerifier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code verify-checkpoint --vkey KEY FILE}: checks a signed checkpoint offline. */
@Command(
    name = "verify-checkpoint",
    description = "Verify a signed checkpoint against the log's verifier key, offline.")
final class VerifyCheckpointCommand implements Callable<Integer> {
  @Option(names = "--vkey", required = true, description = "the log's verifier key (name+id+key)")
  String vkey;

  @Parameters(index = "0", paramLabel = "FILE", description = "the signed checkpoint, - for stdin")
  Path file;

  @Override
  public Integer call() throws Exception {
    Ed25519NoteVerifier key;
    try {
      key = Ed25519NoteVerifier.fromVerifierKey(vkey);
    } catch (VerificationException e) {
      System.err.println("monitor verify-checkpoint: --vkey: " + e.getMessage());
      return 2;
    }
    try {
      Checkpoint c = SignedCheckpoint.verify(Inputs.read(file), key.name(), key).checkpoint();
      System.out.println(
          "OK: " + c.origin() + " tree size " + c.treeSize() + " root " + c.rootHash());
      return 0;
    } catch (VerificationException e) {
      System.out.println("INVALID: " + e.getMessage());
      return 1;
    }
  }
}
