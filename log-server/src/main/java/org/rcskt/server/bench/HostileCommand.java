package org.rcskt.server.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.rcskt.server.LogServer;
import org.rcskt.verifier.VerificationException;
import org.rcskt.verifier.crypto.Ed25519;
import org.rcskt.verifier.event.KeyEvent;
import org.rcskt.verifier.note.CosignatureV1Verifier;
import org.rcskt.verifier.note.NoteVerifiers;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code hostile}: sends a log a large number of requests that clients get wrong or forge, mixed
 * with valid traffic, and reports what came back: above all the 5xx answers, which must be none.
 * The families of requests are listed by {@link HostileFamilies}; the same {@code --seed} sends the
 * same requests. With {@code --witness-url}, the {@code witness} family sends add-checkpoint
 * requests to a witness of the log as well ({@link WitnessFamily}). Exit status 1 when an answer
 * was 5xx (unless {@code --allow-5xx}), a valid request failed, a race did not have exactly one
 * winner, a wrong event was accepted, or the witness answered other than the spec says or no longer
 * cosigns; 2 when the run could not be made.
 */
@Command(
    name = "hostile",
    mixinStandardHelpOptions = true,
    description = {
      "Sends hostile requests (malformed escapes, wrong content types, malformed HTTP, invented"
          + " methods, mutated and rule-breaking events, races, slow connections) mixed with"
          + " valid traffic, and reports the answers by family; the key figure is the number of"
          + " 5xx answers.",
      "With --witness-url, also sends hostile and valid add-checkpoint requests to a witness of"
          + " the log (family witness), each of which must get the spec's status.",
      "Exit status 1 if an answer was 5xx (unless --allow-5xx), a valid request failed, a race"
          + " had other than one winner, a rule-breaking event was accepted, or the witness"
          + " answered with a wrong status or did not cosign afterwards."
    })
public final class HostileCommand implements Callable<Integer> {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  @Spec CommandSpec spec;

  @Option(
      names = "--url",
      defaultValue = "http://127.0.0.1:8080",
      description =
          "Base URL of the log (default: ${DEFAULT-VALUE}); over https the tool accepts any"
              + " certificate (it tests a server, it does not authenticate one), HTTP/1.1 requests"
              + " negotiate http/1.1 and the HTTP/2 ones h2.")
  URI url;

  @Option(
      names = "--requests",
      defaultValue = "1000000",
      description =
          "Requests to send; a race burst counts as its size (default: ${DEFAULT-VALUE}).")
  long requests;

  @Option(
      names = "--connections",
      defaultValue = "8",
      description =
          "Sending threads, each with its own keep-alive connection (default: ${DEFAULT-VALUE}).")
  int connections;

  @Option(names = "--seed", description = "Seed of every random choice (default: random).")
  Long seed;

  @Option(
      names = "--server-pid",
      description = "Process id of the server, to sample its RSS from /proc/<pid>/status.")
  Long serverPid;

  @Option(
      names = "--carrier-key",
      defaultValue = "kt-data/dev-carrier.key",
      description =
          "The carrier's anchor signer key, as serve --dev writes it (default: ${DEFAULT-VALUE}).")
  Path carrierKey;

  @Option(
      names = "--carrier-id",
      defaultValue = LogServer.DEV_CARRIER_ID,
      description = "The carrier the key belongs to (default: ${DEFAULT-VALUE}).")
  String carrierId;

  @Option(
      names = "--token-file",
      description =
          "A file holding a submitter's bearer token, for a log with configured submitters: every"
              + " write carries it unless the request is about credentials itself, whose answers"
              + " must then be 401.")
  Path tokenFile;

  @Option(names = "--json", description = "Also write the report as JSON to this file.")
  Path json;

  @Option(
      names = "--allow-5xx",
      description = "Report 5xx answers without failing the run for them.")
  boolean allow5xx;

  @Option(
      names = "--families",
      description =
          "Only these families, with these weights: name[=weight],... (default: all, with their"
              + " default weights).")
  String families;

