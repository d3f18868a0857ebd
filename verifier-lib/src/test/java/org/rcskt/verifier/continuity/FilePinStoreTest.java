package org.rcskt.verifier.continuity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.crypto.Ed25519;

class FilePinStoreTest {
  @TempDir Path dir;
  private final Random random = new Random(5);

  private Pin randomPin(Hash subject) {
    byte[] event = new byte[32];
    random.nextBytes(event);
    return new Pin(
        subject,
        Ed25519.KeyPair.generate(random).publicKey(),
        random.nextInt(1000),
        random.nextLong() >>> 1,
        Hash.of(event));
  }

  private Hash randomHash() {
    byte[] b = new byte[32];
    random.nextBytes(b);
    return Hash.of(b);
  }

  @Test
  void putGetReplaceRemove() throws IOException {
    FilePinStore store = new FilePinStore(dir.resolve("pins"));
    Hash alice = randomHash();
    Hash bob = randomHash();
    assertThat(store.get(alice)).isEmpty();
    Pin a1 = randomPin(alice);
    Pin b1 = randomPin(bob);
    store.put(a1);
    store.put(b1);
    assertThat(store.get(alice)).contains(a1);
    assertThat(new FilePinStore(dir.resolve("pins")).get(bob)).contains(b1);
    Pin a2 = randomPin(alice);
    store.put(a2);
    assertThat(store.get(alice)).contains(a2);
    store.remove(alice);
    assertThat(store.get(alice)).isEmpty();
    assertThat(store.get(bob)).contains(b1);
    store.remove(alice);
  }

  @Test
  void fileFormatIsTheDocumentedOne() throws IOException {
    Hash subject = Hash.fromHex("11".repeat(32));
    Ed25519.PublicKey key = Ed25519.KeyPair.fromSeed(new byte[32]).publicKey();
    Pin pin = new Pin(subject, key, 3, 42, Hash.fromHex("22".repeat(32)));
    FilePinStore store = new FilePinStore(dir);
    store.put(pin);
    String text = Files.readString(dir.resolve("11".repeat(32) + ".pin"));
    assertThat(text)
        .isEqualTo(
            "rcskt-pin v1\nsubject "
                + "11".repeat(32)
                + "\nkey 3b6a27bcceb6a42d62a3a8d02a6f0d73653215771de243a63ac048a18b59da29"
                + "\nsequence 3\nleaf 42\nevent "
                + "22".repeat(32)
                + "\n");
  }

  @Test
  void postQuantumPinsRoundTripInTheV2Form() throws IOException {
    Hash subject = Hash.fromHex("33".repeat(32));
    org.rcskt.verifier.event.PublicKeyInfo hybrid =
        org.rcskt.verifier.event.PublicKeyInfo.hybrid(
            org.rcskt.verifier.crypto.Ed25519MlDsa65.KeyPair.generate(new java.util.Random(4))
                .publicKey());
    Pin pin = new Pin(subject, hybrid, 1, 7, Hash.fromHex("44".repeat(32)));
    FilePinStore store = new FilePinStore(dir);
    store.put(pin);
    String text = Files.readString(dir.resolve("33".repeat(32) + ".pin"));
    assertThat(text)
        .startsWith("rcskt-pin v2\nsubject " + "33".repeat(32) + "\nkey ED25519_ML_DSA_65 ");
    assertThat(text.length()).isLessThan(FilePinStore.MAX_PIN_FILE_BYTES);
    assertThat(store.get(subject)).contains(pin);
  }

  @Test
  void rejectsEachKindOfCorruption() throws IOException {
    Hash subject = Hash.fromHex("11".repeat(32));
    Path file = dir.resolve("11".repeat(32) + ".pin");
    FilePinStore store = new FilePinStore(dir);
    Pin pin = randomPin(subject);
    String good = FilePinStore.format(pin);

    Files.writeString(file, good.substring(0, good.length() - 1));
    assertThatThrownBy(() -> store.get(subject))
        .hasMessage(file + ": pin file does not end with a newline");

    Files.writeString(file, good + "extra\n");
    assertThatThrownBy(() -> store.get(subject))
        .hasMessage(file + ": pin file has 7 lines, expected 6");

    Files.writeString(file, good.replace("rcskt-pin v1", "rcskt-pin v3"));
    assertThatThrownBy(() -> store.get(subject))
        .hasMessage(file + ": first line is not \"rcskt-pin v1\" or \"rcskt-pin v2\"");
    // A v2 header with a v1 key line: the algorithm name is missing.
    Files.writeString(file, good.replace("rcskt-pin v1", "rcskt-pin v2"));
    assertThatThrownBy(() -> store.get(subject))
        .hasMessage(file + ": corrupt pin: the key line has no algorithm name");

    Files.writeString(file, good.replace("\nleaf ", "\nleaves "));
    assertThatThrownBy(() -> store.get(subject))
        .hasMessage(file + ": line 5 does not start with \"leaf \"");

    Files.writeString(file, good.replace("\nsequence " + pin.sequence(), "\nsequence -1"));
    assertThatThrownBy(() -> store.get(subject))
        .hasMessage(file + ": corrupt pin: sequence must not be negative, got -1");

    Files.writeString(file, good.replace("\nsequence " + pin.sequence(), "\nsequence x"));
    assertThatThrownBy(() -> store.get(subject))
        .hasMessage(file + ": corrupt pin: For input string: \"x\"");

    Files.write(file, new byte[FilePinStore.MAX_PIN_FILE_BYTES + 1]);
    assertThatThrownBy(() -> store.get(subject))
        .hasMessage(file + " is larger than the limit of 8192 bytes");

    Pin other = randomPin(Hash.fromHex("33".repeat(32)));
    Files.writeString(file, FilePinStore.format(other), StandardCharsets.UTF_8);
    assertThatThrownBy(() -> store.get(subject))
        .hasMessage(
            file + " holds the pin for subject " + "33".repeat(32) + ", not " + "11".repeat(32));
  }
}
