package org.rcskt.server.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import org.rcskt.server.cluster.ClusterNode;
import org.rcskt.server.cluster.ClusterRuntime;
import org.rcskt.server.log.BadRequestException;
import org.rcskt.server.log.KeyEventLog;
import org.rcskt.server.log.LogReader;
import org.rcskt.server.log.PhoneIndexer;
import org.rcskt.server.log.Sequenced;
import org.rcskt.server.log.TreeHead;
import org.rcskt.server.metrics.ServerMetrics;
import org.rcskt.server.publish.PublishStatus;
import org.rcskt.server.publish.TileObjects;
import org.rcskt.server.publish.TilePublisher;
import org.rcskt.server.witness.WitnessCollector;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.event.AnchorRegistry;
import org.rcskt.verifier.event.EventJson;
import org.rcskt.verifier.event.RulesContext;
import org.rcskt.verifier.event.SubjectState;
import org.rcskt.verifier.tile.TilePath;
import org.rcskt.verifier.vrf.VrfKeys;

/**
 * The HTTP API. Every route is declared in {@link #routes}; handlers parse parameters, call the log
 * (blocking reads on a worker pool, never on the event loop) and write the answer; every failure
 * goes to {@link ApiError}. {@link HttpEdge}, in front of the router, refuses what the HTTP
 * libraries would fail on and bounds connection time.
 */
public final class LogVerticle extends VerticleBase {
  private static final System.Logger LOG = System.getLogger(LogVerticle.class.getName());
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  /** The most entries one {@code GET /v1/entries} returns. */
  public static final int MAX_ENTRIES_PAGE = 1000;

  /** The most events one {@code GET /v1/subjects/...} returns. */
  public static final int MAX_SUBJECT_EVENTS = 100;

  private static final String IMMUTABLE = TileObjects.IMMUTABLE;
  private static final String SHORT_LIVED = TileObjects.SHORT_LIVED;

  private final KeyEventLog log;
  private final PhoneIndexer indexer;
  private final ServerInfo info;
  private final ServerMetrics metrics;
  private final HttpSettings settings;
  private final WitnessCollector witnesses;
  private final RateLimitGate lookupLimit;
  private final WriteGate writeGate;
  private final FeedSubscribers feedLimit;
  private final TilePublisher publisher;
  private final ClusterRuntime cluster;
  private Feed feed;
  private final Set<String> routeNames = new HashSet<>();
  private WorkerExecutor reads;
  private HttpEdge edge;
  private HttpServer server;

  /**
   * @param indexer computes phone subject indexes with the log's VRF key, for lookups by number
   * @param lookupLimit the per-client limit on lookups by phone number, shared by every verticle of
   *     the server (docs/design/0008-lookup-rate-limit.md); the lookup route's first handler is
   *     {@code lookupLimit.forRoute(name)}
   * @param writeGate who may submit and how fast, shared by every verticle; the first handler of
   *     the submission routes (docs/design/0016-submitters-and-write-limits.md)
   * @param witnesses the collector of witness cosignatures, or null when the log has no witnesses:
   *     {@code GET /checkpoint} then serves the log-signed checkpoint
   * @param publisher the tile publisher, or null when the log publishes to no bucket; its state is
   *     part of {@code /readyz}
   * @param cluster this process's part in a log of several, or null for a log of one; its role is
   *     part of {@code /readyz}
   */
  public LogVerticle(
      KeyEventLog log,
      PhoneIndexer indexer,
      ServerInfo info,
      ServerMetrics metrics,
      HttpSettings settings,
      RateLimitGate lookupLimit,
      WriteGate writeGate,
      FeedSubscribers feedLimit,
      WitnessCollector witnesses,
      TilePublisher publisher,
      ClusterRuntime cluster) {
    this.publisher = publisher;
    this.cluster = cluster;
    this.writeGate = writeGate;
    this.feedLimit = feedLimit;
    this.log = log;
    this.indexer = indexer;
    this.info = info;
    this.metrics = metrics;
    this.settings = settings;
    this.lookupLimit = lookupLimit;
    this.witnesses = witnesses;
  }