  @Option(
      names = "--distinct-methods",
      defaultValue = "30000",
      description = "Distinct invented methods to draw from (default: ${DEFAULT-VALUE}).")
  int distinctMethods;

  @Option(
      names = "--feed-watchers",
      defaultValue = "4",
      description =
          "Push-feed subscribers beside the run, following and verifying feeds or stalling on"
              + " them; 0 for none (default: ${DEFAULT-VALUE}).")
  int feedWatchers;

  @Option(
      names = "--feed-stall-seconds",
      defaultValue = "35",
      description =
          "How long a slow feed consumer reads nothing before it reads on to see whether the"
              + " server dropped it; the default outlasts the server's default stall limit of"
              + " 30 s (default: ${DEFAULT-VALUE}).")
  double feedStallSeconds;

  @Option(
      names = "--slow-connections",
      defaultValue = "4",
      description =
          "Slow connections at a time beside the run; 0 for none (default: ${DEFAULT-VALUE}).")
  int slowConnections;

  @Option(
      names = "--slow-seconds",
      defaultValue = "30",
      description = "The longest a slow connection is kept open (default: ${DEFAULT-VALUE}).")
  double slowSeconds;

  @Option(
      names = "--slow-interval-ms",
      defaultValue = "1000",
      description = "Time between two bytes of a slow connection (default: ${DEFAULT-VALUE}).")
  int slowIntervalMillis;

  @Option(
      names = "--timeout-ms",
      defaultValue = "10000",
      description = "Time to wait for an answer (default: ${DEFAULT-VALUE}).")
  int timeoutMillis;

  @Option(
      names = "--raw-timeout-ms",
      defaultValue = "3000",
      description =
          "Time to wait for an answer to a malformed request on its own connection (default:"
              + " ${DEFAULT-VALUE}).")
  int rawTimeoutMillis;

  @Option(
      names = "--raw-threads",
      defaultValue = "32",
      description =
          "Threads sending malformed requests, so that those the server never answers hold up no"
              + " sending thread (default: ${DEFAULT-VALUE}).")
  int rawThreads;

  @Option(
      names = "--witness-url",
      description =
          "Base URL of a C2SP tlog-witness of the log (a monitor with a witness key): adds the"
              + " family witness, whose requests go to its POST /add-checkpoint, and checks after"
              + " the run that it still cosigns the log.")
  URI witnessUrl;

  @Option(
      names = "--witness-key",
      description =
          "The witness's cosignature/v1 verifier key (name+keyid+base64), to verify its"
              + " cosignatures with; without it only their form is checked.")
  String witnessKey;

  @Option(
      names = "--report-interval",
      defaultValue = "10",
      description = "Seconds between progress lines (default: ${DEFAULT-VALUE}).")
  double reportIntervalSeconds;

  final PrintStream out = System.out;

  /** The token of a token file: its text without surrounding white space, printable ASCII. */
  private String token(Path file) throws IOException {
    if (!Files.isRegularFile(file) || Files.size(file) > 4096) {
      throw usage("--token-file " + file + " is not a file of at most 4096 bytes");
    }
    String t = Files.readString(file, java.nio.charset.StandardCharsets.US_ASCII).strip();
    if (t.isEmpty() || !t.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
      throw usage("--token-file " + file + " does not hold a token (printable ASCII, no spaces)");
    }
    return t;
  }

  private CommandLine.ParameterException usage(String message) {
    return new CommandLine.ParameterException(spec.commandLine(), message);
  }

