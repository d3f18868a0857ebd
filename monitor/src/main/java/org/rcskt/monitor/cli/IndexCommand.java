package org.rcskt.monitor.cli;

import java.util.concurrent.Callable;
import org.rcskt.verifier.event.PhoneNumbers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code index <E.164>}: prints the subject index of a phone number, computed locally. */
@Command(
    name = "index",
    description =
        "Print the subject index (hex) of an E.164 phone number; nothing is sent anywhere.")
final class IndexCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "E164", description = "the number, e.g. +447700900123")
  String number;

  @Override
  public Integer call() {
    try {
      System.out.println(PhoneNumbers.subjectIndex(number).toHex());
      return 0;
    } catch (IllegalArgumentException e) {
      System.err.println("monitor index: " + e.getMessage());
      return 2;
    }
  }
}
