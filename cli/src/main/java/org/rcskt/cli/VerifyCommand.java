package org.rcskt.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Base64;
import java.util.concurrent.Callable;
import org.rcskt.verifier.continuity.ContinuityChecker;
import org.rcskt.verifier.continuity.FilePinStore;
import org.rcskt.verifier.continuity.Pin;
import org.rcskt.verifier.continuity.PinStore;
import org.rcskt.verifier.continuity.Verdict;
import org.rcskt.verifier.event.AlgorithmPolicyJson;
import org.rcskt.verifier.event.EventFormatException;
import org.rcskt.verifier.event.KeyAlgorithm;
import org.rcskt.verifier.event.PublicKeyInfo;
import org.rcskt.verifier.event.RulesContext;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code rcskt verify}: the trust-on-first-use continuity check a messaging client runs before it
 * encrypts to a contact's key (verifier-lib's {@code ContinuityChecker}, docs/clients.md). With
 * {@code --pins} the pins persist between runs, as an app's would.
 */
@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    description =
        "Checks that a key shown for a number is its logged key, or a logged, signed rotation of"
            + " the key pinned before (exit 0 for UNCHANGED or ROTATED, 1 otherwise).")
final class VerifyCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;
  @Mixin LogOptions log;

  @Parameters(paramLabel = "NUMBER", description = "The contact's phone number, in E.164.")
  String number;

  @ArgGroup(multiplicity = "1")
  Shown shown;

  /** The key the contact's app showed: a key file or its public key. */
  static final class Shown {
    @Option(names = "--key", description = "The shown key, as a key file (from rcskt keygen).")
    Path keyFile;

    @Option(names = "--public-key", description = "The shown Ed25519 public key, in base64.")
    String publicKey;
  }

  @Option(
      names = "--pins",
      description =
          "A directory keeping the pins between runs (default: none; every run is a first contact).")
  Path pins;

  @Option(names = "--json", description = "Print the verdict as JSON.")
  boolean json;

  @Override
  public Integer call() {
    CliFailure.requireE164(number, number);
    PublicKeyInfo key = shownKey();
    LogOptions.Connected c = log.connect(spec.commandLine().getErr());
    ContinuityChecker checker =
        new ContinuityChecker(
            c.client(), pins != null ? new FilePinStore(pins) : new MemoryPins(), rules(c));
    Verdict v;
    try {
      v = checker.check(number, key);
    } catch (IOException e) {
      throw new CliFailure("no verdict, the log could not be asked: " + LogOptions.describe(e), e);
    }
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(Output.json(toJson(v)));
    } else {
      out.println(
          v.kind()
              + (v.firstContact() ? " (first contact: the key is now pinned)" : "")
              + ": "
              + v.detail());
      for (Verdict.Step s : v.steps()) {
        out.println(
            "  leaf "
                + s.leafIndex()
                + ": device "
                + s.deviceId()
                + " "
                + (s.fromKeyId() == null ? "registered" : s.fromKeyId().toHex() + " ->")
                + " "
                + s.toKeyId().toHex()
                + (s.signedByPrevious()
                    ? ", signed by the previous key"
                    : ", NOT signed by the" + " previous key")
                + (s.carrierAttested() ? ", carrier-attested" : ""));
      }
    }
    return v.kind() == Verdict.Kind.UNCHANGED || v.kind() == Verdict.Kind.ROTATED ? 0 : 1;
  }

  private PublicKeyInfo shownKey() {
    if (shown.keyFile != null) {
      return EventCommand.signer(shown.keyFile).publicKey();
    }
    byte[] raw;
    try {
      raw = Base64.getDecoder().decode(shown.publicKey);
    } catch (IllegalArgumentException e) {
      throw new CliFailure("--public-key is not base64: " + e.getMessage(), e);
    }
    try {
      return PublicKeyInfo.of(KeyAlgorithm.ED25519, raw, 0);
    } catch (IllegalArgumentException e) {
      throw new CliFailure("--public-key is not an Ed25519 public key: " + e.getMessage(), e);
    }
  }

  /** The log's replay rules as its /v1/info states them. */
  private static RulesContext rules(LogOptions.Connected c) {
    JsonNode info = c.info();
    JsonNode r = info.path("rules");
    RulesContext ctx =
        RulesContext.replay(c.policyKey())
            .withAllowUnattestedRegistration(info.path("allowUnattested").asBoolean(false));
    if (r.path("maxDevicesPerSubject").canConvertToInt()) {
      ctx = ctx.withMaxDevices(r.get("maxDevicesPerSubject").asInt());
    }
    if (r.path("maxAnchorKeysPerCarrier").canConvertToInt()) {
      ctx = ctx.withMaxAnchorsPerCarrier(r.get("maxAnchorKeysPerCarrier").asInt());
    }
    if (r.has("postQuantum")) {
      try {
        ctx = ctx.withAlgorithms(AlgorithmPolicyJson.fromJson(r.get("postQuantum"), "postQuantum"));
      } catch (EventFormatException e) {
        throw new CliFailure("the log's rules.postQuantum is malformed: " + e.getMessage(), e);
      }
    }
    return ctx;
  }

  private static ObjectNode toJson(Verdict v) {
    ObjectNode o = Output.object();
    o.put("verdict", v.kind().toString());
    o.put("firstContact", v.firstContact());
    o.put("detail", v.detail());
    o.put("subject", v.subject().toHex());
    o.put("shownKeyId", v.shownKeyId().toHex());
    o.put("carrierAttested", v.carrierAttested());
    o.put("revocationReason", v.revocationReason() == null ? null : v.revocationReason().name());
    ArrayNode steps = o.putArray("steps");
    for (Verdict.Step s : v.steps()) {
      ObjectNode n = steps.addObject();
      n.put("leafIndex", s.leafIndex());
      n.put("deviceId", s.deviceId());
      n.put("fromKeyId", s.fromKeyId() == null ? null : s.fromKeyId().toHex());
      n.put("toKeyId", s.toKeyId().toHex());
      n.put("signedByPrevious", s.signedByPrevious());
      n.put("carrierAttested", s.carrierAttested());
    }
    o.put("treeSize", v.checkpoint() == null ? null : v.checkpoint().checkpoint().treeSize());
    return o;
  }

  /** Pins for one run only. */
  private static final class MemoryPins implements PinStore {
    private final java.util.Map<org.rcskt.verifier.Hash, Pin> pins = new java.util.HashMap<>();

    @Override
    public java.util.Optional<Pin> get(org.rcskt.verifier.Hash subject) {
      return java.util.Optional.ofNullable(pins.get(subject));
    }

    @Override
    public void put(Pin pin) {
      pins.put(pin.subjectIndex(), pin);
    }

    @Override
    public void remove(org.rcskt.verifier.Hash subject) {
      pins.remove(subject);
    }
  }
}
