package org.rcskt.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.rcskt.verifier.VerificationException;
import org.rcskt.verifier.client.BatchReceipt;
import org.rcskt.verifier.client.LogClient;
import org.rcskt.verifier.client.Receipt;
import org.rcskt.verifier.client.RejectedEventException;
import org.rcskt.verifier.event.EventFormatException;
import org.rcskt.verifier.event.EventJson;
import org.rcskt.verifier.event.KeyEvent;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code rcskt submit}: sends events from files and verifies every receipt. One event goes to
 * {@code POST /v1/events}; more go to {@code POST /v1/events/batch}, up to 1,000 per request, in
 * file order (so a file can hold a REGISTER and the ROTATE after it).
 */
@Command(
    name = "submit",
    mixinStandardHelpOptions = true,
    description =
        "Submits events (a file holds one event, a JSON array of events or {\"events\": [...]})"
            + " and verifies every receipt.")
final class SubmitCommand implements Callable<Integer> {
  /** The largest events file read. */
  static final long MAX_FILE_BYTES = 64L << 20;

  /** The most events one run submits. */
  static final int MAX_EVENTS = 100_000;

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  @Spec picocli.CommandLine.Model.CommandSpec spec;
  @Mixin LogOptions log;

  @Parameters(arity = "1..*", paramLabel = "FILE", description = "Event files ('-' for stdin).")
  List<Path> files;

  @Option(names = "--json", description = "Print the outcomes as a JSON array.")
  boolean json;

  /** An event and where it came from, for the messages. */
  private record Sourced(String where, KeyEvent event) {}

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    List<Sourced> events = new ArrayList<>();
    for (Path f : files) {
      read(f, events);
    }
    LogClient client = log.connect(spec.commandLine().getErr()).client();
    ArrayNode results = Output.array();
    int refused = 0;
    try {
      if (events.size() == 1) {
        Sourced s = events.get(0);
        try {
          Receipt r = client.submit(s.event());
          results.add(Output.receipt(r).put("source", s.where()));
          if (!json) {
            out.println(s.where() + ": " + Output.receiptLine(r));
          }
        } catch (RejectedEventException e) {
          refused++;
          results.add(Output.rejection(e.rejection()).put("source", s.where()));
          if (!json) {
            out.println(s.where() + ": " + Output.rejectionLine(e.rejection()));
          }
        }
      } else {
        for (int from = 0; from < events.size(); from += LogClient.MAX_BATCH_EVENTS) {
          List<Sourced> chunk =
              events.subList(from, Math.min(events.size(), from + LogClient.MAX_BATCH_EVENTS));
          BatchReceipt b = client.submitBatch(chunk.stream().map(Sourced::event).toList());
          for (int i = 0; i < chunk.size(); i++) {
            BatchReceipt.Outcome o = b.outcomes().get(i);
            String where = chunk.get(i).where();
            if (o.receipt() != null) {
              results.add(Output.receipt(o.receipt()).put("source", where));
              if (!json) {
                out.println(where + ": " + Output.receiptLine(o.receipt()));
              }
            } else {
              refused++;
              results.add(Output.rejection(o.rejection()).put("source", where));
              if (!json) {
                out.println(where + ": " + Output.rejectionLine(o.rejection()));
              }
            }
          }
        }
      }
    } catch (RejectedEventException e) {
      throw new CliFailure("the log refused the request: " + e.rejection().summary(), e);
    } catch (IOException e) {
      throw new CliFailure("submitting failed: " + LogOptions.describe(e), e);
    } catch (VerificationException e) {
      throw new CliFailure("a receipt did not verify: " + e.getMessage(), e);
    }
    if (json) {
      out.println(Output.json(results));
    } else {
      out.println(
          (events.size() - refused)
              + " of "
              + events.size()
              + " events logged, "
              + refused
              + " refused");
    }
    return refused == 0 ? 0 : 1;
  }

  private static void read(Path f, List<Sourced> into) {
    String text;
    try {
      if (f.toString().equals("-")) {
        byte[] b = System.in.readNBytes((int) MAX_FILE_BYTES + 1);
        if (b.length > MAX_FILE_BYTES) {
          throw new CliFailure("stdin holds more than " + MAX_FILE_BYTES + " bytes");
        }
        text = new String(b, StandardCharsets.UTF_8);
      } else {
        if (Files.size(f) > MAX_FILE_BYTES) {
          throw new CliFailure(f + " is larger than " + MAX_FILE_BYTES + " bytes");
        }
        text = Files.readString(f, StandardCharsets.UTF_8);
      }
    } catch (IOException e) {
      throw new CliFailure("cannot read " + f + ": " + LogOptions.describe(e), e);
    }
    JsonNode root;
    try {
      root = JSON.readTree(text);
    } catch (IOException e) {
      throw new CliFailure(f + " is not JSON: " + LogOptions.describe(e), e);
    }
    if (root != null && root.isObject() && root.has("events") && root.size() == 1) {
      root = root.get("events");
    }
    if (root != null && root.isArray()) {
      for (int i = 0; i < root.size(); i++) {
        add(into, f + "[" + i + "]", root.get(i).toString());
      }
    } else {
      // One event, parsed from the file's own text so a key given twice is caught as the log would.
      add(into, f.toString(), text);
    }
  }

  private static void add(List<Sourced> into, String where, String json) {
    if (into.size() >= MAX_EVENTS) {
      throw new CliFailure("more than " + MAX_EVENTS + " events in one run");
    }
    try {
      into.add(new Sourced(where, EventJson.parse(json)));
    } catch (EventFormatException e) {
      throw new CliFailure(where + " is not a valid event: " + e.getMessage(), e);
    }
  }
}
