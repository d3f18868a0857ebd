package org.rcskt.server.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.rcskt.server.log.BadRequestException;
import org.rcskt.server.log.KeyEventLog;
import org.rcskt.server.log.LogReader;
import org.rcskt.server.log.TreeHead;
import org.rcskt.server.log.UnavailableException;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.event.EventCodec;
import org.rcskt.verifier.event.EventJson;
import org.rcskt.verifier.event.EventType;
import org.rcskt.verifier.event.KeyEvent;
import org.rcskt.verifier.map.MapRootEntry;

/**
 * {@code GET /v1/feed}: new entries and checkpoints pushed as Server-Sent Events
 * (docs/design/0018-feed.md). One feed per event loop: a timer notices a new head and each
 * subscriber is sent, for the entries it has not seen, a {@code checkpoint} event, then an {@code
 * entry} event per entry its filters let through (with its inclusion proof against that
 * checkpoint), then the new resume point. Work that reads storage runs on the read workers; writes
 * happen on the event loop.
 *
 * <p>Bounded: at most so many feeds in the process and from one address ({@link FeedSubscribers},
 * then {@code 503}); each subscriber's unsent output is held to {@link #MAX_QUEUED_BYTES} by not
 * reading further while its queue is full, and a subscriber whose queue stays full for the stall
 * limit is sent a last {@code dropped} event and closed. Catching up from an old tree size runs
 * {@link #MAX_ENTRIES_PER_STEP} entries at a time, as fast as the client reads.
 */
final class Feed {
  static final int MAX_ENTRIES_PER_STEP = 1000;
  static final int MAX_QUEUED_BYTES = 256 * 1024;
  static final long POLL_MILLIS = 50;
  static final long HEARTBEAT_MILLIS = 15_000;
  static final int MAX_SUBJECTS = 100;
  static final long DROP_GRACE_MILLIS = 10_000;

  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private final Vertx vertx;
  private final KeyEventLog log;
  private final WorkerExecutor reads;
  private final FeedSubscribers limit;
  private final long stallMillis;

  private final List<Subscriber> open = new ArrayList<>();
  private final long timer;

  /** What one subscriber asked for. */
  record Filter(Set<EventType> types, boolean mapRoots, Set<Hash> subjects) {
    static final Filter ALL = new Filter(EnumSet.allOf(EventType.class), true, Set.of());

    boolean accepts(byte[] entry, KeyEvent event) {
      if (event == null) {
        return mapRoots && subjects.isEmpty();
      }
      return types.contains(event.type())
          && (subjects.isEmpty() || subjects.contains(event.subject()));
    }

    /**
     * {@code type} (a comma-separated list of event types and {@code MAP_ROOT}) and {@code subject}
     * (a comma-separated list of up to 100 subject indexes in hex); either may be absent.
     */
    static Filter parse(String type, String subject) {
      Set<EventType> types = EnumSet.allOf(EventType.class);
      boolean roots = true;
      if (type != null) {
        types = EnumSet.noneOf(EventType.class);
        roots = false;
        for (String t : type.split(",", -1)) {
          if (t.equals("MAP_ROOT")) {
            roots = true;
            continue;
          }
          try {
            types.add(EventType.valueOf(t));
          } catch (IllegalArgumentException e) {
            throw new BadRequestException(
                "type",
                "type \""
                    + RequestChecks.clip(t)
                    + "\" is not REGISTER, ROTATE, REVOKE, ANCHOR, KEYS or MAP_ROOT");
          }
        }
      }
      Set<Hash> subjects = new HashSet<>();
      if (subject != null) {
        String[] parts = subject.split(",", -1);
        if (parts.length > MAX_SUBJECTS) {
          throw new BadRequestException(
              "subject", "at most " + MAX_SUBJECTS + " subjects, got " + parts.length);
        }
        for (String s : parts) {
          try {
            subjects.add(Hash.fromHex(s));
          } catch (IllegalArgumentException e) {
            throw new BadRequestException(
                "subject", "subject \"" + RequestChecks.clip(s) + "\" is not 64 hex digits");
          }
        }
      }
      return new Filter(types, roots, Set.copyOf(subjects));
    }
  }

