package org.rcskt.verifier.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.VerificationException;
import org.rcskt.verifier.checkpoint.Checkpoint;
import org.rcskt.verifier.checkpoint.SignedCheckpoint;
import org.rcskt.verifier.event.EventFormatException;
import org.rcskt.verifier.event.EventJson;
import org.rcskt.verifier.event.KeyEvent;
import org.rcskt.verifier.event.PhoneNumbers;
import org.rcskt.verifier.merkle.ConsistencyProof;
import org.rcskt.verifier.merkle.ConsistencyProofException;
import org.rcskt.verifier.merkle.InclusionProof;
import org.rcskt.verifier.merkle.InclusionProofException;
import org.rcskt.verifier.note.NoteVerifier;
import org.rcskt.verifier.vrf.EcVrf;
import org.rcskt.verifier.vrf.VrfVerificationException;
import org.rcskt.verifier.witness.QuorumException;
import org.rcskt.verifier.witness.WitnessPolicy;

/**
 * Fetches from one log over HTTP (docs/api.md) and verifies everything before returning it:
 * checkpoints against the log's key and against the latest checkpoint this client verified before,
 * proofs against verified checkpoints, and a subject's events against their inclusion proofs.
 *
 * <p>The client keeps the latest verified checkpoint in a {@link CheckpointStore}. A checkpoint
 * with a smaller tree, a different root for the same size, or a larger tree whose consistency proof
 * fails is refused with a {@link LogMisbehaviourException} holding both checkpoints, and the stored
 * checkpoint stays as it was.
 *
 * <p>Every response is read up to a size bound and every request has a timeout. Thread-safe:
 * checkpoint updates are serialized.
 */
public final class LogClient {
  /** The default bound on one response body. */
  public static final int DEFAULT_MAX_RESPONSE_BYTES = 8 << 20;

  /** The default timeout for one request. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  /** The most events {@link #submitBatch} sends in one request (the log's own limit). */
  public static final int MAX_BATCH_EVENTS = 1000;

  /** The most events a subject may have before the client stops paging (bounds memory). */
  static final int MAX_SUBJECT_EVENTS = 100_000;

  /** The longest RFC 9162 proof for a tree of up to 2^63 leaves. */
  static final int MAX_PROOF_HASHES = 63;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final URI base;
  private final String origin;
  private final NoteVerifier logKey;
  private final CheckpointStore store;
  private final HttpClient http;
  private final Duration timeout;
  private final int maxResponseBytes;
  private final byte[] vrfKey;
  private final WitnessPolicy witnessPolicy;
  private final org.rcskt.verifier.note.SubtreeCosignature.Verifier postQuantumKey;
  private final String bearerToken;
  private final Object lock = new Object();
  private SignedCheckpoint latest; // guarded by lock; null until loaded or first verified
  private boolean loaded; // guarded by lock