  @Override
  public Future<?> start() {
    reads = vertx.createSharedWorkerExecutor("rcskt-reads", settings.readThreads());
    feed = new Feed(vertx, log, reads, feedLimit);
    edge = new HttpEdge(vertx, settings, metrics, routes());
    return edge.install(vertx.createHttpServer(edge.options())).listen().onSuccess(s -> server = s);
  }

  @Override
  public Future<?> stop() {
    if (feed != null) {
      feed.close();
    }
    if (edge != null) {
      edge.close();
    }
    return reads == null ? Future.succeededFuture() : reads.close();
  }

  /**
   * Re-reads the TLS certificate and key files and uses them for new connections; connections
   * already open keep theirs. Fails, keeping the old ones, when the new files do not load.
   */
  public Future<Boolean> reloadTls() {
    if (settings.tls() == null) {
      return Future.succeededFuture(false);
    }
    return server.updateSSLOptions(HttpEdge.sslOptions(settings.tls()), true);
  }

  /** The port the server listens on (the chosen one when configured with 0). */
  public int actualPort() {
    return server.actualPort();
  }

  private Router routes() {
    Router r = Router.router(vertx);
    r.route().handler(this::timed);

    r.post("/v1/events")
        .setName("/v1/events")
        .handler(writeGate.forRoute("/v1/events"))
        .handler(new JsonBody(ApiError.MAX_BODY_BYTES))
        .handler(this::submit);
    r.post("/v1/events/batch")
        .setName("/v1/events/batch")
        .handler(writeGate.forRoute("/v1/events/batch"))
        .handler(new JsonBody(BatchBody.MAX_BYTES))
        .handler(this::submitBatch);
    r.get("/checkpoint").setName("/checkpoint").handler(this::checkpoint);
    r.getWithRegex("/tile/.+").setName("/tile").handler(this::tile);
    r.get("/v1/info").setName("/v1/info").handler(this::info);
    r.get("/v1/checkpoints").setName("/v1/checkpoints").handler(this::checkpoints);
    r.get("/v1/proof/inclusion").setName("/v1/proof/inclusion").handler(this::inclusion);
    r.get("/v1/proof/consistency").setName("/v1/proof/consistency").handler(this::consistency);
    r.get("/v1/entries").setName("/v1/entries").handler(this::entries);
    r.get("/v1/subjects/:subject").setName("/v1/subjects").handler(this::subject);
    r.get("/v1/keys/:number")
        .setName("/v1/keys")
        .handler(writeGate.lookups(lookupLimit, "/v1/keys"))
        .handler(this::lookup);
    r.get("/v1/feed").setName("/v1/feed").handler(this::feed);
    r.get("/openapi.json").setName("/openapi.json").handler(this::openApi);
    r.get("/metrics").setName("/metrics").handler(this::metrics);
    r.get("/healthz").setName("/healthz").handler(this::healthz);
    r.get("/readyz").setName("/readyz").handler(this::readyz);

    for (Route route : r.getRoutes()) {
      if (route.getName() != null) {
        routeNames.add(route.getName());
      }
    }

    r.route().failureHandler(this::failure);
    // Failures the router meets outside any route (no route matched, or it failed before routing).
    for (int status : new int[] {400, 404, 405, 413, 500}) {
      r.errorHandler(status, this::failure);
    }
    return r;
  }

  // --- handlers ---

  private void submit(RoutingContext ctx) {
    Buffer body = JsonBody.of(ctx);
    if (body.length() == 0) {
      ctx.fail(new org.rcskt.verifier.event.EventFormatException("", "request body is empty"));
      return;
    }
    Future.fromCompletionStage(log.submitJson(body.getBytes(), writeGate.scope(ctx)), context)
        .compose(
            seq -> {
              // The nodes of a fresh leaf are almost always still in memory: no worker hop then.
              LogReader.Inclusion hot =
                  log.reader().inclusionIfCached(seq.leafIndex(), seq.head().treeSize());
              return hot != null
                  ? Future.succeededFuture(receipt(seq, hot))
                  : blocking(
                      () ->
                          receipt(
                              seq, log.reader().inclusion(seq.leafIndex(), seq.head().treeSize())));
            })
        .onSuccess(json -> writeJson(ctx, 200, json))
        .onFailure(ctx::fail);
  }