  @Override
  public Integer call() throws Exception {
    if (requests < 1 || requests > HostileEvents.MAX_REQUESTS) {
      throw usage("--requests must be in 1.." + HostileEvents.MAX_REQUESTS + ", got " + requests);
    }
    if (connections < 1
        || distinctMethods < 1
        || slowConnections < 0
        || slowSeconds <= 0
        || slowIntervalMillis < 1
        || timeoutMillis < 1
        || rawTimeoutMillis < 1
        || rawThreads < 1
        || reportIntervalSeconds <= 0
        || !(feedStallSeconds > 0 && feedStallSeconds <= 3600)) {
      throw usage(
          "--connections, --distinct-methods, --slow-seconds, --slow-interval-ms, --timeout-ms,"
              + " --raw-timeout-ms, --raw-threads and --report-interval must be > 0;"
              + " --slow-connections >= 0; --feed-stall-seconds in (0, 3600]");
    }
    if (!("http".equals(url.getScheme()) || "https".equals(url.getScheme()))
        || url.getHost() == null) {
      throw usage("--url must be an http:// or https:// URL with a host, got " + url);
    }
    if (witnessUrl != null
        && (!("http".equals(witnessUrl.getScheme()) || "https".equals(witnessUrl.getScheme()))
            || witnessUrl.getHost() == null
            || witnessUrl.getQuery() != null)) {
      throw usage(
          "--witness-url must be an http:// or https:// URL with a host, got " + witnessUrl);
    }
    if (witnessKey != null && witnessUrl == null) {
      throw usage("--witness-key needs --witness-url");
    }
    CosignatureV1Verifier witnessVerifier = null;
    if (witnessKey != null) {
      try {
        if (NoteVerifiers.parse(witnessKey) instanceof CosignatureV1Verifier v) {
          witnessVerifier = v;
        }
      } catch (VerificationException e) {
        throw usage("--witness-key: " + e.getMessage());
      }
      if (witnessVerifier == null) {
        throw usage("--witness-key is not a cosignature/v1 verifier key: " + witnessKey);
      }
    }
    try {
      HostileFamilies.checkNames(families, witnessUrl != null);
    } catch (IllegalArgumentException e) {
      throw usage(e.getMessage());
    }
    Ed25519.KeyPair carrier = BenchEvents.readSignerKey(carrierKey);
    String authorization = tokenFile == null ? null : "Authorization: Bearer " + token(tokenFile);
    long s = seed != null ? seed : new SecureRandom().nextLong();
    Transport transport = Transport.of(url);
    int port = url.getPort() < 0 ? (transport.tls() ? 443 : 80) : url.getPort();
    InetSocketAddress address = new InetSocketAddress(url.getHost(), port);
    String basePath = url.getPath() == null ? "" : url.getPath().replaceAll("/+$", "");

    LogInfo info = LogInfo.fetch(url);
    // The subjects depend on the tree size too, so that a second run with the same seed against
    // the same log does not find its subjects registered.
    int namespace =
        1 + (int) Math.floorMod(HostileRun.seedOf(s, info.treeSize()), BenchEvents.NAMESPACES - 1L);
    HostileEvents events = new HostileEvents(carrierId, carrier, namespace, s);
    String host = url.getHost() + ":" + port;
    List<HostileContext.SetupSubject> setup =
        register(transport, address, host, basePath, events, authorization);
    // Reads ask about trees the log has signed: at first the one that took the last setup event.
    long signed = info.treeSize();
    for (HostileContext.SetupSubject u : setup) {
      signed = Math.max(signed, u.treeSize());
    }
    HostileContext ctx =
        new HostileContext(host, basePath, s, events, setup, Math.max(1, signed), authorization);

    List<HostileFamily> all = new ArrayList<>(HostileFamilies.all(ctx, distinctMethods));
    WitnessFamily witness = null;
    if (witnessUrl != null && HostileFamilies.selects(families, HostileFamilies.WITNESS)) {
      WitnessClient client =
          WitnessClient.open(
              url, info, witnessUrl, witnessVerifier, events, timeoutMillis, authorization);
      witness = new WitnessFamily(client, s);
      all.add(witness);
    }
    Map<HostileFamily, Double> weights;
    try {
      weights = HostileFamilies.weights(all, families);
    } catch (IllegalArgumentException e) {
      throw usage(e.getMessage());
    }
    List<String> names = new ArrayList<>();
    weights.keySet().forEach(f -> names.add(f.name()));
    if (slowConnections > 0) {
      names.add(SlowConnections.FAMILY);
    }
    HostileStats stats = new HostileStats(names);
    ServerWatch watch = new ServerWatch(serverPid, url);

    out.printf(
        "hostile run against %s (log %s, tree size %,d): %,d requests on %d connections, seed %d,"
            + " namespace %d; load average %s%n",
        url,
        info.origin(),
        info.treeSize(),
        requests,
        connections,
        s,
        namespace,
        Reports.loadAverage());
    if (witness != null) {
      out.printf(
          "witness %s: cosigned size %,d before the run, brought up to the log's %,d%n",
          witnessUrl, witness.witness().sizeBefore(), witness.witness().latest());
    }
    SlowConnections slow =
        slowConnections == 0
            ? null
            : new SlowConnections(
                transport,
                address,
                ctx,
                stats,
                slowConnections,
                (long) (slowSeconds * 1000),
                slowIntervalMillis);
    HostileReport.printFamilies(out, weights, slow);

    watch.sampleRss("start", 0);
    ServerWatch.Scrape before = scrapeOrNull(watch);
    double[] w = weights.values().stream().mapToDouble(Double::doubleValue).toArray();
    HostileRun run =
        new HostileRun(
            new HostileRun.Settings(
                address,
                connections,
                rawThreads,
                requests,
                s,
                timeoutMillis,
                rawTimeoutMillis,
                reportIntervalSeconds,
                transport),
            new ArrayList<>(weights.keySet()),
            w,
            ctx,
            stats,
            watch,
            out);
    long toolCpu0 = LoadRun.processCpuNanos();
    long serverCpu0 = serverCpuNanos();
    FeedWatchers feeds =
        feedWatchers == 0 || !hasFeed(info)
            ? null
            : new FeedWatchers(
                url,
                address,
                info.origin(),
                feedKey(info),
                feedWatchers,
                s,
                Math.round(feedStallSeconds * 1000));
    if (feeds != null) {
      out.println(
          "feed         beside  "
              + feedWatchers
              + " at a time: follow GET /v1/feed from random points with random filters for 1-3 s,"
              + " verifying every checkpoint and proof; or open one, read nothing for "
              + feedStallSeconds
              + " s and see whether the server drops it");
      feeds.start();
    }
    if (slow != null) {
      slow.start();
    }
    if (witness != null) {
      witness.witness().start();
    }
    HostileRun.Result result = run.run();
    long toolCpu = LoadRun.processCpuNanos() - toolCpu0;
    long serverCpu = serverCpu0 < 0 ? -1 : serverCpuNanos() - serverCpu0;
    if (slow != null) {
      out.println("waiting for the slow connections to end");
      slow.finish();
    }
    if (feeds != null) {
      feeds.finish();
    }
    WitnessClient.Check witnessCheck = null;
    if (witness != null) {
      witness.witness().stop();
      witnessCheck = witness.witness().finalCheck();
    }
    watch.sampleRss("end", stats.total());
    ServerWatch.Scrape after = scrapeOrNull(watch);
    long treeAfter;
    try {
      treeAfter = LogInfo.fetch(url).treeSize();
    } catch (RuntimeException e) {
      treeAfter = -1;
    }
    HostileReport report =
        new HostileReport(
            new HostileReport.Run(
                url.toString(),
                info.origin(),
                s,
                namespace,
                connections,
                requests,
                info.treeSize(),
                treeAfter,
                result.seconds(),
                result.abortedBecause(),
                allow5xx,
                toolCpu,
                serverCpu),
            weights,
            stats,
            slow,
            watch,
            before,
            after,
            witness,
            witnessCheck);
    report.print(out);
    boolean feedFailed = false;
    if (feeds != null) {
      out.println(feeds.summary());
      for (String f : feeds.firstFailures()) {
        out.println("FAILED: feed: " + f);
      }
      feedFailed = feeds.failures.get() > 0 || feeds.followed.get() == 0;
      if (feeds.followed.get() == 0) {
        out.println("FAILED: feed: no feed was followed");
      }
    }
    if (json != null) {
      Path parent = json.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      com.fasterxml.jackson.databind.node.ObjectNode j = report.toJson();
      if (feeds != null) {
        j.set("feed", feeds.toJson());
      }
      MAPPER.writerWithDefaultPrettyPrinter().writeValue(json.toFile(), j);
      out.println("report written to " + json);
    }
    return report.failures().isEmpty() && !feedFailed ? 0 : 1;
  }