  private LogClient(Builder b) {
    String s = b.base.toString();
    this.base = URI.create(s.endsWith("/") ? s : s + "/");
    this.origin = b.origin;
    this.logKey = b.logKey;
    this.store = b.store;
    this.timeout = b.timeout;
    this.maxResponseBytes = b.maxResponseBytes;
    this.vrfKey = b.vrfKey;
    this.witnessPolicy = b.witnessPolicy;
    this.postQuantumKey = b.postQuantumKey;
    this.bearerToken = b.bearerToken;
    this.http =
        b.http != null
            ? b.http
            : HttpClient.newBuilder()
                .connectTimeout(b.timeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
  }

  /**
   * Starts configuring a client for the log at {@code base} named {@code origin}, whose checkpoints
   * {@code logKey} verifies.
   *
   * @param base the URL the API paths are relative to, for example {@code https://kt.example/}
   * @param origin the log's origin, which is also the name of its key
   * @param logKey the log's checkpoint signing key
   * @param store where the latest verified checkpoint is kept between runs
   * @throws IllegalArgumentException if {@code base} is not an absolute http or https URL, or
   *     {@code logKey} is not named {@code origin}
   */
  public static Builder builder(
      URI base, String origin, NoteVerifier logKey, CheckpointStore store) {
    return new Builder(base, origin, logKey, store);
  }

  /** The log's origin. */
  public String origin() {
    return origin;
  }

  /**
   * The latest checkpoint this client verified, from memory or from its store, or empty when it has
   * verified none yet. The stored checkpoint is verified again on first load.
   *
   * @throws IOException if the store cannot be read
   * @throws VerificationException if the stored checkpoint no longer verifies against the log key
   */
  public Optional<SignedCheckpoint> latestVerified() throws IOException, VerificationException {
    synchronized (lock) {
      return Optional.ofNullable(loadLatest());
    }
  }

  /**
   * Fetches the log's current checkpoint ({@code GET checkpoint}) and {@linkplain #accept accepts}
   * it.
   *
   * @throws IOException if the request fails or the store cannot be written
   * @throws LogMisbehaviourException if the checkpoint contradicts one verified before
   * @throws VerificationException if the checkpoint does not verify
   */
  public SignedCheckpoint fetchCheckpoint() throws IOException, VerificationException {
    return accept(get("checkpoint"));
  }

  /**
   * With a {@linkplain Builder#requirePostQuantumSignature post-quantum key}, checks that {@code
   * cp} (already verified with the log key) carries a valid signature line by it; only that line is
   * checked, the Ed25519 one is not verified again.
   *
   * @throws org.rcskt.verifier.note.InvalidNoteSignatureException if its line does not verify
   * @throws org.rcskt.verifier.note.UnverifiedNoteException if it has none
   */
  private void requirePostQuantum(SignedCheckpoint cp) throws VerificationException {
    if (postQuantumKey == null) {
      return;
    }
    if (cp.signedBy(postQuantumKey)) {
      return;
    }
    throw new org.rcskt.verifier.note.UnverifiedNoteException(
        "checkpoint of tree size "
            + cp.checkpoint().treeSize()
            + " has no post-quantum signature from "
            + org.rcskt.verifier.note.NoteKeys.label(postQuantumKey.name(), postQuantumKey.keyId()),
        cp.note());
  }

  /**
   * Verifies {@code signedCheckpoint} and, if it is newer than the latest verified one, checks that
   * it extends it (fetching a consistency proof) and stores it.
   *
   * @return the verified checkpoint; when it has the same size and root as the latest verified one,
   *     that one (the stored copy is kept)
   * @throws LogMisbehaviourException with kind ROLLBACK if its tree is smaller than the latest
   *     verified one's, FORK if it has the same size but another root, INCONSISTENT if the
   *     consistency proof from the latest verified size to its size fails
   * @throws QuorumException if the client has a {@linkplain Builder#witnessPolicy witness policy}
   *     and too few of its witnesses cosigned the checkpoint; the exception names those that did
   * @throws VerificationException if it is malformed, for another origin, not signed by the log, or
   *     a configured witness's cosignature on it does not verify
   * @throws IOException if fetching the proof or saving the checkpoint fails
   */
  public SignedCheckpoint accept(byte[] signedCheckpoint)
      throws IOException, VerificationException {
    Objects.requireNonNull(signedCheckpoint, "signedCheckpoint");
    SignedCheckpoint next = witnessPolicy.verify(signedCheckpoint, origin, logKey);
    requirePostQuantum(next);
    synchronized (lock) {
      SignedCheckpoint prev = loadLatest();
      if (prev == null) {
        store.save(next.raw());
        latest = next;
        return next;
      }
      Checkpoint p = prev.checkpoint();
      Checkpoint n = next.checkpoint();
      if (n.treeSize() < p.treeSize()) {
        throw misbehaviour(
            LogMisbehaviourException.Kind.ROLLBACK,
            "checkpoint has tree size "
                + n.treeSize()
                + ", smaller than the tree size "
                + p.treeSize()
                + " already verified",
            prev,
            next,
            List.of(),
            null);
      }
      if (n.treeSize() == p.treeSize()) {
        if (!n.rootHash().equals(p.rootHash())) {
          throw fork("checkpoint", prev, next);
        }
        return prev;
      }
      proveConsistent(
          p,
          n,
          "checkpoint for tree size "
              + n.treeSize()
              + " is not consistent with the tree size "
              + p.treeSize()
              + " already verified",
          prev,
          next);
      store.save(next.raw());
      latest = next;
      return next;
    }
  }

  /**
   * Verifies the checkpoint of a submission receipt ({@code POST /v1/events} answers with the
   * checkpoint of the batch that logged the event). Concurrent submitters get the checkpoints of
   * their own batches, so a receipt's tree may be smaller than one this client verified already:
   * that is no rollback. Such a checkpoint is checked to be a prefix of the latest verified tree
   * with a consistency proof from its size to the latest size, and the latest verified checkpoint
   * stays; a receipt's tree of the latest size or larger is handled exactly as {@link #accept}.
   * With a {@linkplain Builder#witnessPolicy witness policy} a receipt (which no witness has
   * cosigned yet) never becomes the latest verified checkpoint: a larger one is checked to extend
   * it with a consistency proof, one of the same size to have its root.
   *
   * @param signedCheckpoint the receipt's {@code checkpoint}
   * @return the receipt's verified checkpoint, against which its inclusion proof is checked
   * @throws LogMisbehaviourException INCONSISTENT if a smaller tree is not a prefix of the latest
   *     verified one (with both checkpoints and the proof), or as {@link #accept}
   * @throws VerificationException if it is malformed, for another origin or not signed by the log
   * @throws IOException if fetching the proof or saving the checkpoint fails
   */
  public SignedCheckpoint acceptReceipt(byte[] signedCheckpoint)
      throws IOException, VerificationException {
    Objects.requireNonNull(signedCheckpoint, "signedCheckpoint");
    SignedCheckpoint next = SignedCheckpoint.verify(signedCheckpoint, origin, logKey);
    requirePostQuantum(next);
    SignedCheckpoint prev;
    synchronized (lock) {
      prev = loadLatest();
    }
    Checkpoint n = next.checkpoint();
    if (witnessPolicy.quorum() > 0
        && (prev == null || n.treeSize() >= prev.checkpoint().treeSize())) {
      // A receipt is the log's own checkpoint, never witnessed yet: it is checked against the
      // latest witnessed one but does not become it.
      if (prev != null) {
        Checkpoint p = prev.checkpoint();
        if (n.treeSize() == p.treeSize() && !n.rootHash().equals(p.rootHash())) {
          throw fork("receipt checkpoint", prev, next);
        }
        if (n.treeSize() > p.treeSize()) {
          proveConsistent(
              p,
              n,
              "receipt checkpoint for tree size "
                  + n.treeSize()
                  + " does not extend the tree size "
                  + p.treeSize()
                  + " already verified",
              prev,
              next);
        }
      }
      return next;
    }
    if (prev == null || n.treeSize() >= prev.checkpoint().treeSize()) {
      return accept(signedCheckpoint);
    }
    Checkpoint p = prev.checkpoint();
    proveConsistent(
        n,
        p,
        "receipt checkpoint for tree size "
            + n.treeSize()
            + " is not a prefix of the tree size "
            + p.treeSize()
            + " already verified",
        prev,
        next);
    return next;
  }

  /** FORK: {@code next} has the size of the verified {@code prev} but another root. */
  private LogMisbehaviourException fork(String what, SignedCheckpoint prev, SignedCheckpoint next) {
    Checkpoint n = next.checkpoint();
    return misbehaviour(
        LogMisbehaviourException.Kind.FORK,
        what
            + " for tree size "
            + n.treeSize()
            + " has root hash "
            + n.rootHash()
            + " but root hash "
            + prev.checkpoint().rootHash()
            + " was already verified for that size",
        prev,
        next,
        List.of(),
        null);
  }

  /**
   * Fetches and verifies the consistency proof from {@code older} to {@code newer} (none is needed
   * from the empty tree).
   *
   * @param what the misbehaviour's message, before the proof's failure
   * @param prev the latest verified checkpoint, for the evidence
   * @param next the checkpoint being checked, for the evidence
   * @throws LogMisbehaviourException INCONSISTENT, with both checkpoints and the proof, if it does
   *     not verify
   */
  private void proveConsistent(
      Checkpoint older, Checkpoint newer, String what, SignedCheckpoint prev, SignedCheckpoint next)
      throws IOException, VerificationException {
    if (older.treeSize() == 0) {
      return;
    }
    String path = "v1/proof/consistency?from=" + older.treeSize() + "&to=" + newer.treeSize();
    List<Hash> proof = parseProof(path, json(path), "consistencyProof");
    try {
      ConsistencyProof.verify(
          older.treeSize(), newer.treeSize(), older.rootHash(), newer.rootHash(), proof);
    } catch (ConsistencyProofException e) {
      throw misbehaviour(
          LogMisbehaviourException.Kind.INCONSISTENT,
          what + ": " + e.getMessage(),
          prev,
          next,
          proof,
          e);
    }
  }

  /**
   * Fetches the inclusion proof of {@code leafHash} at {@code leafIndex} in the tree of {@code
   * checkpoint} and verifies it.
   *
   * @return the verified proof
   * @throws IOException if the request fails
   * @throws ResponseException if the response is malformed or the proof does not verify
   */
  public List<Hash> proveInclusion(long leafIndex, Hash leafHash, SignedCheckpoint checkpoint)
      throws IOException, VerificationException {
    Checkpoint c = checkpoint.checkpoint();
    if (leafIndex < 0 || leafIndex >= c.treeSize()) {
      throw new IllegalArgumentException(
          "leaf index " + leafIndex + " is not below the tree size " + c.treeSize());
    }
    String path = "v1/proof/inclusion?index=" + leafIndex + "&size=" + c.treeSize();
    List<Hash> proof = parseProof(path, json(path), "inclusionProof");
    try {
      InclusionProof.verify(leafIndex, c.treeSize(), leafHash, proof, c.rootHash());
    } catch (InclusionProofException e) {
      throw new ResponseException(path, leafIndex, e.getMessage(), e);
    }
    return proof;
  }

  /**
   * Submits one event ({@code POST v1/events}) and verifies the receipt: the checkpoint as {@link
   * #acceptReceipt}, the leaf hash against the event's own, and the inclusion proof against the
   * checkpoint. A duplicate (the event was logged before) is a receipt too, naming the existing
   * leaf.
   *
   * @throws RejectedEventException if the log refused the event (its status and error body)
   * @throws ResponseException if the receipt is malformed, names another leaf hash, or its proof
   *     does not verify
   * @throws LogMisbehaviourException if the receipt's checkpoint contradicts one verified before
   * @throws VerificationException if the receipt's checkpoint does not verify
   * @throws IOException if the request fails
   */
  public Receipt submit(KeyEvent event) throws IOException, VerificationException {
    Objects.requireNonNull(event, "event");
    String path = "v1/events";
    JsonNode body = post(path, EventJson.toJsonString(event).getBytes(StandardCharsets.UTF_8));
    SignedCheckpoint cp =
        acceptReceipt(text(path, body, "checkpoint").getBytes(StandardCharsets.UTF_8));
    return receipt(path, body, event, cp);
  }

  /**
   * Submits up to {@link #MAX_BATCH_EVENTS} events in one request ({@code POST v1/events/batch})
   * and verifies the answer: its checkpoint once (as {@link #acceptReceipt}), then every accepted
   * event's receipt against it. A refused event is an outcome, not an exception.
   *
   * @throws IllegalArgumentException if {@code events} is empty or longer than {@link
   *     #MAX_BATCH_EVENTS}
   * @throws RejectedEventException if the log refused the whole request (a malformed envelope, a
   *     body over its limit, overload)
   * @throws ResponseException if the answer is malformed, has another number of outcomes than
   *     events, or a receipt does not verify
   * @throws VerificationException if the checkpoint does not verify
   * @throws IOException if the request fails
   */
  public BatchReceipt submitBatch(List<KeyEvent> events) throws IOException, VerificationException {
    if (events.isEmpty() || events.size() > MAX_BATCH_EVENTS) {
      throw new IllegalArgumentException(
          "a batch holds 1 to " + MAX_BATCH_EVENTS + " events, not " + events.size());
    }
    StringBuilder sb = new StringBuilder("{\"events\":[");
    for (int i = 0; i < events.size(); i++) {
      sb.append(i == 0 ? "" : ",").append(EventJson.toJsonString(events.get(i)));
    }
    String path = "v1/events/batch";
    JsonNode body = post(path, sb.append("]}").toString().getBytes(StandardCharsets.UTF_8));
    SignedCheckpoint cp =
        acceptReceipt(text(path, body, "checkpoint").getBytes(StandardCharsets.UTF_8));
    JsonNode results = body.get("results");
    if (results == null || !results.isArray() || results.size() != events.size()) {
      throw new ResponseException(
          path,
          -1,
          "field \"results\" is not an array of " + events.size() + " outcomes, one per event",
          null);
    }
    List<BatchReceipt.Outcome> out = new ArrayList<>(events.size());
    for (int i = 0; i < events.size(); i++) {
      JsonNode r = results.get(i);
      if (!r.isObject()) {
        throw new ResponseException(path, -1, "results[" + i + "] is not an object", null);
      }
      long status = number(path, r, "status");
      if (status == 200) {
        out.add(new BatchReceipt.Outcome(receipt(path, r, events.get(i), cp), null));
      } else {
        out.add(new BatchReceipt.Outcome(null, Rejection.of((int) status, r, r.toString())));
      }
    }
    return new BatchReceipt(cp, out);
  }

  private static Receipt receipt(String path, JsonNode r, KeyEvent event, SignedCheckpoint cp)
      throws ResponseException {
    Checkpoint c = cp.checkpoint();
    long leafIndex = number(path, r, "leafIndex");
    Hash leafHash;
    try {
      leafHash = Hash.fromBase64(text(path, r, "leafHash"));
    } catch (IllegalArgumentException e) {
      throw new ResponseException(path, leafIndex, "field \"leafHash\" is not a base64 hash", e);
    }
    if (!leafHash.equals(event.leafHash())) {
      throw new ResponseException(
          path,
          leafIndex,
          "receipt names leaf hash " + leafHash + ", not the submitted event's " + event.leafHash(),
          null);
    }
    if (leafIndex >= c.treeSize()) {
      throw new ResponseException(
          path,
          leafIndex,
          "receipt's leaf index " + leafIndex + " is not below its tree size " + c.treeSize(),
          null);
    }
    List<Hash> proof = parseProof(path, r, "inclusionProof");
    try {
      InclusionProof.verify(leafIndex, c.treeSize(), leafHash, proof, c.rootHash());
    } catch (InclusionProofException e) {
      throw new ResponseException(
          path,
          leafIndex,
          "receipt's inclusion proof does not verify against tree size "
              + c.treeSize()
              + ": "
              + e.getMessage(),
          e);
    }
    return new Receipt(
        leafIndex,
        leafHash,
        flag(path, r, "duplicate"),
        flag(path, r, "unattestedRegistration"),
        flag(path, r, "recovery"),
        cp,
        proof);
  }

  private static boolean flag(String path, JsonNode node, String field) throws ResponseException {
    JsonNode v = node.get(field);
    if (v == null || !v.isBoolean()) {
      throw new ResponseException(
          path, -1, "field \"" + field + "\" is missing or not a boolean", null);
    }
    return v.booleanValue();
  }

  /**
   * POSTs a JSON body to {@code path}; returns the JSON object of a 200 answer.
   *
   * @throws RejectedEventException for any other status, with the log's error body
   */
  private JsonNode post(String path, byte[] json) throws IOException, ResponseException {
    URI uri = base.resolve(path);
    HttpRequest.Builder rb =
        HttpRequest.newBuilder(uri)
            .timeout(timeout)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(json));
    if (bearerToken != null) {
      rb.header("Authorization", "Bearer " + bearerToken);
    }
    Answer a = send(uri, rb.build());
    byte[] body = a.body();
    JsonNode node;
    try {
      node = JSON.readTree(body);
    } catch (JsonProcessingException e) {
      node = null;
    }
    if (a.status() != 200) {
      throw new RejectedEventException(
          Rejection.of(a.status(), node, new String(body, StandardCharsets.UTF_8)));
    }
    if (node == null || !node.isObject()) {
      throw new ResponseException(path, -1, "response is not a JSON object", null);
    }
    return node;
  }

