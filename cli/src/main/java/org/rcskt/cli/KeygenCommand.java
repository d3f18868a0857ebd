package org.rcskt.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.concurrent.Callable;
import org.rcskt.verifier.event.EventSigner;
import org.rcskt.verifier.event.PublicKeyInfo;
import org.rcskt.verifier.note.Ed25519NoteKeys;
import org.rcskt.verifier.note.KeyFileIo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code rcskt keygen}: a new Ed25519 key in a file, in the C2SP signed-note signer-key form the
 * log's own key files use, written once with owner-only permissions and never overwritten.
 */
@Command(
    name = "keygen",
    mixinStandardHelpOptions = true,
    description = "Makes an Ed25519 key (a device's identity key or a carrier's anchor key).")
final class KeygenCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--out",
      required = true,
      description = "The new key file (refused if it exists).")
  Path out;

  @Option(
      names = "--name",
      defaultValue = "rcskt-key",
      description = "A label kept in the file (not part of the key; default ${DEFAULT-VALUE}).")
  String name;

  @Option(names = "--json", description = "Print the public key as JSON.")
  boolean json;

  @Override
  public Integer call() {
    String signerKey;
    try {
      signerKey = Ed25519NoteKeys.generate(name).signerKey();
    } catch (IllegalArgumentException e) {
      throw new CliFailure("--name " + name + ": " + e.getMessage(), e);
    }
    try {
      KeyFileIo.write(out, signerKey);
    } catch (FileAlreadyExistsException e) {
      throw new CliFailure(out + " exists; a key file is never overwritten");
    } catch (IOException e) {
      throw new CliFailure("cannot write " + out + ": " + LogOptions.describe(e), e);
    }
    PublicKeyInfo pk;
    try {
      pk = EventSigner.fromSignerKey(signerKey).publicKey();
    } catch (org.rcskt.verifier.VerificationException e) {
      throw new IllegalStateException("a key just made does not parse", e);
    }
    PrintWriter w = spec.commandLine().getOut();
    String key = Base64.getEncoder().encodeToString(pk.key());
    if (json) {
      w.println(
          Output.json(
              Output.object().put("file", out.toString()).set("publicKey", Output.key(pk))));
    } else {
      w.println("wrote " + out);
      w.println("public key (ED25519): " + key);
      w.println("key id: " + pk.keyId().toHex());
    }
    return 0;
  }
}
