package org.rcskt.monitor.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.lang.System.Logger.Level;
import java.util.List;
import org.rcskt.monitor.gossip.GossipResult;
import org.rcskt.monitor.metrics.MonitorMetrics;
import org.rcskt.monitor.witness.Witness;
import org.rcskt.verifier.witness.AddCheckpointRequest;

/** The monitor's HTTP server. Deploying it binds the port; a failed bind fails the deployment. */
public final class MonitorHttpServer extends VerticleBase {
  private static final System.Logger LOG = System.getLogger(MonitorHttpServer.class.getName());
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The largest {@code POST /gossip/checkpoint} body accepted: a checkpoint is far smaller. */
  public static final int MAX_GOSSIP_BODY = 16 * 1024;

  /** What the endpoints need from the running monitor. */
  public interface Backend {
    /** The latest verified checkpoint of every followed log, as raw signed notes. */
    List<String> latestCheckpoints();

    /** Verifies a heard checkpoint; may block on the network. */
    GossipResult hear(byte[] note);

    /** The health report; {@code ok} false answers 503. */
    Health health();
  }

  /**
   * The health report.
   *
   * @param ok whether the monitor is working
   * @param body a JSON object describing each log
   */
  public record Health(boolean ok, ObjectNode body) {}

  private final String host;
  private final int port;
  private final Backend backend;
  private final MonitorMetrics metrics;
  private final Witness witness;
  private HttpServer server;

  /**
   * @param witness the witness whose C2SP tlog-witness API ({@code POST /add-checkpoint}) this
   *     server serves, or null for none
   */
  public MonitorHttpServer(
      String host, int port, Backend backend, MonitorMetrics metrics, Witness witness) {
    this.host = host;
    this.port = port;
    this.backend = backend;
    this.metrics = metrics;
    this.witness = witness;
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    router.get("/gossip/checkpoints").handler(this::checkpoints);
    router
        .post("/gossip/checkpoint")
        .handler(BodyHandler.create(false).setBodyLimit(MAX_GOSSIP_BODY))
        .handler(this::hear);
    if (witness != null) {
      router
          .post("/add-checkpoint")
          .handler(BodyHandler.create(false).setBodyLimit(AddCheckpointRequest.MAX_BODY))
          .handler(this::addCheckpoint)
          .failureHandler(this::witnessFailure);
    }
    router.get("/metrics").handler(this::metrics);
    router.get("/healthz").handler(this::health);
    return vertx
        .createHttpServer()
        .requestHandler(router)
        .listen(port, host)
        .onSuccess(s -> server = s);
  }

  /** The bound port (after deployment). */
  public int actualPort() {
    return server.actualPort();
  }

  private void checkpoints(RoutingContext ctx) {
    ObjectNode body = JSON.createObjectNode();
    ArrayNode list = body.putArray("checkpoints");
    backend.latestCheckpoints().forEach(list::add);
    json(ctx, 200, body);
  }

  private void hear(RoutingContext ctx) {
    byte[] note = ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes();
    vertx
        .executeBlocking(() -> backend.hear(note), false)
        .onComplete(
            ar -> {
              if (ar.failed()) {
                LOG.log(Level.ERROR, "verifying a gossiped checkpoint failed", ar.cause());
                ObjectNode err = JSON.createObjectNode();
                err.put("error", "internal error while verifying the checkpoint");
                json(ctx, 503, err);
                return;
              }
              GossipResult r = ar.result();
              ObjectNode body = JSON.createObjectNode();
              if (r.origin() != null) {
                body.put("origin", r.origin());
              }
              body.put("outcome", r.outcome().wireName());
              body.put("detail", r.detail());
              if (r.evidence() != null) {
                body.put("evidence", r.evidence());
              }
              json(ctx, r.outcome().httpStatus(), body);
            });
  }

  private void addCheckpoint(RoutingContext ctx) {
    byte[] body = ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes();
    vertx
        .executeBlocking(() -> witness.addCheckpoint(body), false)
        .onComplete(
            ar -> {
              if (ar.failed()) {
                LOG.log(Level.ERROR, "the witness could not record a checkpoint", ar.cause());
                text(ctx, 503, "text/plain; charset=utf-8", "the witness's state is unavailable\n");
                return;
              }
              Witness.Answer a = ar.result();
              metrics.witnessAnswer(a.status());
              text(ctx, a.status(), a.contentType(), a.bodyText());
            });
  }

  /** The body handler's refusals (a body over the limit) as the witness's one-line answers. */
  private void witnessFailure(RoutingContext ctx) {
    int status = ctx.statusCode();
    if (status == 413) {
      metrics.witnessAnswer(413);
      text(
          ctx,
          413,
          "text/plain; charset=utf-8",
          "the body is larger than " + AddCheckpointRequest.MAX_BODY + " bytes\n");
    } else {
      LOG.log(Level.ERROR, "add-checkpoint failed", ctx.failure());
      text(ctx, 500, "text/plain; charset=utf-8", "internal error\n");
    }
  }

  private static void text(RoutingContext ctx, int status, String contentType, String body) {
    if (ctx.response().ended()) {
      return;
    }
    ctx.response()
        .setStatusCode(status)
        .putHeader("Content-Type", contentType)
        .putHeader("Cache-Control", "no-store")
        .end(body);
  }

  private void metrics(RoutingContext ctx) {
    vertx
        .executeBlocking(metrics::scrape, false)
        .onSuccess(
            bytes ->
                ctx.response()
                    .putHeader("Content-Type", metrics.contentType())
                    .end(Buffer.buffer(bytes)))
        .onFailure(ctx::fail);
  }

  private void health(RoutingContext ctx) {
    Health h = backend.health();
    json(ctx, h.ok() ? 200 : 503, h.body());
  }

  private static void json(RoutingContext ctx, int status, ObjectNode body) {
    if (ctx.response().ended()) {
      return;
    }
    byte[] bytes;
    try {
      bytes = JSON.writeValueAsBytes(body);
    } catch (Exception e) {
      throw new IllegalStateException("a JSON tree always serializes", e);
    }
    ctx.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json")
        .putHeader("Cache-Control", "no-store")
        .end(Buffer.buffer(bytes));
  }
}
