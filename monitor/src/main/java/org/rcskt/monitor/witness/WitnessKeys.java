package org.rcskt.monitor.witness;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import org.rcskt.monitor.config.ConfigException;
import org.rcskt.verifier.crypto.Ed25519;
import org.rcskt.verifier.note.CosignatureV1Signer;
import org.rcskt.verifier.note.KeyFileIo;
import org.rcskt.verifier.note.KeyFormatException;
import org.rcskt.verifier.note.NoteKeys;
import org.rcskt.verifier.note.UnsupportedAlgorithmException;

/** The witness's cosigning key file: made by {@code witness-keygen}, read at startup. */
public final class WitnessKeys {
  private WitnessKeys() {}

  /**
   * Reads the cosigning key in {@code file}.
   *
   * @param field the configuration field that names the file, for the error
   * @throws ConfigException if the file cannot be read or does not hold a {@code cosignature/v1}
   *     signer key
   */
  public static CosignatureV1Signer load(Path file, String field, Clock clock)
      throws ConfigException {
    String skey;
    try {
      skey = KeyFileIo.read(file);
    } catch (IOException e) {
      throw new ConfigException(field, "cannot read " + file + ": " + e.getMessage(), e);
    }
    try {
      return CosignatureV1Signer.fromSignerKey(skey, clock);
    } catch (KeyFormatException | UnsupportedAlgorithmException e) {
      throw new ConfigException(
          field,
          file
              + " does not hold a cosignature/v1 signer key (PRIVATE+KEY+<name>+<key id>+base64 of"
              + " 0x04 and the seed): "
              + e.getMessage(),
          e);
    }
  }

  /**
   * Makes a new cosigning key named {@code name}, writes it to the new file {@code file} (owner
   * read/write only; an existing file is never overwritten) and returns it.
   *
   * @throws IllegalArgumentException if {@code name} is not a valid key name
   * @throws IOException if the file exists or cannot be written
   */
  public static CosignatureV1Signer generate(String name, Path file) throws IOException {
    NoteKeys.requireValidName(name);
    CosignatureV1Signer s =
        CosignatureV1Signer.of(name, Ed25519.KeyPair.generate(), Clock.systemUTC());
    KeyFileIo.write(file, s.signerKey());
    return s;
  }
}