  private final class Subscriber {
    final io.vertx.core.http.HttpServerRequest req;
    final HttpServerResponse res;
    final Filter filter;
    long next;
    boolean busy;
    long stalledSince = -1;
    long lastWrite = System.nanoTime();
    boolean closed;
    final SourceKey source;

    /**
     * Bytes handed to the connection and not yet written to the socket. Counted here from each
     * write's completion rather than asked of the response, whose queue state does not say how much
     * a slow client has left unread.
     */
    long pending;

    Subscriber(
        io.vertx.core.http.HttpServerRequest req, Filter filter, long next, SourceKey source) {
      this.req = req;
      this.source = source;
      this.res = req.response();
      this.filter = filter;
      this.next = next;
    }

    void write(Buffer b) {
      int n = b.length();
      pending += n;
      res.write(b).onComplete(ar -> pending -= n);
    }

    void write(String text) {
      write(Buffer.buffer(text));
    }

    boolean queueFull() {
      return pending > MAX_QUEUED_BYTES;
    }
  }

  Feed(Vertx vertx, KeyEventLog log, WorkerExecutor reads, FeedSubscribers limit) {
    this.vertx = vertx;
    this.log = log;
    this.reads = reads;
    this.limit = limit;
    this.stallMillis = limit.stallMillis;
    this.timer = vertx.setPeriodic(POLL_MILLIS, id -> tick());
  }

  /**
   * Starts a feed on {@code res} from leaf index {@code from} (the current tree size when null).
   *
   * @throws BadRequestException if {@code from} is beyond the tree
   * @throws UnavailableException if the process, or the request's source, has as many feeds as
   *     {@link FeedSubscribers} allows
   */
  void subscribe(io.vertx.core.http.HttpServerRequest req, Filter filter, Long from) {
    HttpServerResponse res = req.response();
    long size = log.head().treeSize();
    long start = from == null ? size : from;
    if (start > size) {
      throw new BadRequestException("from", "from " + start + " is beyond the tree size " + size);
    }
    SourceKey source = limit.acquire(req);
    Subscriber s = new Subscriber(req, filter, start, source);
    res.setChunked(true)
        .putHeader("Content-Type", "text/event-stream; charset=utf-8")
        .putHeader("Cache-Control", "no-store")
        .putHeader("X-Accel-Buffering", "no");
    res.closeHandler(v -> gone(s));
    res.exceptionHandler(t -> gone(s));
    // The retry hint and the starting point, so a client that reconnects at once resumes here.
    res.write("retry: 1000\nid: " + start + "\n\n");
    open.add(s);
  }

  private void gone(Subscriber s) {
    if (!s.closed) {
      s.closed = true;
      limit.release(s.source);
    }
    open.remove(s);
  }

  /** How many feeds this event loop serves. */
  int size() {
    return open.size();
  }

  private void tick() {
    if (open.isEmpty()) {
      return;
    }
    TreeHead head = log.head();
    long now = System.nanoTime();
    for (Subscriber s : List.copyOf(open)) {
      if (s.closed || s.busy) {
        continue;
      }
      if (s.queueFull()) {
        if (s.stalledSince < 0) {
          s.stalledSince = now;
        } else if ((now - s.stalledSince) / 1_000_000 >= stallMillis) {
          drop(s, head);
        }
        continue;
      }
      s.stalledSince = -1;
      if (s.next < head.treeSize()) {
        step(s, head);
      } else if ((now - s.lastWrite) / 1_000_000 >= HEARTBEAT_MILLIS) {
        s.write(": keep-alive\n\n");
        s.lastWrite = now;
      }
    }
  }

  private void drop(Subscriber s, TreeHead head) {
    ObjectNode o = JSON.objectNode();
    o.put("reason", "slow_consumer");
    o.put(
        "detail",
        "the client read nothing for "
            + stallMillis / 1000
            + " s while "
            + MAX_QUEUED_BYTES
            + " bytes waited; reconnect with Last-Event-ID to resume");
    o.put("resumeFrom", s.next);
    o.put("treeSize", head.treeSize());
    // Past the queue's bound by one small event, once, then closed.
    s.res.write("event: dropped\ndata: " + o + "\n\n");
    finish(s);
  }

