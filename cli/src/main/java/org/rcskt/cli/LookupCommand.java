package org.rcskt.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.rcskt.verifier.VerificationException;
import org.rcskt.verifier.client.LoggedEvent;
import org.rcskt.verifier.client.NumberLookup;
import org.rcskt.verifier.event.EventJson;
import org.rcskt.verifier.event.EventPayload;
import org.rcskt.verifier.event.KeyEvent;
import org.rcskt.verifier.event.PublicKeyInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code rcskt lookup}: a phone number's logged key events, with the VRF proof of its index, the
 * checkpoint, every inclusion proof and the map's completeness proof verified by verifier-lib's
 * {@code LogClient.lookup}.
 */
@Command(
    name = "lookup",
    mixinStandardHelpOptions = true,
    description =
        "Looks a number up: its logged key events and current keys, every proof verified.")
final class LookupCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;
  @Mixin LogOptions log;

  @Parameters(paramLabel = "NUMBER", description = "The phone number, in E.164.")
  String number;

  @Option(names = "--json", description = "Print the answer as JSON.")
  boolean json;

  @Override
  public Integer call() {
    CliFailure.requireE164(number, number);
    LogOptions.Connected c = log.connect(spec.commandLine().getErr());
    NumberLookup lk;
    try {
      lk = c.client().lookup(number);
    } catch (IOException e) {
      throw new CliFailure("the look-up failed: " + LogOptions.describe(e), e);
    } catch (VerificationException e) {
      throw new CliFailure("the log's answer did not verify: " + e.getMessage(), e);
    }
    PrintWriter out = spec.commandLine().getOut();
    Map<String, Current> current = current(lk);
    if (json) {
      out.println(Output.json(toJson(lk, current)));
      return 0;
    }
    long size = lk.history().treeSize();
    out.println(number + "  index " + lk.index().toHex());
    out.println(
        "  verified: VRF proof of the index, checkpoint of tree size "
            + size
            + ", "
            + lk.history().events().size()
            + " inclusion proofs, map completeness");
    if (lk.history().events().isEmpty()) {
      out.println("  no key events: the log's map proves it has none for this number");
      return 0;
    }
    out.println("  events:");
    for (LoggedEvent le : lk.history().events()) {
      out.println("    " + line(le));
    }
    out.println(current.isEmpty() ? "  no active keys" : "  active keys:");
    for (Map.Entry<String, Current> d : current.entrySet()) {
      Current k = d.getValue();
      out.println(
          "    "
              + d.getKey()
              + "  "
              + k.key.algorithm()
              + " "
              + k.key.keyId().toHex()
              + "  since leaf "
              + k.leafIndex);
    }
    return 0;
  }

  /** A device's key as the events left it. */
  private record Current(PublicKeyInfo key, long leafIndex) {}

  /**
   * The devices' keys after the events, in registration order. A summary of what the log accepted
   * (the log checked the rules; {@code rcskt verify} and the audit replay them).
   */
  private static Map<String, Current> current(NumberLookup lk) {
    Map<String, Current> m = new LinkedHashMap<>();
    for (LoggedEvent le : lk.history().events()) {
      EventPayload p = le.event().body().payload();
      if (p instanceof EventPayload.Register r) {
        m.put(r.deviceId(), new Current(r.publicKey(), le.leafIndex()));
      } else if (p instanceof EventPayload.Rotate r) {
        m.put(r.deviceId(), new Current(r.publicKey(), le.leafIndex()));
      } else if (p instanceof EventPayload.Revoke r) {
        m.remove(r.deviceId());
      }
    }
    return m;
  }

  private static String line(LoggedEvent le) {
    KeyEvent e = le.event();
    EventPayload p = e.body().payload();
    String what;
    if (p instanceof EventPayload.Register r) {
      what = "REGISTER " + r.deviceId() + " " + keyText(r.publicKey());
    } else if (p instanceof EventPayload.Rotate r) {
      what = "ROTATE   " + r.deviceId() + " " + keyText(r.publicKey());
    } else if (p instanceof EventPayload.Revoke r) {
      what = "REVOKE   " + r.deviceId() + " (" + r.reason() + ")";
    } else if (p instanceof EventPayload.Keys k) {
      what = "KEYS     " + k.deviceId();
    } else {
      what = e.type().toString();
    }
    return "#"
        + e.sequence()
        + " leaf "
        + le.leafIndex()
        + "  "
        + what
        + "  carrier "
        + e.body().carrierId()
        + "  "
        + Instant.ofEpochMilli(e.body().timestampMs());
  }

  private static String keyText(PublicKeyInfo k) {
    return k.algorithm() + " " + k.keyId().toHex();
  }

  private ObjectNode toJson(NumberLookup lk, Map<String, Current> current) {
    ObjectNode o = Output.object();
    o.put("number", number);
    o.put("index", lk.index().toHex());
    o.put("treeSize", lk.history().treeSize());
    o.put("checkpoint", new String(lk.history().checkpoint().raw(), StandardCharsets.UTF_8));
    o.put("verified", true);
    ArrayNode events = o.putArray("events");
    for (LoggedEvent le : lk.history().events()) {
      ObjectNode e = events.addObject();
      e.put("leafIndex", le.leafIndex());
      e.set("event", EventJson.toJson(le.event()));
      e.set("inclusionProof", Output.hashes(le.inclusionProof()));
    }
    ObjectNode keys = o.putObject("activeKeys");
    for (Map.Entry<String, Current> d : current.entrySet()) {
      ObjectNode k = Output.key(d.getValue().key);
      k.put("sinceLeaf", d.getValue().leafIndex);
      keys.set(d.getKey(), k);
    }
    return o;
  }
}
