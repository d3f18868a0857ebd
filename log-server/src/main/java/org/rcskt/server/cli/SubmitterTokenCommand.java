package org.rcskt.server.cli;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Callable;
import org.rcskt.server.config.ConfigException;
import org.rcskt.server.config.Submitter;
import org.rcskt.verifier.Hash;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code submitter-token}: a new random bearer token for a submitter, and the configuration entry
 * that admits it (which holds only the token's SHA-256). The token is printed once and kept
 * nowhere.
 */
@Command(
    name = "submitter-token",
    description =
        "Make a bearer token for a submitter: prints the token (give it to the submitter; it is"
            + " stored nowhere) and the \"submitters\" entry for the configuration, which holds"
            + " only its SHA-256.",
    mixinStandardHelpOptions = true)
final class SubmitterTokenCommand implements Callable<Integer> {
  @Option(
      names = "--name",
      required = true,
      description = "the submitter's name, 1 to 64 characters of [a-z0-9._-]")
  String name;

  @Option(
      names = "--carrier",
      required = true,
      description = "a carrier id its events may name, repeatable; \"*\" for every carrier")
  List<String> carriers;

  @Override
  public Integer call() {
    byte[] raw = new byte[32];
    new SecureRandom().nextBytes(raw);
    String token = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    Hash hash = Hash.sha256(token.getBytes(StandardCharsets.UTF_8));
    try {
      new Submitter(
          name,
          hash,
          new java.util.LinkedHashSet<>(carriers),
          Submitter.DEFAULT_PER_SECOND,
          Submitter.DEFAULT_BURST);
    } catch (ConfigException e) {
      System.err.println("submitter-token: " + e.getMessage());
      return 2;
    }
    StringBuilder list = new StringBuilder();
    for (String c : carriers) {
      list.append(list.length() == 0 ? "" : ", ").append('"').append(c).append('"');
    }
    System.out.println("token: " + token);
    System.out.println(
        "config: {\"name\": \""
            + name
            + "\", \"tokenSha256\": \""
            + hash.toHex()
            + "\", \"carriers\": ["
            + list
            + "]}");
    return 0;
  }
}