  /**
   * Ends a dropped feed and lets its connection go: once the client has read to the end (the last
   * message included), or after {@link #DROP_GRACE_MILLIS} if it still reads nothing. On HTTP/2
   * only the stream is reset, not the connection other streams share.
   */
  private void finish(Subscriber s) {
    gone(s);
    boolean h2 = s.req.version() == io.vertx.core.http.HttpVersion.HTTP_2;
    Runnable let =
        () -> {
          if (h2) {
            s.res.reset(0);
          } else {
            s.req.connection().close();
          }
        };
    s.res.end().onComplete(ar -> let.run());
    vertx.setTimer(DROP_GRACE_MILLIS, id -> let.run());
  }

  /** Reads and formats the subscriber's next entries on a worker, then writes them here. */
  private void step(Subscriber s, TreeHead head) {
    s.busy = true;
    long from = s.next;
    long to = Math.min(head.treeSize(), from + MAX_ENTRIES_PER_STEP);
    Future<Buffer> out = reads.executeBlocking(() -> render(s.filter, head, from, to), false);
    out.onComplete(
        ar -> {
          s.busy = false;
          if (s.closed) {
            return;
          }
          if (ar.failed()) {
            // Storage trouble: a last event naming where to resume, then closed.
            ObjectNode o = JSON.objectNode();
            o.put("reason", "storage_unavailable");
            o.put("detail", "the log could not read its entries; reconnect to resume");
            o.put("resumeFrom", from);
            s.res.write("event: dropped\ndata: " + o + "\n\n");
            finish(s);
            return;
          }
          s.write(ar.result());
          s.next = to;
          s.lastWrite = System.nanoTime();
        });
  }

  /** The events for leaves [from, to) of {@code head}: checkpoint, entries, resume point. */
  private Buffer render(Filter filter, TreeHead head, long from, long to) {
    LogReader reader = log.reader();
    long size = head.treeSize();
    Buffer b = Buffer.buffer();
    ObjectNode cp = JSON.objectNode();
    cp.put("treeSize", size);
    cp.put("checkpoint", head.checkpointText());
    b.appendString("event: checkpoint\ndata: ").appendString(cp.toString()).appendString("\n\n");
    List<byte[]> entries = reader.entries(from, to, MAX_ENTRIES_PER_STEP);
    long i = from;
    for (byte[] e : entries) {
      long index = i++;
      boolean root = MapRootEntry.isMapRoot(e);
      KeyEvent event = root ? null : JsonViews.decode(e, index);
      if (!filter.accepts(e, event)) {
        continue;
      }
      ObjectNode x = JSON.objectNode();
      x.put("leafIndex", index);
      x.put("leafHash", EventCodec.leafHash(e).toBase64());
      if (root) {
        x.set("mapRoot", JsonViews.mapRootJson(e, index));
      } else {
        x.set("event", EventJson.toJson(event));
      }
      x.put("treeSize", size);
      LogReader.Inclusion inc = reader.inclusionIfCached(index, size);
      if (inc == null) {
        inc = reader.inclusion(index, size);
      }
      ArrayNode proof = x.putArray("inclusionProof");
      for (Hash h : inc.proof()) {
        proof.add(h.toBase64());
      }
      b.appendString("event: entry\nid: ")
          .appendString(Long.toString(index + 1))
          .appendString("\ndata: ")
          .appendString(x.toString())
          .appendString("\n\n");
    }
    // Everything below `i` is delivered (or filtered out): resume there.
    b.appendString("id: ").appendString(Long.toString(i)).appendString("\n\n");
    return b;
  }

  /** Closes every feed of this event loop (the server is stopping). */
  void close() {
    vertx.cancelTimer(timer);
    for (Subscriber s : List.copyOf(open)) {
      s.res.end();
      gone(s);
    }
  }
}