  /**
   * Fetches all of a subject's events ({@code GET v1/subjects/<hex>}, following {@code nextFrom}
   * page by page), accepts the checkpoint each page states (see {@link #accept}), verifies every
   * event's inclusion proof against its page's checkpoint, and verifies each page's completeness
   * proof: the checkpoint's last leaf is the subject map's root and the subject's map proof says
   * which event is its latest, where the listed events must end. The events are decoded but not
   * checked against the event rules, and the server's state summary is ignored: replaying the
   * events is the caller's job (see {@code ContinuityChecker}).
   *
   * @throws IOException if a request fails or the store cannot be written
   * @throws StaleAnswerException if the events listed do not end where the log's own map says
   * @throws LogMisbehaviourException if a stated checkpoint contradicts one verified before
   * @throws ResponseException if a response is malformed, names another subject, holds an event
   *     that does not decode, belongs to another subject or is out of sequence, pages do not
   *     advance, or a proof (inclusion, map root, completeness) does not verify
   * @throws VerificationException if a stated checkpoint does not verify
   */
  public SubjectHistory subject(Hash subject) throws IOException, VerificationException {
    return history(
        "v1/subjects/" + subject.toHex(), subject, json("v1/subjects/" + subject.toHex()));
  }

  /**
   * Looks a phone number up ({@code GET v1/keys/<E.164>}): checks the VRF proof of the index the
   * log gives for it against the log's VRF key (see {@link Builder#vrfKey}), then fetches and
   * verifies the subject's events as {@link #subject} does.
   *
   * @throws IllegalArgumentException if {@code e164} is not a strict E.164 number
   * @throws IllegalStateException if the client was built without the log's VRF key
   * @throws ResponseException if the answer is malformed or its VRF proof does not verify for this
   *     number, or for the reasons {@link #subject} gives
   * @throws IOException if a request fails or the store cannot be written
   * @throws VerificationException if a stated checkpoint does not verify
   */
  public NumberLookup lookup(String e164) throws IOException, VerificationException {
    PhoneNumbers.validate(e164);
    if (vrfKey == null) {
      throw new IllegalStateException("this client was built without the log's VRF key");
    }
    String path = "v1/keys/" + e164;
    JsonNode root = json(path);
    String named = text(path, root, "number");
    if (!named.equals(e164)) {
      throw new ResponseException(path, -1, "answer is about number " + named, null);
    }
    byte[] proof;
    try {
      proof = java.util.Base64.getDecoder().decode(text(path, root, "vrfProof"));
    } catch (IllegalArgumentException e) {
      throw new ResponseException(path, -1, "field \"vrfProof\" is not base64", e);
    }
    Hash index;
    try {
      index = PhoneNumbers.verifiedIndex(vrfKey, e164, proof);
    } catch (VrfVerificationException e) {
      throw new ResponseException(
          path, -1, "the VRF proof of the index does not verify: " + e.getMessage(), e);
    }
    String stated = text(path, root, "index");
    if (!stated.equals(index.toHex())) {
      throw new ResponseException(
          path,
          -1,
          "stated index " + stated + " is not the one the VRF proof gives, " + index,
          null);
    }
    return new NumberLookup(e164, index, proof, history(path, index, root));
  }

