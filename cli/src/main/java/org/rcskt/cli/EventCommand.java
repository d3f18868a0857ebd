package org.rcskt.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.VerificationException;
import org.rcskt.verifier.client.LoggedEvent;
import org.rcskt.verifier.client.NumberLookup;
import org.rcskt.verifier.client.Receipt;
import org.rcskt.verifier.client.RejectedEventException;
import org.rcskt.verifier.client.SubjectHistory;
import org.rcskt.verifier.event.EventBuilder;
import org.rcskt.verifier.event.EventJson;
import org.rcskt.verifier.event.EventSigner;
import org.rcskt.verifier.event.KeyEvent;
import org.rcskt.verifier.event.PhoneNumbers;
import org.rcskt.verifier.event.RevocationReason;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code rcskt event register|rotate|revoke|anchor}: builds a key event that follows the subject's
 * logged chain (sequence number and previous hash from a verified look-up), signs it with key
 * files, and prints its JSON form, writes it to a file, or submits it and verifies the receipt.
 */
@Command(
    name = "event",
    mixinStandardHelpOptions = true,
    description = "Builds and signs a key event (register, rotate, revoke, anchor).",
    subcommands = {
      EventCommand.Register.class,
      EventCommand.Rotate.class,
      EventCommand.Revoke.class,
      EventCommand.Anchor.class
    })
final class EventCommand implements Runnable {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** The largest attestation evidence file read (the event's own limit, protocol section 6.2). */
  static final int MAX_EVIDENCE_BYTES = 8192;

  /** What every event subcommand shares: the log, the output, the time. */
  abstract static class Base implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;
    @Mixin LogOptions log;

    @Option(
        names = "--timestamp-ms",
        description =
            "The event's time in ms since the epoch (default: now, or just after the chain's last"
                + " event).")
    Long timestampMs;

    @Option(names = "--out", description = "Write the event's JSON here instead of printing it.")
    Path out;

    @Option(
        names = "--submit",
        description = "Submit the event to the log and verify the receipt, instead of printing it.")
    boolean submit;

    @Option(names = "--json", description = "Print the receipt as JSON (with --submit).")
    boolean json;

    /** Builds and signs the event, given the connected log. */
    abstract KeyEvent build(LogOptions.Connected c) throws IOException, VerificationException;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      LogOptions.Connected c = log.connect(err);
      KeyEvent e;
      try {
        e = build(c);
      } catch (IOException ex) {
        throw new CliFailure(LogOptions.describe(ex), ex);
      } catch (VerificationException ex) {
        throw new CliFailure("the log's answer did not verify: " + ex.getMessage(), ex);
      } catch (IllegalArgumentException ex) {
        throw new CliFailure(ex.getMessage(), ex);
      }
      if (!submit) {
        String text = EventJson.toJsonString(e);
        if (this.out == null) {
          out.println(text);
        } else {
          writeEvent(this.out, text);
          err.println(
              "rcskt: wrote the "
                  + e.type()
                  + " event (sequence "
                  + e.sequence()
                  + ") to "
                  + this.out);
        }
        return 0;
      }
      try {
        Receipt r = c.client().submit(e);
        out.println(json ? Output.json(Output.receipt(r)) : Output.receiptLine(r));
        return 0;
      } catch (RejectedEventException ex) {
        if (json) {
          out.println(Output.json(Output.rejection(ex.rejection())));
        }
        throw new CliFailure(Output.rejectionLine(ex.rejection()), ex);
      } catch (IOException ex) {
        throw new CliFailure("submitting failed: " + LogOptions.describe(ex), ex);
      } catch (VerificationException ex) {
        throw new CliFailure("the receipt did not verify: " + ex.getMessage(), ex);
      }
    }

    /** The time for an event after {@code last} (or the first one): now, never before it. */
    long timestamp(KeyEvent last) {
      if (timestampMs != null) {
        return timestampMs;
      }
      long now = System.currentTimeMillis();
      return last == null ? now : Math.max(now, last.body().timestampMs());
    }