  /**
   * {@code POST /v1/events/batch}: every event submitted as by {@code POST /v1/events} (events of
   * one subject one after another, in batch order; the others concurrently), then one answer with
   * an outcome per event, in order, every receipt against the one checkpoint it states.
   */
  private void submitBatch(RoutingContext ctx) {
    byte[] body = JsonBody.of(ctx).getBytes();
    org.rcskt.server.log.SubmissionScope scope = writeGate.scope(ctx);
    blocking(() -> BatchBody.split(body))
        .compose(
            elements -> {
              // One token an event: the first was taken before the body was read.
              if (!writeGate.admitMore(ctx, "/v1/events/batch", elements.size() - 1)) {
                return Future.succeededFuture(null);
              }
              List<CompletableFuture<Sequenced>> results = new ArrayList<>(elements.size());
              Map<String, CompletableFuture<Sequenced>> bySubject = new HashMap<>();
              for (BatchBody.Element e : elements) {
                CompletableFuture<Sequenced> before =
                    e.subject() == null ? null : bySubject.get(e.subject());
                CompletableFuture<Sequenced> f =
                    before == null
                        ? log.submitJson(e.json(), scope)
                        : before
                            .handle((s, t) -> null)
                            .thenCompose(v -> log.submitJson(e.json(), scope));
                if (e.subject() != null) {
                  bySubject.put(e.subject(), f);
                }
                results.add(f);
              }
              CompletableFuture<Void> all =
                  CompletableFuture.allOf(
                      results.stream()
                          .map(f -> f.handle((s, t) -> null))
                          .toArray(CompletableFuture[]::new));
              return Future.fromCompletionStage(all, context)
                  .compose(v -> blocking(() -> batchAnswer(results)));
            })
        .onSuccess(
            json -> {
              if (json != null) { // null: refused by the write limit, already answered
                writeJson(ctx, 200, json);
              }
            })
        .onFailure(ctx::fail);
  }

  /** The batch answer, every accepted event's inclusion proof against the log's current head. */
  private ObjectNode batchAnswer(List<CompletableFuture<Sequenced>> results) {
    TreeHead head = log.head();
    ObjectNode o = JSON.objectNode();
    o.put("treeSize", head.treeSize());
    o.put("checkpoint", head.checkpointText());
    ArrayNode out = o.putArray("results");
    int accepted = 0;
    for (CompletableFuture<Sequenced> f : results) {
      Sequenced seq;
      try {
        seq = f.join();
      } catch (java.util.concurrent.CompletionException
          | java.util.concurrent.CancellationException e) {
        ApiError err = ApiError.of(e);
        if (err.internal()) {
          LOG.log(System.Logger.Level.ERROR, "an event of a batch failed", e);
        }
        ObjectNode x = out.addObject();
        x.put("status", err.status());
        x.setAll(err.body());
        continue;
      }
      accepted++;
      LogReader.Inclusion inc = log.reader().inclusion(seq.leafIndex(), head.treeSize());
      ObjectNode x = out.addObject();
      x.put("status", 200);
      x.put("leafIndex", seq.leafIndex());
      x.put("leafHash", seq.leafHash().toBase64());
      x.put("duplicate", seq.duplicate());
      x.put("unattestedRegistration", seq.unattestedRegistration());
      x.put("recovery", seq.recovery());
      x.set("inclusionProof", hashes(inc.proof()));
    }
    o.put("accepted", accepted);
    return o;
  }

  private static ObjectNode receipt(Sequenced seq, LogReader.Inclusion inc) {
    TreeHead head = seq.head();
    ObjectNode o = JSON.objectNode();
    o.put("leafIndex", seq.leafIndex());
    o.put("leafHash", seq.leafHash().toBase64());
    o.put("treeSize", head.treeSize());
    o.put("duplicate", seq.duplicate());
    o.put("unattestedRegistration", seq.unattestedRegistration());
    o.put("recovery", seq.recovery());
    o.put("checkpoint", head.checkpointText());
    o.set("inclusionProof", hashes(inc.proof()));
    return o;
  }

  /**
   * The newest witnessed checkpoint, cosignatures appended; the log-signed one while the log has no
   * witnesses or none has been witnessed yet.
   */
  private void checkpoint(RoutingContext ctx) {
    byte[] w = witnesses == null ? null : witnesses.witnessed();
    ctx.response()
        .putHeader("Content-Type", TileObjects.CHECKPOINT_TYPE)
        .putHeader("Cache-Control", TileObjects.CHECKPOINT_CACHE)
        .end(Buffer.buffer(w != null ? w : log.head().signedCheckpoint()));
  }