  /** Pages through a subject's events, starting with the already fetched first page. */
  private SubjectHistory history(String basePath, Hash subject, JsonNode first)
      throws IOException, VerificationException {
    List<LoggedEvent> out = new ArrayList<>();
    SignedCheckpoint cp = null;
    Completeness.Proven proven = null;
    JsonNode root = first;
    String path = basePath;
    while (true) {
      String named = text(path, root, "subject");
      if (!named.equals(subject.toHex())) {
        throw new ResponseException(path, -1, "answer is about subject " + named, null);
      }
      cp = accept(text(path, root, "checkpoint").getBytes(StandardCharsets.UTF_8));
      proven = Completeness.verify(path, root, cp, subject);
      JsonNode events = root.get("events");
      if (events == null || !events.isArray()) {
        throw new ResponseException(path, -1, "field \"events\" is missing or not an array", null);
      }
      for (JsonNode e : events) {
        out.add(loggedEvent(path, subject, e, out.size(), cp));
      }
      JsonNode next = root.get("nextFrom");
      if (next == null || next.isNull()) {
        break;
      }
      long nextFrom = number(path, root, "nextFrom");
      if (nextFrom != out.size()) {
        throw new ResponseException(
            path,
            -1,
            "nextFrom is " + nextFrom + " but " + out.size() + " events were listed so far",
            null);
      }
      if (out.size() > MAX_SUBJECT_EVENTS) {
        throw new ResponseException(
            path, -1, "subject has more than " + MAX_SUBJECT_EVENTS + " events", null);
      }
      path = basePath + "?from=" + nextFrom;
      root = json(path);
    }
    Completeness.checkEvents(path, subject, cp, proven, out);
    return new SubjectHistory(subject, cp, out);
  }

