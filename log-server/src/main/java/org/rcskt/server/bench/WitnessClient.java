package org.rcskt.server.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.VerificationException;
import org.rcskt.verifier.checkpoint.Checkpoint;
import org.rcskt.verifier.checkpoint.SignedCheckpoint;
import org.rcskt.verifier.note.CosignatureV1Verifier;
import org.rcskt.verifier.note.Note;
import org.rcskt.verifier.note.NoteVerifier;
import org.rcskt.verifier.note.NoteVerifiers;

/**
 * What the {@code witness} family of {@code hostile} knows of the log and of the witness outside
 * the run's request stream: the log's newest signed checkpoint (fetched again every 200 ms, and the
 * log made to grow by one event when it has not grown for a second, so that the witness always has
 * a newer checkpoint to follow), the log's consistency proofs, the witness's latest cosigned size
 * as far as its answers tell, the handshake that brings the witness up to the log's checkpoint
 * before the run, and the check after it that the witness still cosigns.
 *
 * <p>Thread-safe. Requests outside the stream use the JDK's HTTP client, which reads every header
 * and the whole body: the final check looks at the content type of a 409 too.
 */
final class WitnessClient implements AutoCloseable {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** The spec's content type of a 409 answer. */
  static final String SIZE_CONTENT_TYPE = "text/x.tlog.size";

  /** How often the log's checkpoint is fetched during the run. */
  private static final long REFRESH_MILLIS = 200;

  /**
   * How long a checkpoint of the log is known before correct requests take the witness to it: until
   * then the witness stays behind the log's newest checkpoint, for which the family can send wrong
   * consistency proofs.
   */
  private static final long SETTLE_NANOS = 500_000_000L;

  /** The most checkpoints kept by size. */
  private static final int KEPT = 256;

  /** How long the log may stay the same size before the run adds an event to it. */
  private static final long GROW_AFTER_MILLIS = 1000;

  /** The subjects of the events that grow the log: beyond every index a run can draw. */
  private static final long GROWTH_BASE = HostileEvents.MAX_REQUESTS + 1;

  private static final int GROWTH_LIMIT = 900 * HostileEvents.SUBJECTS_PER_REQUEST;

  /** A signed checkpoint of the log, parsed. */
  record Cp(byte[] raw, Checkpoint checkpoint, Note note) {
    long size() {
      return checkpoint.treeSize();
    }
  }

  /** A checkpoint and when it was first fetched ({@link System#nanoTime}). */
  private record Seen(Cp cp, long at) {}

  /** An answer of the witness, read whole. */
  record Reply(int status, String contentType, String body) {
    @Override
    public String toString() {
      return status + " " + HostileReport.clip(body.strip().replace("\n", "\\n"), 160);
    }
  }

  /**
   * The final check.
   *
   * @param ok whether the witness answered as it must
   * @param description what was sent and answered, one line
   */
  record Check(boolean ok, String description) {}

  private final URI log;
  private final String origin;
  private final NoteVerifier logKey;
  private final URI witness;
  private final InetSocketAddress address;
  private final String host;
  private final String path;
  private final CosignatureV1Verifier witnessKey;
  private final HostileEvents events;
  private final HttpClient http;
  private final Duration timeout;
  private final AtomicReference<Cp> current = new AtomicReference<>();
  private final ConcurrentSkipListMap<Long, Seen> seen = new ConcurrentSkipListMap<>();
  private final Map<Long, Map<Long, List<Hash>>> proofs = new ConcurrentHashMap<>();
  private final AtomicLong latest = new AtomicLong();
  private final AtomicLong checkpointsSeen = new AtomicLong();
  private final AtomicLong growthEvents = new AtomicLong();
  private final AtomicLong proofsFetched = new AtomicLong();
  private volatile long sizeBefore = -1;
  private volatile String growthFailure;
  private volatile long lastChangeNanos = System.nanoTime();
  private volatile boolean running;
  private final String authorization;
  private Thread refresher;

