package org.rcskt.server.cli;

import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.rcskt.server.config.KeyFiles;
import org.rcskt.verifier.note.Ed25519NoteKeys;
import org.rcskt.verifier.note.NoteKeys;
import org.rcskt.verifier.vrf.EcVrf;
import org.rcskt.verifier.vrf.VrfKeys;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code keygen}: writes a new Ed25519 signer key file and prints its verifier key, or with {@code
 * --vrf} a VRF secret key file and its public key.
 */
@Command(
    name = "keygen",
    description =
        "Generate an Ed25519 signed-note key: the signer key goes to --out (owner-only"
            + " permissions), the verifier key to standard output. With --vrf, generate the log's"
            + " VRF key (ECVRF-EDWARDS25519-SHA512-TAI) instead.",
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

  @Option(
      names = "--vrf",
      description =
          "generate a VRF secret key (label: --name, the log's origin by convention) and print"
              + " its public key")
  boolean vrf;

  @Override
  public Integer call() throws Exception {
    try {
      NoteKeys.requireValidName(name);
    } catch (IllegalArgumentException e) {
      System.err.println("keygen: " + e.getMessage());
      return 2;
    }
    String secret;
    String verifier;
    if (vrf) {
      byte[] sk = new byte[EcVrf.SECRET_KEY_SIZE];
      new java.security.SecureRandom().nextBytes(sk);
      secret = VrfKeys.formatSecret(name, sk);
      verifier = new VrfKeys.PublicKey(name, EcVrf.publicKey(sk)).format();
    } else {
      Ed25519NoteKeys keys = Ed25519NoteKeys.generate(name);
      secret = keys.signerKey();
      verifier = keys.verifierKey();
    }
    try {
      KeyFiles.write(out, secret);
      if (verifierOut != null) {
        java.nio.file.Files.writeString(verifierOut, verifier + "\n");
      }
    } catch (FileAlreadyExistsException e) {
      System.err.println("keygen: " + out + " exists; not overwriting a key");
      return 2;
    }
    System.out.println(verifier);
    return 0;
  }
}