  private static LoggedEvent loggedEvent(
      String path, Hash subject, JsonNode e, long expectedSequence, SignedCheckpoint cp)
      throws ResponseException {
    Checkpoint c = cp.checkpoint();
    long leafIndex = number(path, e, "leafIndex");
    JsonNode json = e.get("event");
    if (json == null || !json.isObject()) {
      throw new ResponseException(
          path, leafIndex, "field \"event\" of leaf " + leafIndex + " is not an object", null);
    }
    KeyEvent event;
    try {
      event = EventJson.fromJson(json);
    } catch (EventFormatException ex) {
      throw new ResponseException(
          path,
          leafIndex,
          "event at leaf " + leafIndex + " does not parse: " + ex.getMessage(),
          ex);
    }
    if (!event.subject().equals(subject)) {
      throw new ResponseException(
          path,
          leafIndex,
          "event at leaf " + leafIndex + " is for subject " + event.subject() + ", not " + subject,
          null);
    }
    // Sequence numbers are checked again by the rules on replay; checking here keeps pages honest.
    if (event.sequence() != expectedSequence) {
      throw new ResponseException(
          path,
          leafIndex,
          "event at leaf "
              + leafIndex
              + " has sequence "
              + event.sequence()
              + ", expected "
              + expectedSequence,
          null);
    }
    List<Hash> proof = parseProof(path, e, "inclusionProof");
    try {
      InclusionProof.verify(leafIndex, c.treeSize(), event.leafHash(), proof, c.rootHash());
    } catch (InclusionProofException ex) {
      throw new ResponseException(
          path,
          leafIndex,
          "inclusion proof of the event at leaf "
              + leafIndex
              + " does not verify against tree size "
              + c.treeSize()
              + ": "
              + ex.getMessage(),
          ex);
    }
    return new LoggedEvent(leafIndex, event, proof, cp);
  }