    static void writeEvent(Path file, String text) {
      try {
        Files.writeString(file, text + "\n", StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new CliFailure("cannot write " + file + ": " + LogOptions.describe(e), e);
      }
    }
  }

  /** The options of events about a phone number. */
  abstract static class PhoneBase extends Base {
    @Option(
        names = "--number",
        required = true,
        description = "The phone number, in E.164 (+ and 8 to 15 digits).")
    String number;

    @Option(
        names = "--device-id",
        required = true,
        description = "The device's id, unique within the number (1 to 64 characters).")
    String deviceId;

    @Option(
        names = "--carrier",
        description =
            "The carrier id the event names (default: the carrier of the number's logged events).")
    String carrier;

    @Option(
        names = "--carrier-key",
        description = "A carrier anchor key file: the carrier attests the event.")
    Path carrierKey;

    /** The number's verified look-up: its index and its logged chain. */
    NumberLookup lookup(LogOptions.Connected c) throws IOException, VerificationException {
      CliFailure.requireE164("--number " + number, number);
      return c.client().lookup(number);
    }

    /** A builder that follows the number's chain, naming its carrier. */
    EventBuilder follow(NumberLookup lk) {
      KeyEvent last = last(lk.history());
      String id = carrier;
      if (id == null) {
        if (last == null) {
          throw new CliFailure(
              "--carrier is needed: " + number + " has no logged events to take it from");
        }
        id = last.body().carrierId();
      }
      EventBuilder b = EventBuilder.forSubject(lk.index(), id).timestampMs(timestamp(last));
      return last == null ? b : b.after(last);
    }

    void addCarrier(List<EventSigner> signers) {
      if (carrierKey != null) {
        signers.add(signer(carrierKey));
      }
    }
  }

  /** {@code rcskt event register}. */
  @Command(
      name = "register",
      mixinStandardHelpOptions = true,
      description = "A REGISTER: a new device of a number, with its identity key.")
  static final class Register extends PhoneBase {
    @Option(
        names = "--key",
        required = true,
        description = "The device's identity key file (from rcskt keygen); it signs the event.")
    Path key;

    @Option(
        names = "--attestation-evidence",
        description =
            "A file with the device attestation evidence (docs/protocol.md section 17.1), at most"
                + " 8192 bytes.")
    Path evidence;

    @Override
    KeyEvent build(LogOptions.Connected c) throws IOException, VerificationException {
      EventSigner device = signer(key);
      EventBuilder b = follow(lookup(c)).register(deviceId, device.publicKey());
      if (evidence != null) {
        b.attestationEvidence(readEvidence(evidence));
      }
      List<EventSigner> signers = new ArrayList<>(List.of(device));
      addCarrier(signers);
      return b.sign(signers.toArray(EventSigner[]::new));
    }
  }

  /** {@code rcskt event rotate}. */
  @Command(
      name = "rotate",
      mixinStandardHelpOptions = true,
      description =
          "A ROTATE: a device's new identity key, signed by the old key, the carrier, or both.")
  static final class Rotate extends PhoneBase {
    @Option(names = "--new-key", required = true, description = "The device's new key file.")
    Path newKey;

    @Option(
        names = "--old-key",
        description =
            "The device's current key file (without it the carrier alone signs: a" + " recovery).")
    Path oldKey;

    @Option(
        names = "--attestation-evidence",
        description = "A file with device attestation evidence for the new key.")
    Path evidence;

    @Override
    KeyEvent build(LogOptions.Connected c) throws IOException, VerificationException {
      if (oldKey == null && carrierKey == null) {
        throw new CliFailure(
            "a rotation needs --old-key, --carrier-key or both (docs/protocol.md section 9.3)");
      }
      EventSigner next = signer(newKey);
      EventBuilder b = follow(lookup(c)).rotate(deviceId, next.publicKey());
      if (evidence != null) {
        b.attestationEvidence(readEvidence(evidence));
      }
      List<EventSigner> signers = new ArrayList<>(List.of(next));
      if (oldKey != null) {
        signers.add(signer(oldKey));
      }
      addCarrier(signers);
      return b.sign(signers.toArray(EventSigner[]::new));
    }
  }

