package org.rcskt.monitor.cli;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.rcskt.monitor.follow.LogClient;
import org.rcskt.monitor.follow.LogHttpException;
import org.rcskt.monitor.follow.PhoneIndexes;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.event.PhoneNumbers;
import org.rcskt.verifier.vrf.VrfKeys;
import org.rcskt.verifier.vrf.VrfVerificationException;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code index --log URL (--vrf-key KEY | --trust-info-key) <E.164>}: asks the log for a phone
 * number's subject index and prints it once its VRF proof verifies. Since protocol version 2 only
 * the log, which holds the VRF secret, can compute an index (docs/protocol.md section 3.1).
 */
@Command(
    name = "index",
    description = {
      "Look an E.164 phone number up on the log (GET /v1/keys/<number>), check the VRF proof of"
          + " the index the log gives against the log's VRF key, and print the index (hex).",
      "The number is sent to that log and nowhere else. Exit status: 0 printed, 1 the log's"
          + " answer does not verify, 2 error."
    })
final class IndexCommand implements Callable<Integer> {
  @Option(names = "--log", required = true, description = "the log's base URL")
  URI log;

  @ArgGroup(multiplicity = "1")
  KeySource key;

  static final class KeySource {
    @Option(
        names = "--vrf-key",
        description = "the log's VRF public key (<name>+ECVRF-EDWARDS25519-SHA512-TAI+<base64>)")
    String vrfKey;

    @Option(
        names = "--trust-info-key",
        description =
            "check the proof with the VRF key the log states in /v1/info; this only checks the log"
                + " against itself")
    boolean trustInfoKey;
  }

  @Option(
      names = "--timeout-seconds",
      defaultValue = "30",
      description = "per-request timeout (default ${DEFAULT-VALUE})")
  long timeoutSeconds;

  @Parameters(index = "0", paramLabel = "E164", description = "the number, e.g. +447700900123")
  String number;

  @Override
  public Integer call() {
    try {
      PhoneNumbers.validate(number);
    } catch (IllegalArgumentException e) {
      System.err.println("monitor index: " + e.getMessage());
      return 2;
    }
    URI base = log.toString().endsWith("/") ? log : URI.create(log + "/");
    LogClient client = new LogClient(base, Duration.ofSeconds(timeoutSeconds));
    String keyText;
    try {
      if (key.vrfKey != null) {
        keyText = key.vrfKey;
      } else {
        keyText =
            client
                .info()
                .vrfKey()
                .orElseThrow(() -> new LogHttpException(base + "v1/info states no VRF key", 0));
        System.err.println("monitor index: using the VRF key from the log's /v1/info: " + keyText);
      }
    } catch (LogHttpException e) {
      System.err.println("monitor index: " + e.getMessage());
      return 2;
    }
    byte[] vrfKey;
    try {
      vrfKey = VrfKeys.parsePublic(keyText).key();
    } catch (IllegalArgumentException | VrfVerificationException e) {
      System.err.println(
          "monitor index: " + (key.vrfKey != null ? "--vrf-key: " : "") + e.getMessage());
      return 2;
    }
    LogClient.Lookup answer;
    try {
      answer = client.lookup(number);
    } catch (LogHttpException e) {
      System.err.println("monitor index: " + e.getMessage());
      return 2;
    }
    Hash index;
    try {
      index = PhoneIndexes.verifiedIndex(vrfKey, number, answer);
    } catch (IllegalArgumentException e) {
      System.err.println("monitor index: the log's answer does not verify: " + e.getMessage());
      return 1;
    }
    System.out.println(index.toHex());
    return 0;
  }
}