  private SignedCheckpoint loadLatest() throws IOException, VerificationException {
    if (!loaded) {
      Optional<byte[]> raw = store.load();
      if (raw.isPresent()) {
        latest = SignedCheckpoint.verify(raw.get(), origin, logKey);
      }
      loaded = true;
    }
    return latest;
  }

  private LogMisbehaviourException misbehaviour(
      LogMisbehaviourException.Kind kind,
      String message,
      SignedCheckpoint prev,
      SignedCheckpoint next,
      List<Hash> proof,
      Throwable cause) {
    return new LogMisbehaviourException(
        kind, message, origin, prev.raw(), next.raw(), proof, cause);
  }

  private JsonNode json(String path) throws IOException, ResponseException {
    byte[] body = get(path);
    try {
      JsonNode node = JSON.readTree(body);
      if (node == null || !node.isObject()) {
        throw new ResponseException(path, -1, "response is not a JSON object", null);
      }
      return node;
    } catch (JsonProcessingException e) {
      throw new ResponseException(
          path, -1, "response is not valid JSON: " + e.getOriginalMessage(), e);
    }
  }

  /** GETs {@code path} relative to the base URL; returns the body of a 200 response. */
  byte[] get(String path) throws IOException {
    URI uri = base.resolve(path);
    HttpRequest.Builder rb = HttpRequest.newBuilder(uri).timeout(timeout).GET();
    if (bearerToken != null && path.startsWith("v1/keys/")) {
      // A submitter's lookups count against its own rate, not its address's.
      rb.header("Authorization", "Bearer " + bearerToken);
    }
    Answer a = send(uri, rb.build());
    if (a.status() != 200) {
      throw new HttpStatusException(uri, a.status(), a.body());
    }
    return a.body();
  }