  /** {@code rcskt event revoke}. */
  @Command(
      name = "revoke",
      mixinStandardHelpOptions = true,
      description =
          "A REVOKE: a device's key stops being valid; signed by it, another of the number's"
              + " devices, or the carrier.")
  static final class Revoke extends PhoneBase {
    @Option(
        names = "--reason",
        defaultValue = "SUPERSEDED",
        description =
            "COMPROMISED, SUPERSEDED, DEVICE_LOST or CARRIER_REQUEST (default ${DEFAULT-VALUE}).")
    RevocationReason reason;

    @Option(
        names = "--key",
        description = "A device key file of the number that signs (repeatable).")
    List<Path> keys = new ArrayList<>();

    @Override
    KeyEvent build(LogOptions.Connected c) throws IOException, VerificationException {
      if (keys.isEmpty() && carrierKey == null) {
        throw new CliFailure("a revocation needs at least one --key or --carrier-key");
      }
      EventBuilder b = follow(lookup(c)).revoke(deviceId, reason);
      List<EventSigner> signers = new ArrayList<>();
      for (Path k : keys) {
        signers.add(signer(k));
      }
      addCarrier(signers);
      return b.sign(signers.toArray(EventSigner[]::new));
    }
  }

  /** {@code rcskt event anchor}. */
  @Command(
      name = "anchor",
      mixinStandardHelpOptions = true,
      description =
          "An ANCHOR: adds or retires a carrier's attestation key; signed by the log's policy key.")
  static final class Anchor extends Base {
    @Option(names = "--carrier", required = true, description = "The carrier id.")
    String carrier;

    @Option(
        names = "--add",
        description = "A key file whose public key becomes one of the carrier's anchor keys.")
    Path add;

    @Option(names = "--retire", description = "A key file whose public key the carrier retires.")
    Path retire;

    @Option(
        names = "--policy-key",
        required = true,
        description = "The log's policy key file (a signer key; in --dev mode kt-data/policy.key).")
    Path policyKey;

    @Override
    KeyEvent build(LogOptions.Connected c) throws IOException, VerificationException {
      if ((add == null) == (retire == null)) {
        throw new CliFailure("give exactly one of --add and --retire");
      }
      Hash subject;
      try {
        subject = PhoneNumbers.carrierSubject(carrier);
      } catch (IllegalArgumentException e) {
        throw new CliFailure("--carrier " + carrier + ": " + e.getMessage(), e);
      }
      SubjectHistory h = c.client().subject(subject);
      KeyEvent last = last(h);
      EventBuilder b = EventBuilder.forCarrier(carrier).timestampMs(timestamp(last));
      if (last != null) {
        b.after(last);
      }
      if (add != null) {
        b.anchorAdd(signer(add).publicKey());
      } else {
        b.anchorRetire(signer(retire).publicKey());
      }
      return b.sign(signer(policyKey));
    }
  }

  static KeyEvent last(SubjectHistory h) {
    List<LoggedEvent> events = h.events();
    return events.isEmpty() ? null : events.get(events.size() - 1).event();
  }

  static EventSigner signer(Path file) {
    try {
      return EventSigner.fromSignerKeyFile(file);
    } catch (IOException e) {
      throw new CliFailure(LogOptions.describe(e), e);
    }
  }

  static byte[] readEvidence(Path file) {
    try {
      if (Files.size(file) > MAX_EVIDENCE_BYTES) {
        throw new CliFailure(
            file + " is larger than the " + MAX_EVIDENCE_BYTES + " bytes evidence can have");
      }
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new CliFailure("cannot read " + file + ": " + LogOptions.describe(e), e);
    }
  }
}
