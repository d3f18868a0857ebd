package org.rcskt.server.http;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.rcskt.server.config.TlsConfig;

/**
 * Watches the TLS certificate chain and key files and, when either changes, has every HTTP server
 * of the process load them for new connections (open connections keep the certificate they were
 * made with, so none is dropped). A change is a new modification time, size or file key (a
 * renamed-in replacement, as certbot and Kubernetes secret updates do); it is acted on once both
 * files have been stable for one check, so a certificate is not read between the writes of the
 * chain and the key. A pair that does not load is logged and ignored: the servers keep the last
 * good pair, and the next change is tried again.
 */
public final class TlsReloader implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(TlsReloader.class.getName());

  private final Vertx vertx;
  private final TlsConfig tls;
  private final List<LogVerticle> servers;
  private final long timer;
  private List<Object> applied; // what the servers use; event-loop confined
  private List<Object> seen; // what the last check saw
  private volatile int reloads;

  public TlsReloader(Vertx vertx, TlsConfig tls, List<LogVerticle> servers) {
    this.vertx = vertx;
    this.tls = tls;
    this.servers = List.copyOf(servers);
    this.applied = stamp();
    this.seen = applied;
    this.timer = vertx.setPeriodic(tls.reloadCheckSeconds() * 1000L, id -> check());
  }

  /** How many times a changed pair was loaded by every server. */
  public int reloads() {
    return reloads;
  }

  private void check() {
    List<Object> now = stamp();
    if (now.equals(applied)) {
      seen = now;
      return;
    }
    if (!now.equals(seen)) {
      seen = now; // still changing, or just changed: look again at the next check
      return;
    }
    applied = now;
    List<Future<Boolean>> all = new ArrayList<>();
    for (LogVerticle v : servers) {
      all.add(v.reloadTls());
    }
    Future.all(all)
        .onSuccess(
            x -> {
              reloads++;
              LOG.log(
                  System.Logger.Level.INFO,
                  "TLS certificate reloaded from " + tls.certificateChain());
            })
        .onFailure(
            t ->
                LOG.log(
                    System.Logger.Level.WARNING,
                    "TLS certificate "
                        + tls.certificateChain()
                        + " or key "
                        + tls.privateKey()
                        + " does not load; keeping the previous pair: "
                        + t.getMessage()));
  }

  /** What identifies the current content of both files, without reading them. */
  private List<Object> stamp() {
    List<Object> s = new ArrayList<>(6);
    for (Path p : List.of(tls.certificateChain(), tls.privateKey())) {
      try {
        BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
        s.add(a.lastModifiedTime().toMillis());
        s.add(a.size());
        s.add(Objects.toString(a.fileKey()));
      } catch (IOException e) {
        s.add("missing");
        s.add(-1L);
        s.add("");
      }
    }
    return s;
  }

  @Override
  public void close() {
    vertx.cancelTimer(timer);
  }
}