  /** Both checkpoints as JSON: the newest log-signed one and the newest witnessed one. */
  private void checkpoints(RoutingContext ctx) {
    TreeHead head = log.head();
    ObjectNode o = JSON.objectNode();
    o.put("logSigned", head.checkpointText());
    byte[] w = witnesses == null ? null : witnesses.witnessed();
    if (w == null) {
      o.putNull("witnessed");
    } else {
      o.put("witnessed", new String(w, java.nio.charset.StandardCharsets.UTF_8));
    }
    writeJson(ctx, 200, o);
  }

  private void tile(RoutingContext ctx) {
    TilePath t = tilePath(ctx);
    if (!t.entryBundle()) {
      // Cached tiles and tiles of the in-memory levels need no storage read: answer them here.
      byte[] hot = log.reader().tileFromMemory(t.level(), t.index(), t.width());
      metrics.read("tile", hot != null);
      if (hot != null) {
        writeBinary(ctx, hot, !t.isPartial());
        return;
      }
    }
    blocking(
            () ->
                t.entryBundle()
                    ? log.reader().entryBundle(t.index(), t.width())
                    : log.reader().tile(t.level(), t.index(), t.width()))
        .onSuccess(b -> writeBinary(ctx, b, !t.isPartial()))
        .onFailure(ctx::fail);
  }

  private static TilePath tilePath(RoutingContext ctx) {
    try {
      return TilePath.parse(ctx.request().path().substring(1));
    } catch (IllegalArgumentException e) {
      throw new BadRequestException("path", e.getMessage());
    }
  }

  private void info(RoutingContext ctx) {
    TreeHead head = log.head();
    ObjectNode o = JSON.objectNode();
    o.put("origin", info.origin());
    o.put("verifierKey", info.verifierKey());
    if (info.postQuantumVerifierKey() != null) {
      o.put("postQuantumVerifierKey", info.postQuantumVerifierKey());
    }
    o.set("policyKey", EventJson.publicKeyToJson(info.policyKey()));
    ObjectNode vrf = o.putObject("vrf");
    vrf.put("suite", VrfKeys.SUITE);
    vrf.put("publicKey", info.vrfKey().format());
    ArrayNode algs = o.putArray("algorithms");
    info.algorithms().forEach(algs::add);
    RulesContext rules = info.rules();
    o.put("allowUnattested", rules.allowUnattestedRegistration());
    o.put("treeSize", head.treeSize());
    o.put("rootHash", head.rootHash().toBase64());
    // Everything the rules depend on besides the log itself: a replay must use the same values.
    ObjectNode r = o.putObject("rules");
    r.put("maxDevicesPerSubject", rules.maxDevices());
    r.put("maxAnchorKeysPerCarrier", rules.maxAnchorsPerCarrier());
    r.put("maxPastSkewMs", rules.maxPastSkewMs());
    r.put("maxFutureSkewMs", rules.maxFutureSkewMs());
    r.put("maxRetiredKeyIdsPerSubject", SubjectState.MAX_RETIRED_KEY_IDS);
    r.put("maxRetiredAnchorKeysPerCarrier", AnchorRegistry.MAX_RETIRED_PER_CARRIER);
    r.put("maxCarriers", AnchorRegistry.MAX_CARRIERS);
    r.set("postQuantum", org.rcskt.verifier.event.AlgorithmPolicyJson.toJson(rules.algorithms()));
    r.set(
        "deviceAttestation",
        org.rcskt.verifier.attestation.DeviceAttestationPolicyJson.toJson(
            rules.deviceAttestation() == null
                ? org.rcskt.verifier.attestation.DeviceAttestationPolicy.NONE
                : rules.deviceAttestation()));
    ObjectNode wit = o.putObject("witnesses");
    wit.put("quorum", info.witnesses().quorum());
    ArrayNode keys = wit.putArray("keys");
    for (org.rcskt.server.config.WitnessSettings.Witness w : info.witnesses().witnesses()) {
      keys.add(w.key().verifierKey());
    }
    ObjectNode limits = o.putObject("limits");
    limits.put("maxBodyBytes", ApiError.MAX_BODY_BYTES);
    limits.put("maxBatchBodyBytes", BatchBody.MAX_BYTES);
    limits.put("maxBatchEvents", BatchBody.MAX_EVENTS);
    limits.put("maxEventBytes", info.maxEventBytes());
    limits.put("maxEntriesPerPage", MAX_ENTRIES_PAGE);
    limits.put("maxSubjectEventsPerPage", MAX_SUBJECT_EVENTS);
    writeJson(ctx, 200, o);
  }