  /** An answer's status and body. */
  private record Answer(int status, byte[] body) {}

  /** Sends {@code req} and reads its answer, at most {@code maxResponseBytes} of body. */
  private Answer send(URI uri, HttpRequest req) throws IOException {
    HttpResponse<InputStream> resp;
    try {
      resp = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while asking " + uri, e);
    }
    try (InputStream in = resp.body()) {
      long declared = resp.headers().firstValueAsLong("content-length").orElse(-1);
      if (declared > maxResponseBytes) {
        throw new IOException(
            uri + ": response of " + declared + " bytes exceeds the limit of " + maxResponseBytes);
      }
      byte[] body = in.readNBytes(maxResponseBytes + 1);
      if (body.length > maxResponseBytes) {
        throw new IOException(
            uri + ": response exceeds the limit of " + maxResponseBytes + " bytes");
      }
      return new Answer(resp.statusCode(), body);
    }
  }

  private static String text(String path, JsonNode node, String field) throws ResponseException {
    JsonNode v = node.get(field);
    if (v == null || !v.isTextual()) {
      throw new ResponseException(
          path, -1, "field \"" + field + "\" is missing or not a string", null);
    }
    return v.asText();
  }

  private static long number(String path, JsonNode node, String field) throws ResponseException {
    JsonNode v = node.get(field);
    if (v == null || !v.canConvertToExactIntegral() || !v.canConvertToLong() || v.asLong() < 0) {
      throw new ResponseException(
          path, -1, "field \"" + field + "\" is missing or not a non-negative integer", null);
    }
    return v.asLong();
  }

  static List<Hash> parseProof(String path, JsonNode node, String field) throws ResponseException {
    return parseProof(path, node, field, field);
  }

  /** Parses {@code node.field}, named {@code label} in errors (a nested field's full name). */
  static List<Hash> parseProof(String path, JsonNode node, String field, String label)
      throws ResponseException {
    JsonNode v = node.get(field);
    if (v == null || !v.isArray()) {
      throw new ResponseException(
          path, -1, "field \"" + label + "\" is missing or not an array", null);
    }
    if (v.size() > MAX_PROOF_HASHES) {
      throw new ResponseException(
          path,
          -1,
          "field \"" + label + "\" has " + v.size() + " hashes, more than " + MAX_PROOF_HASHES,
          null);
    }
    List<Hash> proof = new ArrayList<>(v.size());
    for (int i = 0; i < v.size(); i++) {
      JsonNode h = v.get(i);
      try {
        if (!h.isTextual()) {
          throw new IllegalArgumentException("not a string");
        }
        proof.add(Hash.fromBase64(h.asText()));
      } catch (IllegalArgumentException e) {
        throw new ResponseException(
            path,
            -1,
            "field \"" + label + "\"[" + i + "] is not a base64 hash: " + e.getMessage(),
            e);
      }
    }
    return proof;
  }