  private org.rcskt.verifier.note.NoteVerifier feedKey(LogInfo info) {
    try {
      return info.logKey();
    } catch (org.rcskt.verifier.VerificationException e) {
      throw new IllegalStateException(
          "the log's verifier key does not parse: " + e.getMessage(), e);
    }
  }

  /**
   * Whether the log serves a push feed to watch: its key parses and a feed request with a bad
   * filter is refused with 400 (a server without the route answers 404). Says so when not.
   */
  private boolean hasFeed(LogInfo info) {
    try {
      info.logKey();
      java.net.http.HttpResponse<Void> r =
          Transport.of(url)
              .httpClient()
              .build()
              .send(
                  java.net.http.HttpRequest.newBuilder(
                          URI.create(url.toString().replaceAll("/+$", "") + "/v1/feed?type=NOPE"))
                      .timeout(java.time.Duration.ofSeconds(5))
                      .build(),
                  java.net.http.HttpResponse.BodyHandlers.discarding());
      if (r.statusCode() == 400) {
        return true;
      }
      out.println("feed watchers: none, the log answers a bad feed request " + r.statusCode());
    } catch (org.rcskt.verifier.VerificationException | IOException e) {
      out.println("feed watchers: none (" + e.getMessage() + ")");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return false;
  }

  /** The server's CPU time so far, or -1 without {@code --server-pid} or where it is unknown. */
  private long serverCpuNanos() {
    return serverPid == null
        ? -1
        : Reports.cpuOf(serverPid).map(java.time.Duration::toNanos).orElse(-1L);
  }

  private ServerWatch.Scrape scrapeOrNull(ServerWatch watch) throws InterruptedException {
    try {
      return watch.scrape();
    } catch (IOException e) {
      out.println("cannot read /metrics: " + e);
      return null;
    }
  }

  /**
   * Registers the setup subjects, each with a valid REGISTER.
   *
   * @throws IllegalStateException if the log refuses one: the wrong carrier key, most likely
   */
  private List<HostileContext.SetupSubject> register(
      Transport transport,
      InetSocketAddress address,
      String host,
      String basePath,
      HostileEvents events,
      String authorization)
      throws IOException {
    List<HostileContext.SetupSubject> setup = new ArrayList<>();
    for (int k = 0; k < HostileEvents.SETUP_SUBJECTS; k++) {
      Ed25519.KeyPair device = events.setupKey(k);
      KeyEvent e = events.register(events.setupSubject(k), device);
      Answer a;
      try (RawConnection c =
          RawConnection.open(transport, address, timeoutMillis, Transport.HTTP_1_1)) {
        a =
            c.exchange(
                HostileContext.http1(
                    host,
                    "POST",
                    basePath + "/v1/events",
                    HostileEvents.jsonBytes(e),
                    authorization == null
                        ? new String[] {"Content-Type: application/json"}
                        : new String[] {"Content-Type: application/json", authorization}),
                false);
      }
      if (a.status() != 200) {
        throw new IllegalStateException(
            "the log did not accept a valid REGISTER before the run: "
                + a.label()
                + " "
                + HostileReport.clip(a.body(), 200)
                + (a.status() == 422
                    ? "; is " + carrierKey + " the key of carrier " + carrierId + " on this log?"
                    : ""));
      }
      setup.add(
          new HostileContext.SetupSubject(
              events.setupSubject(k), e, device, HostileRun.treeSizeIn(a.body())));
    }
    return setup;
  }
}