  private void inclusion(RoutingContext ctx) {
    long size = longParam(ctx, "size");
    String hash = ctx.request().getParam("hash");
    String index = ctx.request().getParam("index");
    if ((hash == null) == (index == null)) {
      throw new BadRequestException("index", "give exactly one of the parameters index and hash");
    }
    Callable<LogReader.Inclusion> work;
    if (hash != null) {
      Hash h = hashParam("hash", hash);
      work = () -> log.reader().inclusionByHash(h, size);
    } else {
      long i = longParam(ctx, "index");
      // A proof whose nodes are all in memory is answered here, without a worker hop.
      LogReader.Inclusion hot = log.reader().inclusionIfCached(i, size);
      metrics.read("inclusion", hot != null);
      if (hot != null) {
        writeInclusion(ctx, hot);
        return;
      }
      work = () -> log.reader().inclusion(i, size);
    }
    blocking(work).onSuccess(inc -> writeInclusion(ctx, inc)).onFailure(ctx::fail);
  }

  /** Written by hand: it is the hottest JSON answer, and holds only numbers and base64. */
  private static void writeInclusion(RoutingContext ctx, LogReader.Inclusion inc) {
    StringBuilder b = new StringBuilder(96 + inc.proof().size() * 48);
    b.append("{\"leafIndex\":")
        .append(inc.leafIndex())
        .append(",\"treeSize\":")
        .append(inc.treeSize())
        .append(",\"leafHash\":\"")
        .append(inc.leafHash().toBase64())
        .append("\",\"inclusionProof\":[");
    for (int i = 0; i < inc.proof().size(); i++) {
      if (i > 0) {
        b.append(',');
      }
      b.append('"').append(inc.proof().get(i).toBase64()).append('"');
    }
    b.append("]}");
    ctx.response()
        .setStatusCode(200)
        .putHeader("Content-Type", Responses.JSON_TYPE)
        .end(Buffer.buffer(b.toString()));
  }

  private void consistency(RoutingContext ctx) {
    long from = longParam(ctx, "from");
    long to = longParam(ctx, "to");
    blocking(() -> log.reader().consistency(from, to))
        .onSuccess(
            proof -> {
              ObjectNode o = JSON.objectNode();
              o.put("from", from);
              o.put("to", to);
              o.set("consistencyProof", hashes(proof));
              writeJson(ctx, 200, o);
            })
        .onFailure(ctx::fail);
  }

  private void entries(RoutingContext ctx) {
    long start = longParam(ctx, "start");
    long end = longParam(ctx, "end");
    blocking(() -> JsonViews.entries(log, start, end, MAX_ENTRIES_PAGE))
        .onSuccess(o -> writeJson(ctx, 200, o))
        .onFailure(ctx::fail);
  }

  private void subject(RoutingContext ctx) {
    String raw = ctx.pathParam("subject");
    Hash subject;
    try {
      subject = Hash.fromHex(raw);
    } catch (IllegalArgumentException e) {
      throw new BadRequestException("subject", "subject \"" + raw + "\" is not 64 hex digits");
    }
    long from = ctx.request().getParam("from") == null ? 0 : longParam(ctx, "from");
    blocking(() -> JsonViews.subject(log, subject, from, MAX_SUBJECT_EVENTS))
        .onSuccess(o -> writeJson(ctx, 200, o))
        .onFailure(ctx::fail);
  }

