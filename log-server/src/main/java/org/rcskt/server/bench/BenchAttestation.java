package org.rcskt.server.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HexFormat;
import org.rcskt.verifier.attestation.DeviceEvidence;
import org.rcskt.verifier.attestation.testing.AndroidTestChains;
import org.rcskt.verifier.attestation.testing.AppleTestAttestations;

/**
 * Device attestation evidence for load runs (`bench --attestation`): a test CA per platform, made
 * from a seed so that the server can be configured with its roots before the run ({@link
 * #writeConfig}), and evidence for each event's challenge. Test CAs only: their roots must never be
 * configured in a production log.
 */
final class BenchAttestation {
  /** Which evidence events carry. */
  enum Kind {
    NONE,
    ANDROID,
    APPLE
  }

  private final Kind kind;
  private final AndroidTestChains androidCa;
  private final long seed;

  BenchAttestation(Kind kind, long seed) {
    this.kind = kind;
    this.seed = seed;
    this.androidCa = AndroidTestChains.builder().seed(seed).build();
  }

  Kind kind() {
    return kind;
  }

  private AppleTestAttestations apple(Instant at) {
    return new AppleTestAttestations(at, seed);
  }

  /**
   * The evidence for an event with {@code challenge} at {@code timestampMs}, or null for {@link
   * Kind#NONE}. Thread-safe: every call builds its own certificates.
   */
  byte[] evidence(byte[] challenge, long timestampMs) {
    return switch (kind) {
      case NONE -> null;
      case ANDROID ->
          DeviceEvidence.android(
                  AndroidTestChains.builder()
                      .issuedBy(androidCa)
                      .challenge(challenge)
                      .build()
                      .chainDer())
              .encode();
      case APPLE ->
          DeviceEvidence.apple(
                  apple(Instant.ofEpochMilli(timestampMs))
                      .clientDataHash(challenge)
                      .attestationObject())
              .encode();
    };
  }

  /**
   * Writes the two test roots ({@code android-root.pem}, {@code apple-root.pem}) into {@code dir}
   * and returns the config fragment that makes a server trust them and allow their test apps.
   */
  String writeConfig(Path dir) throws IOException {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("android-root.pem"), androidCa.rootPem());
    Files.writeString(dir.resolve("apple-root.pem"), apple(Instant.now()).rootPem());
    return "\"deviceAttestation\": {\"androidRootsFile\": \""
        + dir.resolve("android-root.pem").toAbsolutePath()
        + "\", \"appleRootsFile\": \""
        + dir.resolve("apple-root.pem").toAbsolutePath()
        + "\", \"apps\": {\"android\": [{\"packageName\": \""
        + androidCa.packageName()
        + "\", \"signingCertSha256\": \""
        + HexFormat.of().formatHex(androidCa.signingDigest())
        + "\"}], \"apple\": [\""
        + AppleTestAttestations.DEFAULT_APP_ID
        + "\"]}}";
  }
}