  /** Configures a {@link LogClient}. */
  public static final class Builder {
    private final URI base;
    private final String origin;
    private final NoteVerifier logKey;
    private final CheckpointStore store;
    private HttpClient http;
    private Duration timeout = DEFAULT_TIMEOUT;
    private int maxResponseBytes = DEFAULT_MAX_RESPONSE_BYTES;
    private byte[] vrfKey;
    private WitnessPolicy witnessPolicy = WitnessPolicy.none();
    private org.rcskt.verifier.note.SubtreeCosignature.Verifier postQuantumKey;
    private String bearerToken;

    private Builder(URI base, String origin, NoteVerifier logKey, CheckpointStore store) {
      Objects.requireNonNull(base, "base");
      this.origin = Objects.requireNonNull(origin, "origin");
      this.logKey = Objects.requireNonNull(logKey, "logKey");
      this.store = Objects.requireNonNull(store, "store");
      String scheme = base.getScheme();
      if (!base.isAbsolute() || !("http".equals(scheme) || "https".equals(scheme))) {
        throw new IllegalArgumentException("log URL must be absolute http or https, got " + base);
      }
      if (!logKey.name().equals(origin)) {
        throw new IllegalArgumentException(
            "log key name \"" + logKey.name() + "\" differs from the origin \"" + origin + "\"");
      }
      this.base = base;
    }

    /**
     * The submitter's bearer token, sent as {@code Authorization: Bearer <token>} with submissions
     * (a log that names submitters requires it) and with lookups by number (which then count
     * against the submitter's own rate instead of its address's); never with other reads. Send it
     * over https only: anyone who sees it can submit as the submitter.
     *
     * @throws IllegalArgumentException if it is empty, longer than 1,000 characters, or holds
     *     anything but visible ASCII
     */
    public Builder bearerToken(String token) {
      if (token.isEmpty()
          || token.length() > 1000
          || !token.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
        throw new IllegalArgumentException(
            "a bearer token is 1 to 1000 visible ASCII characters without spaces");
      }
      this.bearerToken = token;
      return this;
    }

    /** The per-request timeout (also the connect timeout); default 10 seconds. */
    public Builder timeout(Duration timeout) {
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("timeout must be positive, got " + timeout);
      }
      this.timeout = timeout;
      return this;
    }

    /** The largest response body accepted; default 8 MiB. */
    public Builder maxResponseBytes(int maxResponseBytes) {
      if (maxResponseBytes < 1024) {
        throw new IllegalArgumentException(
            "maxResponseBytes must be at least 1024, got " + maxResponseBytes);
      }
      this.maxResponseBytes = maxResponseBytes;
      return this;
    }

    /**
     * The log's VRF public key (pinned like the log key, from the app's configuration), which
     * {@link LogClient#lookup} checks every index with.
     *
     * @throws IllegalArgumentException if it is not a valid ECVRF public key
     */
    public Builder vrfKey(byte[] publicKey) {
      try {
        EcVrf.validatePublicKey(publicKey);
      } catch (VrfVerificationException e) {
        throw new IllegalArgumentException(e.getMessage(), e);
      }
      this.vrfKey = publicKey.clone();
      return this;
    }

    /**
     * The witnesses a checkpoint needs before {@link LogClient#accept} (and so {@link
     * LogClient#fetchCheckpoint}) takes it; default {@link WitnessPolicy#none()}. A receipt's
     * checkpoint ({@link LogClient#acceptReceipt}) is the log's own and needs none: it is checked
     * against the witnessed one later.
     */
    public Builder witnessPolicy(WitnessPolicy policy) {
      this.witnessPolicy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /** An HTTP client to share (its own timeouts and proxy settings apply). */
    /**
     * Requires every checkpoint the client takes (fetched, or a receipt's) to carry a valid
     * ML-DSA-44 signature line by {@code key}, the log's post-quantum key (its {@code
     * postQuantumVerifierKey}, obtained out of band like the log key), besides the Ed25519 one.
     * Without it the post-quantum line is ignored.
     */
    public Builder requirePostQuantumSignature(
        org.rcskt.verifier.note.SubtreeCosignature.Verifier key) {
      this.postQuantumKey = Objects.requireNonNull(key, "key");
      return this;
    }

    public Builder httpClient(HttpClient http) {
      this.http = Objects.requireNonNull(http, "http");
      return this;
    }

    /** The client; it loads the stored checkpoint on first use, not here. */
    public LogClient build() {
      return new LogClient(this);
    }
  }
}