  /**
   * {@code GET /v1/keys/<E.164>}: the number's VRF index and proof, then what {@code
   * /v1/subjects/<index>} answers.
   */
  private void lookup(RoutingContext ctx) {
    String raw = ctx.pathParam("number");
    // A '+' stays a '+' in a path, but some clients encode it as %2B or send it as a space.
    String number = raw.startsWith(" ") ? "+" + raw.substring(1) : raw;
    if (number.length() > 16) {
      throw new BadRequestException(
          "number", "phone number has " + number.length() + " characters, more than 16");
    }
    long from = ctx.request().getParam("from") == null ? 0 : longParam(ctx, "from");
    indexer.validate(number);
    // The VRF proof costs about eight signature checks: made on a worker, not the event loop.
    blocking(() -> JsonViews.lookup(log, number, indexer.index(number), from, MAX_SUBJECT_EVENTS))
        .onSuccess(o -> writeJson(ctx, 200, o))
        .onFailure(ctx::fail);
  }

  /**
   * {@code GET /v1/feed[?from=N][&type=...][&subject=...]}: Server-Sent Events of new entries and
   * checkpoints, from leaf {@code from} (or the {@code Last-Event-ID} header; default: now).
   */
  private void feed(RoutingContext ctx) {
    Long from = null;
    if (!ctx.queryParam("from").isEmpty()) {
      from = longParam(ctx, "from");
    } else {
      String last = ctx.request().getHeader("Last-Event-ID");
      if (last != null) {
        from = decimal("Last-Event-ID", last.strip());
      }
    }
    Feed.Filter filter = Feed.Filter.parse(single(ctx, "type"), single(ctx, "subject"));
    feed.subscribe(ctx.request(), filter, from);
  }

  /** The one value of an optional query parameter, or null. */
  private static String single(RoutingContext ctx, String name) {
    List<String> vs = ctx.queryParam(name);
    if (vs.size() > 1) {
      throw new BadRequestException(
          name, "parameter " + name + " is given " + vs.size() + " times");
    }
    return vs.isEmpty() ? null : vs.get(0);
  }

  /** The OpenAPI 3.1 description of this API, the resource {@code openapi.json}. */
  private void openApi(RoutingContext ctx) {
    ctx.response()
        .putHeader("Content-Type", "application/json")
        .putHeader("Cache-Control", "public, max-age=300")
        .end(OPENAPI);
  }

  private static final Buffer OPENAPI = openApiResource();

