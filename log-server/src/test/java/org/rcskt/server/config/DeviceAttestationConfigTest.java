package org.rcskt.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rcskt.verifier.attestation.DeviceAttestationPolicy;
import org.rcskt.verifier.attestation.testing.AndroidTestChains;
import org.rcskt.verifier.attestation.testing.AppleTestAttestations;

/** The config file's {@code deviceAttestation} object: files read, every mistake named. */
class DeviceAttestationConfigTest {
  @TempDir Path dir;

  private Path config(String deviceAttestation) throws Exception {
    Path f = dir.resolve("config.json");
    Files.writeString(
        f, "{\"dataDir\": \"data\", \"deviceAttestation\": " + deviceAttestation + "}");
    return f;
  }

  @Test
  void rootsAndStatusListAreReadFromFilesBesideTheConfig() throws Exception {
    AndroidTestChains android = AndroidTestChains.builder().build();
    AppleTestAttestations apple = new AppleTestAttestations(Instant.now());
    Files.writeString(dir.resolve("google.pem"), android.rootPem());
    Files.writeString(dir.resolve("apple.pem"), apple.rootPem());
    Files.writeString(
        dir.resolve("status.json"),
        "{\"entries\": {\"2a\": {\"status\": \"REVOKED\", \"reason\": \"KEY_COMPROMISE\"}}}");
    Path f =
        config(
            "{\"androidRootsFile\": \"google.pem\", \"appleRootsFile\": \"apple.pem\","
                + " \"statusListFile\": \"status.json\","
                + " \"apps\": {\"android\": [{\"packageName\": \"com.example.rcs\","
                + " \"signingCertSha256\": \""
                + "ab".repeat(32)
                + "\"}], \"apple\": [\"ABCDE12345.com.example.rcs\"]},"
                + " \"hardwareRequiredFrom\": {\"carrier.example\": \"2027-01-01T00:00:00Z\"}}");
    DeviceAttestationPolicy p = ServerConfig.fromJson(f).build().deviceAttestation();
    assertThat(p.androidRoots().anchors()).hasSize(1);
    assertThat(p.appleRoots().anchors()).hasSize(1);
    assertThat(p.statusList().statusOf("2a")).isNotNull();
    assertThat(p.apps().android().get(0).packageName()).isEqualTo("com.example.rcs");
    assertThat(p.apps().apple()).containsExactly("ABCDE12345.com.example.rcs");
    long from = Instant.parse("2027-01-01T00:00:00Z").toEpochMilli();
    assertThat(p.requiresHardware("carrier.example", from - 1)).isFalse();
    assertThat(p.requiresHardware("carrier.example", from)).isTrue();
    assertThat(p.requiresHardware("other.example", from)).isFalse();
  }

  @Test
  void withoutTheObjectNothingIsTrustedAndNothingRequired() {
    DeviceAttestationPolicy p = ServerConfig.builder(dir).build().deviceAttestation();
    assertThat(p.androidRoots().anchors()).isEmpty();
    assertThat(p.appleRoots().anchors()).isEmpty();
    assertThat(p.requiresHardware("carrier.example", Long.MAX_VALUE)).isFalse();
  }

  @Test
  void mistakesAreNamed() throws Exception {
    assertFails("[]", "\"deviceAttestation\" must be an object");
    assertFails("{\"androidRootsFile\": \"missing.pem\"}", "deviceAttestation.androidRootsFile");
    Files.writeString(dir.resolve("junk.pem"), "not pem");
    assertFails("{\"appleRootsFile\": \"junk.pem\"}", "no CERTIFICATE or PUBLIC KEY block");
    Files.writeString(dir.resolve("bad-status.json"), "{\"entries\": 5}");
    assertFails("{\"statusListFile\": \"bad-status.json\"}", "deviceAttestation.statusListFile");
    assertFails("{\"apps\": {\"apple\": [\"com.example\"]}}", "deviceAttestation.apps.apple[0]");
    assertFails(
        "{\"apps\": {\"android\": [{\"packageName\": \"com.example\"}]}}",
        "deviceAttestation.apps.android[0]: needs packageName and signingCertSha256");
    assertFails(
        "{\"hardwareRequiredFrom\": {\"*\": \"soon\"}}",
        "deviceAttestation.hardwareRequiredFrom.*");
    assertFails("{\"colour\": 1}", "deviceAttestation.colour: unknown field");
  }

  private void assertFails(String object, String message) throws Exception {
    Path f = config(object);
    assertThatThrownBy(() -> ServerConfig.fromJson(f).build())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(message);
  }
}