  /**
   * @param witnessKey the witness's {@code cosignature/v1} verifier key, to check its cosignatures
   *     with; null to check only their form
   */
  private WitnessClient(
      URI log,
      LogInfo info,
      URI witness,
      CosignatureV1Verifier witnessKey,
      HostileEvents events,
      int timeoutMillis,
      String authorization)
      throws VerificationException {
    this.log = log;
    this.origin = info.origin();
    this.logKey = info.logKey();
    this.witness = witness;
    int port = witness.getPort() < 0 ? (Transport.of(witness).tls() ? 443 : 80) : witness.getPort();
    this.address = new InetSocketAddress(witness.getHost(), port);
    this.host = witness.getHost() + ":" + port;
    String base = witness.getPath() == null ? "" : witness.getPath().replaceAll("/+$", "");
    this.path = base + "/add-checkpoint";
    this.witnessKey = witnessKey;
    this.events = events;
    this.timeout = Duration.ofMillis(timeoutMillis);
    this.authorization = authorization;
    // One client for the log and the witness: trusting over TLS if either is https.
    this.http =
        new Transport(Transport.of(log).tls() || Transport.of(witness).tls())
            .httpClient()
            .connectTimeout(Duration.ofSeconds(5))
            .build();
  }

  /**
   * Connects to the witness and brings it up to the log's current checkpoint: {@code old 0} tells
   * the witness's latest size (409), or a fresh witness cosigns at once; then the consistency proof
   * from that size.
   *
   * @param witnessKey the witness's verifier key, to check its cosignatures with; null to check
   *     only their form
   * @param authorization the {@code Authorization} header line the log's writes need, or null
   * @throws IllegalStateException if the log or the witness cannot be reached, the witness does not
   *     serve the log, or does not cosign its checkpoint
   */
  static WitnessClient open(
      URI log,
      LogInfo info,
      URI witness,
      CosignatureV1Verifier witnessKey,
      HostileEvents events,
      int timeoutMillis,
      String authorization)
      throws IOException, InterruptedException, VerificationException {
    WitnessClient w =
        new WitnessClient(log, info, witness, witnessKey, events, timeoutMillis, authorization);
    w.refresh();
    w.handshake();
    return w;
  }

  private void handshake() throws IOException, InterruptedException {
    Cp c = current();
    Reply first = post(encode(0, List.of(), c.raw()));
    if (first.status() == 200) {
      sizeBefore = 0;
      latest.set(c.size());
      return;
    }
    if (first.status() == 404) {
      throw new IllegalStateException(
          "the witness at " + witness + " does not serve the log " + origin + ": " + first);
    }
    long s = first.status() == 409 ? sizeIn(first.body()) : -1;
    if (s < 0) {
      throw new IllegalStateException(
          "the witness at "
              + witness
              + " answered a valid add-checkpoint with old size 0 with "
              + first
              + ", not 200 or 409 with its latest size");
    }
    sizeBefore = s;
    if (s > c.size()) {
      throw new IllegalStateException(
          "the witness at "
              + witness
              + " has cosigned size "
              + s
              + " of "
              + origin
              + ", larger than the log's "
              + c.size()
              + ": does it witness another log of that origin?");
    }
    Reply second = post(encode(s, s == c.size() ? List.of() : proof(s, c.size()), c.raw()));
    if (second.status() != 200) {
      throw new IllegalStateException(
          "the witness at "
              + witness
              + " did not cosign the log's checkpoint of size "
              + c.size()
              + " from its size "
              + s
              + ": "
              + second);
    }
    latest.set(c.size());
  }

  /** The witness's address, for the run's connections. */
  InetSocketAddress address() {
    return address;
  }

  /** The {@code Host} header of requests to the witness. */
  String host() {
    return host;
  }

  /** The path of {@code add-checkpoint} on the witness. */
  String path() {
    return path;
  }

  URI witnessUrl() {
    return witness;
  }

  String origin() {
    return origin;
  }

  NoteVerifier logKey() {
    return logKey;
  }

  /** The log's newest signed checkpoint the family knows. */
  Cp current() {
    return current.get();
  }

  /** The witness's latest cosigned size as far as its answers tell: a lower bound. */
  long latest() {
    return latest.get();
  }

  /** The witness's latest size found before the run (0 for a fresh witness). */
  long sizeBefore() {
    return sizeBefore;
  }

  /** Notes that the witness holds {@code size} or more. */
  void learn(long size) {
    latest.accumulateAndGet(size, Math::max);
  }