  private static Buffer openApiResource() {
    try (java.io.InputStream in = LogVerticle.class.getResourceAsStream("/openapi.json")) {
      if (in == null) {
        throw new IllegalStateException("the openapi.json resource is missing from the jar");
      }
      return Buffer.buffer(in.readAllBytes());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private void metrics(RoutingContext ctx) {
    blocking(metrics::scrape)
        .onSuccess(
            b ->
                ctx.response()
                    .putHeader("Content-Type", metrics.contentType())
                    .end(Buffer.buffer(b)))
        .onFailure(ctx::fail);
  }

  private void healthz(RoutingContext ctx) {
    ObjectNode o = JSON.objectNode();
    o.put("status", "ok");
    writeJson(ctx, 200, o);
  }

  /**
   * Ready while the log takes events and, when it publishes to a bucket, the publisher has met no
   * conflict and lags no more than {@code publish.readyMaxLagSeconds} (when set): a lagging bucket
   * alone does not stop the log serving (docs/design/0021-object-storage-publishing.md).
   */
  private void readyz(RoutingContext ctx) {
    ObjectNode o = JSON.objectNode();
    boolean ready = log.ready();
    PublishStatus p = publisher == null ? null : publisher.status();
    if (p != null && !p.ready()) {
      ready = false;
    }
    o.put("status", ready ? "ready" : "not_ready");
    o.put("treeSize", log.head().treeSize());
    if (p != null) {
      ObjectNode pub = o.putObject("publish");
      pub.put("state", p.state().label());
      pub.put("ready", p.ready());
      pub.put("treeSize", p.publishedTreeSize());
      pub.put("lagEntries", p.lagEntries());
      pub.put("lagSeconds", Math.round(p.lagSeconds() * 1000) / 1000.0);
    }
    if (cluster != null) {
      // A standby is ready: it serves reads, and answers writes 503 with Retry-After. One that
      // stopped following serves a log that no longer grows: not ready.
      ClusterNode.Role role = cluster.role();
      if (role == ClusterNode.Role.FAILED) {
        ready = false;
        o.put("status", "not_ready");
      }
      ObjectNode c = o.putObject("cluster");
      c.put("nodeId", cluster.nodeId());
      c.put("role", role.name().toLowerCase(java.util.Locale.ROOT));
      if (cluster.failure() != null) {
        c.put("failure", cluster.failure());
      }
    }
    writeJson(ctx, ready ? 200 : 503, o);
  }

  // --- plumbing ---

  private void timed(RoutingContext ctx) {
    long t0 = System.nanoTime();
    ctx.addEndHandler(
        ar ->
            metrics.http(
                routeName(ctx),
                ctx.request().method().name(),
                ctx.response().getStatusCode(),
                System.nanoTime() - t0));
    ctx.next();
  }

  /** The matched route's name, from the closed set declared in {@link #routes}, or "unmatched". */
  private String routeName(RoutingContext ctx) {
    String name = ctx.currentRoute() == null ? null : ctx.currentRoute().getName();
    return name != null && routeNames.contains(name) ? name : "unmatched";
  }

  private <T> Future<T> blocking(Callable<T> work) {
    return reads.executeBlocking(work, false);
  }

  private void failure(RoutingContext ctx) {
    Throwable t = ctx.failure();
    int status = ctx.statusCode();
    ApiError e = t != null ? ApiError.of(t) : ApiError.ofStatus(status, method(ctx), path(ctx));
    if (e.internal() && status >= 400 && status < 500) {
      // Vert.x refused the request itself (a 4xx with its own exception): the client's mistake.
      e = ApiError.ofStatus(status, method(ctx), path(ctx));
    }
    if (e.internal()) {
      // Named by route, not by the raw path: no client text in the server log.
      LOG.log(
          System.Logger.Level.ERROR,
          "request "
              + ServerMetrics.methodLabel(ctx.request().method().name())
              + " "
              + routeName(ctx)
              + " failed",
          t);
    }
    Responses.writeError(ctx.request(), e);
  }

  private static void writeJson(RoutingContext ctx, int status, ObjectNode body) {
    Responses.writeJson(ctx.response(), status, body);
  }

  private static void writeBinary(RoutingContext ctx, byte[] b, boolean immutable) {
    ctx.response()
        .putHeader("Content-Type", "application/octet-stream")
        .putHeader("Cache-Control", immutable ? IMMUTABLE : SHORT_LIVED)
        .end(Buffer.buffer(b));
  }

  static ArrayNode hashes(List<Hash> hs) {
    ArrayNode a = JSON.arrayNode(hs.size());
    for (Hash h : hs) {
      a.add(h.toBase64());
    }
    return a;
  }

  /** A required non-negative decimal query parameter. */
  static long longParam(RoutingContext ctx, String name) {
    List<String> vs = ctx.queryParam(name);
    if (vs.isEmpty()) {
      throw new BadRequestException(name, "missing parameter " + name);
    }
    if (vs.size() > 1) {
      throw new BadRequestException(
          name, "parameter " + name + " is given " + vs.size() + " times");
    }
    return decimal(name, vs.get(0));
  }

  /** {@code v}, the value of {@code name}, as a non-negative decimal integer below 2^63. */
  static long decimal(String name, String v) {
    if (v.isEmpty() || v.length() > 19 || !v.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new BadRequestException(
          name,
          "parameter " + name + " must be a non-negative decimal integer, got \"" + clip(v) + "\"");
    }
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw new BadRequestException(name, "parameter " + name + " is too large: " + v);
    }
  }

  /** A hash given as 64 hex digits or as standard base64 (a '+' decoded as a space is restored). */
  static Hash hashParam(String name, String v) {
    try {
      if (v.length() == 64) {
        return Hash.fromHex(v);
      }
      return Hash.fromBase64(v.replace(' ', '+'));
    } catch (IllegalArgumentException e) {
      throw new BadRequestException(
          name,
          "parameter "
              + name
              + " must be a 32-byte hash in hex or base64, got \""
              + clip(v)
              + "\"");
    }
  }

  private static String clip(String s) {
    return s.length() <= 80 ? s : s.substring(0, 80) + "...";
  }

  /** The request's method, clipped for an error detail. */
  private static String method(RoutingContext ctx) {
    return RequestChecks.clip(ctx.request().method().name());
  }

  /** The request's raw path, clipped for an error detail. */
  private static String path(RoutingContext ctx) {
    String p = ctx.request().path();
    return p == null ? "" : RequestChecks.clip(p, 100);
  }
}
