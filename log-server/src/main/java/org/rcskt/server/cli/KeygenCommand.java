package org.rcskt.server.cli;

import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.rcskt.server.config.KeyFiles;
import org.rcskt.verifier.note.Ed25519NoteKeys;
import org.rcskt.verifier.note.NoteKeys;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code keygen}: writes a new Ed25519 signer key file and prints its verifier key. */
@Command(
    name = "keygen",
    description =
        "Generate an Ed25519 signed-note key: the signer key goes to --out (owner-only"
            + " permissions), the verifier key to standard output.",
    mixinStandardHelpOptions = true)
final class KeygenCommand implements Callable<Integer> {
  @Option(
      names = "--name",
      required = true,
      description = "key name: the log's origin for a log key, any label for a policy key")
  String name;

  @Option(names = "--out", required = true, description = "signer key file to create")
  Path out;

  @Option(names = "--verifier-out", description = "also write the verifier key to this file")
  Path verifierOut;

  @Override
  public Integer call() throws Exception {
    try {
      NoteKeys.requireValidName(name);
    } catch (IllegalArgumentException e) {
      System.err.println("keygen: " + e.getMessage());
      return 2;
    }
    Ed25519NoteKeys keys = Ed25519NoteKeys.generate(name);
    try {
      KeyFiles.write(out, keys.signerKey());
      if (verifierOut != null) {
        java.nio.file.Files.writeString(verifierOut, keys.verifierKey() + "\n");
      }
    } catch (FileAlreadyExistsException e) {
      System.err.println("keygen: " + out + " exists; not overwriting a key");
      return 2;
    }
    System.out.println(keys.verifierKey());
    return 0;
  }
}