  /**
   * Whether {@code size} can be the witness's latest cosigned size: one the log has signed. A size
   * beyond the checkpoint known here is checked against a new fetch.
   */
  boolean logHasSigned(long size) {
    if (size <= current().size()) {
      return true;
    }
    try {
      refresh();
    } catch (IOException | InterruptedException | VerificationException | RuntimeException e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      return false;
    }
    return size <= current().size();
  }

  long checkpointsSeen() {
    return checkpointsSeen.get();
  }

  long growthEvents() {
    return growthEvents.get();
  }

  long proofsFetched() {
    return proofsFetched.get();
  }

  /** Why the log could not be made to grow, or null. */
  String growthFailure() {
    return growthFailure;
  }

  /**
   * The log's consistency proof from {@code from} to {@code to}, fetched once.
   *
   * @throws IllegalStateException if the log does not give it
   */
  List<Hash> proof(long from, long to) {
    Map<Long, List<Hash>> byTo = proofs.computeIfAbsent(from, k -> new ConcurrentHashMap<>());
    List<Hash> p = byTo.get(to);
    if (p != null) {
      return p;
    }
    try {
      JsonNode j =
          MAPPER.readTree(get(log, "/v1/proof/consistency?from=" + from + "&to=" + to, 200));
      List<Hash> hashes = new ArrayList<>();
      for (JsonNode h : j.get("consistencyProof")) {
        hashes.add(Hash.fromBase64(h.asText()));
      }
      p = List.copyOf(hashes);
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot fetch the log's consistency proof from " + from + " to " + to + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted fetching a consistency proof", e);
    }
    proofsFetched.incrementAndGet();
    if (byTo.size() > 64) {
      byTo.clear();
    }
    if (proofs.size() > 256) {
      proofs.clear();
    }
    byTo.put(to, p);
    return p;
  }

  /**
   * The note with its first signature line only: the log's Ed25519 line. Its other lines (the log's
   * ML-DSA-44 line) are of keys a witness does not check, so a variant that alters "the signature"
   * must alter this one.
   */
  static byte[] firstSignatureOnly(String note) {
    int sep = note.indexOf("\n\n");
    int end = sep < 0 ? -1 : note.indexOf('\n', sep + 2);
    return (end < 0 ? note : note.substring(0, end + 1)).getBytes(StandardCharsets.UTF_8);
  }

  /** Fetches the log's newest signed checkpoint; keeps it if it is larger than the one known. */
  void refresh() throws IOException, InterruptedException, VerificationException {
    JsonNode j = MAPPER.readTree(get(log, "/v1/checkpoints", 200));
    byte[] raw = firstSignatureOnly(j.get("logSigned").asText());
    SignedCheckpoint s = SignedCheckpoint.verify(raw, origin, logKey);
    Cp c = new Cp(raw, s.checkpoint(), s.note());
    Cp before = current.getAndAccumulate(c, (a, b) -> a == null || b.size() > a.size() ? b : a);
    if (before == null || c.size() > before.size()) {
      checkpointsSeen.incrementAndGet();
      lastChangeNanos = System.nanoTime();
      seen.putIfAbsent(c.size(), new Seen(c, lastChangeNanos));
      while (seen.size() > KEPT && seen.firstKey() < latest.get()) {
        seen.pollFirstEntry();
      }
    }
  }

  /**
   * The checkpoint a correct request takes the witness to from {@code latest}: the newest one known
   * for half a second, or, while there is none of {@code latest} or more, the one of {@code latest}
   * itself (or the next larger).
   */
  Cp cosignTarget(long latest) {
    long settled = System.nanoTime() - SETTLE_NANOS;
    for (Seen s : seen.descendingMap().values()) {
      if (s.at() - settled <= 0) {
        if (s.cp().size() >= latest) {
          return s.cp();
        }
        break;
      }
    }
    Map.Entry<Long, Seen> e = seen.ceilingEntry(latest);
    return e != null ? e.getValue().cp() : current();
  }

  /** Starts fetching the log's checkpoint in the background, and growing the log when it stalls. */
  synchronized void start() {
    if (refresher != null) {
      return;
    }
    running = true;
    lastChangeNanos = System.nanoTime();
    refresher = new Thread(this::refreshLoop, "hostile-witness-refresh");
    refresher.setDaemon(true);
    refresher.start();
  }

  private void refreshLoop() {
    while (running) {
      try {
        Thread.sleep(REFRESH_MILLIS);
        refresh();
        if (System.nanoTime() - lastChangeNanos > GROW_AFTER_MILLIS * 1_000_000) {
          grow();
          lastChangeNanos = System.nanoTime();
        }
      } catch (InterruptedException e) {
        return;
      } catch (IOException | VerificationException | RuntimeException e) {
        // The log's own families report a log in trouble; the next round tries again.
      }
    }
  }

  /** Registers one fresh subject in the log, so that it signs a larger checkpoint. */
  boolean grow() throws IOException, InterruptedException {
    long k = growthEvents.get();
    if (k >= GROWTH_LIMIT) {
      return false;
    }
    byte[] body =
        HostileEvents.jsonBytes(
            events.register(
                events.subject(
                    GROWTH_BASE + k / HostileEvents.SUBJECTS_PER_REQUEST,
                    (int) (k % HostileEvents.SUBJECTS_PER_REQUEST)),
                events.key(k)));
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(LogInfo.prefix(log) + "/v1/events"))
            .timeout(timeout)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (authorization != null) {
      // "Authorization: Bearer <token>": the header's value after its name.
      request.header(
          "Authorization", authorization.substring(authorization.indexOf(':') + 1).strip());
    }
    HttpResponse<String> r = send(request.build());
    growthEvents.incrementAndGet();
    if (r.statusCode() != 200) {
      growthFailure = "POST /v1/events answered " + r.statusCode() + ": " + r.body().strip();
      return false;
    }
    return true;
  }

  /** Stops the background fetching. */
  synchronized void stop() throws InterruptedException {
    running = false;
    if (refresher != null) {
      refresher.interrupt();
      refresher.join(10_000);
      refresher = null;
    }
  }

  @Override
  public void close() throws InterruptedException {
    stop();
  }

  /**
   * After the run: grows the log by an event, then asks with {@code old 0} for the witness's latest
   * size (which must come back as a 409 of the spec's content type, no smaller than any size the
   * run saw cosigned), has the witness cosign the log's newest checkpoint from that size with the
   * log's proof, and asks for the same again, which must be cosigned as well.
   */
  Check finalCheck() throws InterruptedException {
    StringBuilder d = new StringBuilder();
    try {
      long known = latest();
      try {
        if (grow()) {
          long deadline = System.nanoTime() + 10_000_000_000L;
          refresh();
          while (current().size() <= known && System.nanoTime() < deadline) {
            Thread.sleep(50);
            refresh();
          }
        }
      } catch (IOException | VerificationException e) {
        d.append("(the log did not grow: ").append(e.getMessage()).append(") ");
      }
      Cp c = current();
      Reply ask = post(encode(0, List.of(), c.raw()));
      long s = sizeIn(ask.body());
      d.append("old 0 -> ").append(ask.status());
      if (ask.status() != 409
          || !SIZE_CONTENT_TYPE.equals(ask.contentType())
          || s < known
          || s > c.size()) {
        return new Check(
            false,
            d.append(" ")
                .append(ask.contentType())
                .append(" \"")
                .append(HostileReport.clip(ask.body().strip(), 120))
                .append("\"; wanted 409 ")
                .append(SIZE_CONTENT_TYPE)
                .append(" with a size from ")
                .append(known)
                .append(" to ")
                .append(c.size())
                .toString());
      }
      d.append(" size ").append(s).append(" (").append(SIZE_CONTENT_TYPE).append(")");
      learn(s);
      Reply cosign = post(encode(s, s == c.size() ? List.of() : proof(s, c.size()), c.raw()));
      String problem = cosignatureProblem(c, cosign);
      d.append("; old ").append(s).append(" to size ").append(c.size()).append(" -> ");
      if (problem != null) {
        return new Check(false, d.append(problem).toString());
      }
      learn(c.size());
      d.append("200 cosigned").append(witnessKey != null ? " (verified)" : "");
      Reply again = post(encode(c.size(), List.of(), c.raw()));
      problem = cosignatureProblem(c, again);
      d.append("; again -> ");
      if (problem != null) {
        return new Check(false, d.append(problem).toString());
      }
      return new Check(true, d.append("200 cosigned").toString());
    } catch (IOException | RuntimeException e) {
      return new Check(false, d.append(" failed: ").append(e).toString());
    }
  }

  /** Why {@code r} is not the witness's cosignature of {@code c}, or null when it is. */
  String cosignatureProblem(Cp c, Reply r) {
    if (r.status() != 200) {
      return r + "; wanted 200";
    }
    return cosignatureProblem(c, r.body());
  }

  /**
   * Why {@code body} is not one cosignature line of {@code c} (verified with the witness's key when
   * it was given), or null when it is.
   */
  String cosignatureProblem(Cp c, String body) {
    if (!body.startsWith("\u2014 ")
        || !body.endsWith("\n")
        || body.indexOf('\n') != body.length() - 1) {
      return "200 \"" + HostileReport.clip(body, 120) + "\" is not one signature line";
    }
    if (witnessKey == null) {
      return null;
    }
    byte[] line = body.getBytes(StandardCharsets.UTF_8);
    byte[] note = new byte[c.raw().length + line.length];
    System.arraycopy(c.raw(), 0, note, 0, c.raw().length);
    System.arraycopy(line, 0, note, c.raw().length, line.length);
    try {
      SignedCheckpoint s =
          SignedCheckpoint.verify(note, origin, logKey, NoteVerifiers.of(witnessKey));
      if (s.cosignatures().stream().noneMatch(k -> k.name().equals(witnessKey.name()))) {
        return "200 without a signature of " + witnessKey.name();
      }
      return null;
    } catch (VerificationException e) {
      return "200 whose cosignature does not verify: " + e.getMessage();
    }
  }

  /** Whether a cosignature line can be checked against the witness's key. */
  boolean verifiesCosignatures() {
    return witnessKey != null;
  }

  /** An add-checkpoint body: the spec's old size line, proof lines, empty line and checkpoint. */
  static byte[] encode(long oldSize, List<Hash> proof, byte[] checkpoint) {
    ByteArrayOutputStream out =
        new ByteArrayOutputStream(64 + 45 * proof.size() + checkpoint.length);
    out.writeBytes(("old " + oldSize + "\n").getBytes(StandardCharsets.US_ASCII));
    Base64.Encoder b64 = Base64.getEncoder();
    for (Hash h : proof) {
      out.writeBytes(b64.encode(h.toByteArray()));
      out.write('\n');
    }
    out.write('\n');
    out.writeBytes(checkpoint);
    return out.toByteArray();
  }

  /** The size a 409 body holds ({@code "123\n"}), or -1 if it is not exactly that. */
  static long sizeIn(String body) {
    int n = body.length();
    if (n < 2 || n > 20 || body.charAt(n - 1) != '\n') {
      return -1;
    }
    long v = 0;
    for (int i = 0; i < n - 1; i++) {
      char c = body.charAt(i);
      if (c < '0' || c > '9' || (i == 0 && c == '0' && n > 2)) {
        return -1;
      }
      v = v * 10 + (c - '0');
      if (v < 0) {
        return -1;
      }
    }
    return v;
  }

  /** Posts an add-checkpoint body to the witness and reads the whole answer. */
  Reply post(byte[] body) throws IOException, InterruptedException {
    HttpResponse<String> r =
        send(
            HttpRequest.newBuilder(URI.create("http://" + host + path))
                .timeout(timeout)
                .header("Content-Type", "text/plain; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build());
    return new Reply(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body());
  }

  private HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IOException(
          "cannot reach "
              + request.uri()
              + ": "
              + (e.getMessage() != null ? e.getMessage() : e.toString()),
          e);
    }
  }

  private byte[] get(URI base, String p, int want) throws IOException, InterruptedException {
    HttpResponse<String> r =
        send(HttpRequest.newBuilder(URI.create(LogInfo.prefix(base) + p)).timeout(timeout).build());
    if (r.statusCode() != want) {
      throw new IOException(
          "GET " + p + " answered " + r.statusCode() + ": " + HostileReport.clip(r.body(), 200));
    }
    return r.body().getBytes(StandardCharsets.UTF_8);
  }
}
