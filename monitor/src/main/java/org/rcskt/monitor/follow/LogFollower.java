package org.rcskt.monitor.follow;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import org.rcskt.monitor.alert.Alert;
import org.rcskt.monitor.alert.AlertKind;
import org.rcskt.monitor.alert.AlertListener;
import org.rcskt.monitor.config.LogConfig;
import org.rcskt.monitor.config.WatchConfig;
import org.rcskt.monitor.evidence.BlockPaths;
import org.rcskt.monitor.evidence.Evidence;
import org.rcskt.monitor.evidence.EvidenceStore;
import org.rcskt.monitor.gossip.GossipOutcome;
import org.rcskt.monitor.gossip.GossipResult;
import org.rcskt.monitor.map.FollowedMap;
import org.rcskt.monitor.map.LookupProof;
import org.rcskt.monitor.map.MapState;
import org.rcskt.monitor.metrics.MonitorMetrics;
import org.rcskt.monitor.state.RocksDbStateStore;
import org.rcskt.monitor.watch.WatchList;
import org.rcskt.monitor.watch.WatchRules;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.VerificationException;
import org.rcskt.verifier.checkpoint.Checkpoint;
import org.rcskt.verifier.checkpoint.SignedCheckpoint;
import org.rcskt.verifier.event.AnchorRegistry;
import org.rcskt.verifier.event.EventFormatException;
import org.rcskt.verifier.event.KeyAlgorithm;
import org.rcskt.verifier.event.KeyEvent;
import org.rcskt.verifier.event.PublicKeyInfo;
import org.rcskt.verifier.event.RulesContext;
import org.rcskt.verifier.event.SubjectState;
import org.rcskt.verifier.map.MapRootEntry;
import org.rcskt.verifier.merkle.CompactRange;
import org.rcskt.verifier.merkle.ConsistencyProof;
import org.rcskt.verifier.merkle.ConsistencyProofException;
import org.rcskt.verifier.merkle.InclusionProof;
import org.rcskt.verifier.merkle.Merkle;
import org.rcskt.verifier.merkle.NodeSink;
import org.rcskt.verifier.note.Ed25519NoteVerifier;
import org.rcskt.verifier.tile.EntryBundle;
import org.rcskt.verifier.tile.TilePath;

/**
 * Follows one log: polls its checkpoint, verifies the signature and consistency with the last
 * verified checkpoint, downloads and replays the new entries, proves them a prefix of the signed
 * tree, and records any misbehaviour with an evidence bundle (docs/monitor.md, "Following").
 *
 * <p>Entries are processed in steps of at most {@link #stepBundles} bundles. At the end of a step
 * the recomputed tree is proved a prefix of the target checkpoint (a consistency proof from the
 * log, verified against the recomputed root; or, at the target size, the roots compared), and only
 * then is everything the step produced (progress, subject states, anchors, alerts) committed in one
 * atomic write. A crash between steps loses no work but the step in flight, and replaying that step
 * after a restart raises the same alerts with the same ids, which the alert journal drops.
 *
 * <p>{@link #poll} is synchronized: one log's polls never overlap. {@link #checkHeard} runs
 * concurrently with a poll (it only reads the verified checkpoint and commits alerts), so gossip is
 * answered even while a long catch-up is in progress.
 */
public final class LogFollower {
  private static final System.Logger LOG = System.getLogger(LogFollower.class.getName());
  private static final int WIDTH = TilePath.FULL_WIDTH;
  private static final int MAX_HISTORY_EVENTS = 1000;
  private static final int MAX_PENDING_HEARD = 16;

  /**
   * How many accepted checkpoints may wait for their last leaf to be replayed (one per poll while a
   * catch-up stalls); past it the oldest are not checked, the latest always is.
   */
  private static final int MAX_LAST_LEAF_CHECKS = 1024;

  private static final String META_POLICY = "policy-key";
  private static final String META_UNATTESTED = "allow-unattested";
  private static final String META_ALGORITHMS = "algorithm-policy";
  private static final String META_ATTESTATION = "device-attestation-policy";
  private static final String META_ANCHORS = "anchors";
  private static final String META_ANCHOR_LEAVES = "anchor-leaves";
  private static final String META_PROGRESS_CHECKPOINT = "progress-checkpoint";
  private static final String META_MAP = "map";

  private final LogConfig config;
  private final String origin;
  private final LogClient client;
  private final Ed25519NoteVerifier logKey;
  private final RocksDbStateStore store;
  private final List<WatchConfig> watchConfig;
  private final PhoneIndexes phoneIndexes;
  private volatile WatchList watch; // null until every phone entry has its index in this log
  private final EvidenceStore evidence;
  private final MonitorMetrics metrics;
  private final AlertListener listener;
  private final Clock clock;
  private final ExecutorService verifyPool;
  private final ExecutorService fetchPool;
  private final int parallelism;
  private final int stepBundles;

  private RulesContext rules;
  private volatile SignedCheckpoint verified;
  private volatile long latestSeen;
  private volatile long lastPollOkMs;
  private volatile String lastProblem;
  private volatile List<String> lastCosigners = List.of();
  private final Map<Hash, SubjectState> watchedStates = new HashMap<>();
  private final Map<String, byte[]> pendingHeard = new java.util.LinkedHashMap<>();
  // Accepted checkpoints whose last leaf is not replayed yet, by tree size (poll thread only).
  private final TreeMap<Long, SignedCheckpoint> lastLeafToCheck = new TreeMap<>();
  private long recheckCursor;
  private final java.util.concurrent.atomic.AtomicLong mapNanos =
      new java.util.concurrent.atomic.AtomicLong();

  /**
   * @param stepBundles how many bundles one step (one commit) covers at most
   * @throws IOException if the stored state cannot be read
   * @throws IllegalArgumentException if the configured verifier key does not parse (the config
   *     parser has already checked it)
   */
  public LogFollower(
      LogConfig config,
      LogClient client,
      RocksDbStateStore store,
      List<WatchConfig> watch,
      PhoneIndexes phoneIndexes,
      EvidenceStore evidence,
      MonitorMetrics metrics,
      AlertListener listener,
      Clock clock,
      ExecutorService verifyPool,
      ExecutorService fetchPool,
      int parallelism,
      int stepBundles)
      throws IOException {
    this.config = config;
    this.origin = config.origin();
    this.client = client;
    try {
      this.logKey = Ed25519NoteVerifier.fromVerifierKey(config.verifierKey());
    } catch (VerificationException e) {
      throw new IllegalArgumentException("verifier key: " + e.getMessage(), e);
    }
    this.store = store;
    this.watchConfig = List.copyOf(watch);
    this.phoneIndexes = phoneIndexes;
    this.evidence = evidence;
    this.metrics = metrics;
    this.listener = listener;
    this.clock = clock;
    this.verifyPool = verifyPool;
    this.fetchPool = fetchPool;
    this.parallelism = parallelism;
    this.stepBundles = stepBundles;
    byte[] raw = store.checkpoint(origin);
    if (raw != null) {
      try {
        this.verified = SignedCheckpoint.verify(raw, origin, logKey);
        this.latestSeen = verified.checkpoint().treeSize();
        metrics.checkpointVerified(origin, latestSeen);
      } catch (VerificationException e) {
        throw new IOException(
            "the stored checkpoint of "
                + origin
                + " no longer verifies with the configured key: "
                + e.getMessage(),
            e);
      }
    }
    if (watchConfig.stream().noneMatch(w -> w.phone().isPresent())) {
      useWatchList(new WatchList(watchConfig));
    }
    if (phoneIndexes != null) {
      phoneIndexes.answerCheck(this::checkLookup);
    }
    if (verified != null && verified.checkpoint().treeSize() > progress().treeSize()) {
      lastLeafToCheck.put(verified.checkpoint().treeSize(), verified);
    }
    metrics.progress(origin, progress().treeSize(), latestSeen, 0);
  }

  /** The log's checkpoint key. */
  public Ed25519NoteVerifier logKey() {
    return logKey;
  }

  public String origin() {
    return origin;
  }

  public LogConfig config() {
    return config;
  }

  /** The latest verified checkpoint, or null before the first one. */
  public SignedCheckpoint verifiedCheckpoint() {
    return verified;
  }

  /** The number of leading entries verified. */
  public long verifiedEntries() throws IOException {
    return progress().treeSize();
  }

  /**
   * The time spent recomputing and checking the subject map since start, in nanoseconds: the map
   * batches, the comparisons and staging its records (not the shared synced write).
   */
  public long mapCheckNanos() {
    return mapNanos.get();
  }

  /** When the last poll that reached the log finished, in ms since the epoch; 0 if never. */
  public long lastPollOkMs() {
    return lastPollOkMs;
  }

  /**
   * The configured witnesses ({@link LogConfig#witnesses}) whose cosignature the log's latest
   * polled checkpoint carried, verified.
   */
  public List<String> lastCosigners() {
    return lastCosigners;
  }

  /** The last problem met (unreachable log, misbehaviour), or null. */
  public String lastProblem() {
    return lastProblem;
  }

  // ---------------------------------------------------------------- polling

  /**
   * One poll: fetch and verify the checkpoint, catch up on entries, check expiries, recheck some
   * served bundles, then retry heard checkpoints that could not be verified before.
   *
   * @throws IOException if the monitor's own state cannot be read or written
   */
  public synchronized void poll() throws IOException {
    try {
      byte[] raw = client.checkpoint();
      SignedCheckpoint latest;
      try {
        latest = SignedCheckpoint.verify(raw, origin, logKey);
      } catch (VerificationException e) {
        Evidence ev =
            Evidence.builder(
                    AlertKind.BAD_SIGNATURE,
                    origin,
                    config.verifierKey(),
                    "the checkpoint the log served does not verify with its key: " + e.getMessage())
                .checkpoints(raw)
                .put("error", e.getMessage())
                .build();
        misbehaviour(ev, null, -1);
        metrics.poll(origin, "misbehaviour");
        return;
      }
      latestSeen = Math.max(latestSeen, latest.checkpoint().treeSize());
      if (!config.witnesses().isEmpty()) {
        List<String> by =
            org.rcskt.verifier.witness.WitnessPolicy.cosignedBy(latest, config.witnesses());
        lastCosigners = by;
        metrics.checkpointCosignatures(origin, by.size());
      }
      if (!acceptCheckpoint(latest)) {
        metrics.poll(origin, "misbehaviour");
        return;
      }
      if (ensureRules() && ensureWatchList()) {
        catchUp(verified);
        checkExpiries();
        recheck();
      }
      retryHeard();
      lastPollOkMs = clock.millis();
      metrics.poll(origin, "ok");
    } catch (LogHttpException e) {
      lastProblem = e.getMessage();
      metrics.poll(origin, "unreachable");
      LOG.log(Level.WARNING, "polling " + origin + " failed: " + e.getMessage());
    }
  }

  /**
   * Checks {@code latest} against the last verified checkpoint and makes it the new one when it
   * extends it. Returns false (after raising the alert) when they conflict.
   */
  private boolean acceptCheckpoint(SignedCheckpoint latest) throws IOException, LogHttpException {
    SignedCheckpoint mine = verified;
    Checkpoint l = latest.checkpoint();
    if (mine == null) {
      commitCheckpoint(latest);
      return true;
    }
    Checkpoint m = mine.checkpoint();
    if (l.treeSize() == m.treeSize()) {
      if (l.rootHash().equals(m.rootHash())) {
        return true;
      }
      misbehaviour(
          Evidence.builder(
                  AlertKind.INCONSISTENT_CHECKPOINT,
                  origin,
                  config.verifierKey(),
                  "the log signed two different trees of size " + l.treeSize())
              .checkpoints(mine.raw(), latest.raw())
              .build(),
          null,
          -1);
      return false;
    }
    if (l.treeSize() < m.treeSize()) {
      Evidence.Builder b =
          Evidence.builder(
                  AlertKind.ROLLBACK,
                  origin,
                  config.verifierKey(),
                  "the log served tree size " + l.treeSize() + " after tree size " + m.treeSize())
              .checkpoints(mine.raw(), latest.raw());
      AlertKind kind = AlertKind.ROLLBACK;
      if (l.treeSize() > 0) {
        List<Hash> proof = client.consistencyProof(l.treeSize(), m.treeSize());
        b.proof("consistency", l.treeSize(), m.treeSize(), proof);
        try {
          ConsistencyProof.verify(l.treeSize(), m.treeSize(), l.rootHash(), m.rootHash(), proof);
        } catch (ConsistencyProofException e) {
          kind = AlertKind.INCONSISTENT_CHECKPOINT;
          b =
              Evidence.builder(
                      kind,
                      origin,
                      config.verifierKey(),
                      "the log served tree size "
                          + l.treeSize()
                          + " after tree size "
                          + m.treeSize()
                          + " and cannot prove them consistent: "
                          + e.getMessage())
                  .checkpoints(latest.raw(), mine.raw());
          b = failedConsistency(b, l.treeSize(), m.treeSize(), proof);
        }
      }
      misbehaviour(b.build(), null, -1);
      return false;
    }
    if (m.treeSize() > 0) {
      List<Hash> proof = client.consistencyProof(m.treeSize(), l.treeSize());
      try {
        ConsistencyProof.verify(m.treeSize(), l.treeSize(), m.rootHash(), l.rootHash(), proof);
      } catch (ConsistencyProofException e) {
        misbehaviour(
            failedConsistency(
                    Evidence.builder(
                            AlertKind.INCONSISTENT_CHECKPOINT,
                            origin,
                            config.verifierKey(),
                            "the log cannot prove its checkpoint of size "
                                + l.treeSize()
                                + " consistent with its earlier one of size "
                                + m.treeSize()
                                + ": "
                                + e.getMessage())
                        .checkpoints(mine.raw(), latest.raw()),
                    m.treeSize(),
                    l.treeSize(),
                    proof)
                .build(),
            null,
            -1);
        return false;
      }
    }
    commitCheckpoint(latest);
    return true;
  }

  private void commitCheckpoint(SignedCheckpoint c) throws IOException {
    try (RocksDbStateStore.Commit commit = store.begin()) {
      commit.checkpoint(origin, c.raw());
      listener.committed(commit.commit());
    }
    verified = c;
    if (c.checkpoint().treeSize() > 0) {
      lastLeafToCheck.put(c.checkpoint().treeSize(), c);
      while (lastLeafToCheck.size() > MAX_LAST_LEAF_CHECKS) {
        lastLeafToCheck.pollFirstEntry();
      }
    }
    metrics.checkpointVerified(origin, c.checkpoint().treeSize());
  }

  /** Loads or learns the log's policy; false when it cannot be known yet. */
  private boolean ensureRules() throws IOException, LogHttpException {
    if (rules != null) {
      return true;
    }
    byte[] pinned = store.logMeta(origin, META_POLICY);
    byte[] unattested = store.logMeta(origin, META_UNATTESTED);
    byte[] algorithms = store.logMeta(origin, META_ALGORITHMS);
    String policyText = config.policyKey().orElse(null);
    if (pinned == null || unattested == null || algorithms == null) {
      LogClient.Info info = client.info();
      try (RocksDbStateStore.Commit c = store.begin()) {
        if (pinned == null || unattested == null) {
          if (policyText == null) {
            policyText = keyText(info.policyKey());
            LOG.log(
                Level.INFO,
                "pinning the policy key of "
                    + origin
                    + " from /v1/info on first contact: "
                    + policyText);
          }
          c.logMeta(origin, META_POLICY, policyText.getBytes(StandardCharsets.UTF_8));
          c.logMeta(origin, META_UNATTESTED, new byte[] {(byte) (info.allowUnattested() ? 1 : 0)});
          pinned = policyText.getBytes(StandardCharsets.UTF_8);
          unattested = new byte[] {(byte) (info.allowUnattested() ? 1 : 0)};
        }
        if (algorithms == null) {
          // Pinned like the rest of the policy: a log that later changes it is replayed under
          // what it published first, which never raises a false alarm (a requirement can only
          // be added for the future, docs/design/0012-post-quantum.md).
          algorithms =
              org.rcskt.verifier.event.AlgorithmPolicyJson.toJson(info.algorithms())
                  .toString()
                  .getBytes(StandardCharsets.UTF_8);
          c.logMeta(origin, META_ALGORITHMS, algorithms);
        }
        c.commit();
      }
    }
    if (policyText == null) {
      policyText = new String(pinned, StandardCharsets.UTF_8);
    }
    PublicKeyInfo policy = parseKey(policyText);
    org.rcskt.verifier.event.AlgorithmPolicy algorithmPolicy;
    try {
      algorithmPolicy =
          org.rcskt.verifier.event.AlgorithmPolicyJson.fromJson(
              new com.fasterxml.jackson.databind.ObjectMapper().readTree(algorithms),
              "pinned algorithm policy");
    } catch (org.rcskt.verifier.event.EventFormatException e) {
      throw new IOException("the pinned algorithm policy of " + origin + " is corrupt", e);
    }
    rules =
        RulesContext.replay(policy)
            .withAllowUnattestedRegistration(unattested[0] != 0)
            .withAlgorithms(algorithmPolicy)
            .withDeviceAttestation(deviceAttestationPolicy());
    return true;
  }

  /**
   * The log's device attestation policy, fetched once per process and kept for when the log is
   * unreachable at the next start. Unlike the rest of the policy it is not pinned on first contact:
   * a log adds attestation roots over time (Google and Apple roll theirs), and evidence is checked
   * at its event's timestamp, so a newer policy still accepts older evidence as long as no root is
   * removed (docs/design/0013-device-attestation.md). Null when the log publishes none: evidence is
   * then left unchecked.
   */
  private org.rcskt.verifier.attestation.DeviceAttestationPolicy deviceAttestationPolicy()
      throws IOException {
    byte[] stored = store.logMeta(origin, META_ATTESTATION);
    byte[] json = stored;
    try {
      com.fasterxml.jackson.databind.JsonNode published = client.info().deviceAttestation();
      if (published != null) {
        json = published.toString().getBytes(StandardCharsets.UTF_8);
        if (stored == null || !java.util.Arrays.equals(stored, json)) {
          try (RocksDbStateStore.Commit c = store.begin()) {
            c.logMeta(origin, META_ATTESTATION, json);
            c.commit();
          }
          if (stored != null) {
            LOG.log(
                Level.INFO,
                origin + " publishes a changed device attestation policy; replaying under it");
          }
        }
      }
    } catch (LogHttpException e) {
      LOG.log(
          Level.WARNING,
          "cannot fetch the device attestation policy of "
              + origin
              + ("; using the copy from the last start" + (stored == null ? " (none)" : ""))
              + ": "
              + e.getMessage());
    }
    if (json == null) {
      return null;
    }
    try {
      return org.rcskt.verifier.attestation.DeviceAttestationPolicyJson.fromJson(
          new com.fasterxml.jackson.databind.ObjectMapper().readTree(json),
          "rules.deviceAttestation");
    } catch (IllegalArgumentException e) {
      throw new IOException(
          "the device attestation policy of " + origin + " is malformed: " + e.getMessage(), e);
    }
  }

  private void useWatchList(WatchList list) throws IOException {
    for (WatchList.Entry w : list.entries()) {
      byte[] rec = store.subject(origin, w.subject());
      if (rec != null) {
        watchedStates.put(w.subject(), SubjectRecord.decode(rec).state());
      }
    }
    watch = list;
  }

  /**
   * Makes sure every watched phone number has its index in this log (looked up and verified once,
   * then read from the state). Returns false, after raising BAD_VRF_PROOF, when the log's answer
   * for one does not verify: the entries are then not replayed, so that no event of a watched
   * number passes unchecked, until a later poll's lookup verifies.
   *
   * @throws LogHttpException if a lookup fails; the poll counts as unreachable
   */
  private boolean ensureWatchList() throws IOException {
    if (watch != null) {
      return true;
    }
    PhoneIndexes.Result r = phoneIndexes.resolve(watchConfig);
    PhoneIndexes.Refusal refusal = r.refusal();
    if (refusal == null) {
      useWatchList(new WatchList(watchConfig, r.indexes()));
      LOG.log(
          Level.INFO,
          origin + ": the indexes of " + r.indexes().size() + " watched numbers are verified");
      return true;
    }
    String label = refusal.watch().label();
    AlertKind kind = refusal.vrf() ? AlertKind.BAD_VRF_PROOF : AlertKind.BAD_LOOKUP_PROOF;
    String summary =
        (refusal.vrf()
                ? "the log's index for the watched number \""
                : "the log's answer to the lookup of the watched number \"")
            + label
            + "\" does not verify: "
            + refusal.reason()
            + "; the log's entries are not followed until it does";
    lastProblem = summary;
    metrics.verificationFailure(origin, kind.wireName());
    Map<String, String> details = new TreeMap<>();
    details.put("statedIndex", truncate(refusal.statedIndex()));
    details.put("vrfKey", config.vrfKey().orElse(""));
    Alert a =
        new Alert(
            0,
            kind.wireName()
                + ":"
                + origin
                + ":"
                + label
                + ":"
                + Hash.sha256(config.vrfKey().orElse("").getBytes(StandardCharsets.UTF_8))
                    .toHex()
                    .substring(0, 16),
            kind,
            clock.millis(),
            origin,
            null,
            label,
            -1,
            summary,
            details,
            null);
    List<Alert> raised;
    try (RocksDbStateStore.Commit c = store.begin()) {
      raised = c.raise(a).commit();
    }
    listener.committed(raised);
    LOG.log(raised.isEmpty() ? Level.DEBUG : Level.ERROR, origin + ": " + summary);
    return false;
  }

  /**
   * Checks the map part of a lookup answer whose VRF proof verified (docs/monitor.md, "Watching
   * phone numbers"): its checkpoint is signed by the log, the checkpoint's last leaf is a {@code
   * MAP_ROOT} entry proven by inclusion, and the completeness proof verifies against that map root.
   * The checkpoint is then compared with the monitor's own view as a gossiped one is: a signed tree
   * of the same size with another root, or one not consistent with it, is a split view with
   * evidence. The same leaf of the same signed tree is the same bytes, so once the roots agree the
   * answer's map root is the one the monitor replayed and checked.
   *
   * @return null if the answer verifies, else the failed check
   */
  private String checkLookup(Hash index, LogClient.Lookup answer) throws IOException {
    byte[] raw = answer.checkpoint();
    if (raw == null) {
      return "the answer has no checkpoint";
    }
    SignedCheckpoint cp;
    try {
      cp = SignedCheckpoint.verify(raw, origin, logKey);
    } catch (VerificationException e) {
      return "the answer's checkpoint is not signed by the log (" + e.getMessage() + ")";
    }
    LogClient.MapRootLeaf m = answer.mapRoot();
    try {
      LookupProof.verify(
          cp.checkpoint(),
          index,
          m == null ? null : m.entry(),
          m == null ? -1 : m.leafIndex(),
          m == null ? List.of() : m.inclusionProof(),
          answer.completeness());
    } catch (LookupProof.RefusedException e) {
      return e.getMessage();
    }
    GossipResult g = checkHeard(raw);
    if (g.outcome() == GossipOutcome.SPLIT_VIEW) {
      LOG.log(Level.ERROR, origin + ": a lookup answer's checkpoint shows a split view");
    }
    return null;
  }

  private static String truncate(String s) {
    return s.length() <= 2 * Hash.SIZE ? s : s.substring(0, 2 * Hash.SIZE) + "...";
  }

  /** The {@code ed25519:<base64>} form of a key, as in the configuration file. */
  public static String keyText(PublicKeyInfo k) {
    return k.algorithm().name().toLowerCase(java.util.Locale.ROOT)
        + ":"
        + Base64.getEncoder().encodeToString(k.key());
  }

  private static PublicKeyInfo parseKey(String text) {
    if (!text.startsWith("ed25519:")) {
      throw new IllegalArgumentException("policy key must be ed25519:<base64>, got " + text);
    }
    return PublicKeyInfo.of(
        KeyAlgorithm.ED25519, Base64.getDecoder().decode(text.substring("ed25519:".length())), 0);
  }

  // ---------------------------------------------------------------- entries

  FollowProgress progress() throws IOException {
    byte[] p = store.progress(origin);
    return p == null ? FollowProgress.empty() : FollowProgress.decode(p);
  }

  private AnchorRegistry anchors() throws IOException {
    byte[] a = store.logMeta(origin, META_ANCHORS);
    if (a == null) {
      return AnchorRegistry.EMPTY;
    }
    try {
      return AnchorRegistry.fromBytes(a);
    } catch (EventFormatException e) {
      throw new IOException("stored anchor registry of " + origin + " is corrupt", e);
    }
  }

  private long[] anchorLeaves() throws IOException {
    byte[] a = store.logMeta(origin, META_ANCHOR_LEAVES);
    if (a == null) {
      return new long[0];
    }
    ByteBuffer b = ByteBuffer.wrap(a);
    long[] out = new long[a.length / 8];
    for (int i = 0; i < out.length; i++) {
      out[i] = b.getLong();
    }
    return out;
  }

  /** Downloads, verifies and replays entries up to the size of {@code target}. */
  private void catchUp(SignedCheckpoint target) throws IOException, LogHttpException {
    Checkpoint t = target.checkpoint();
    long n = t.treeSize();
    FollowProgress p = progress();
    long s = p.treeSize();
    if (s >= n) {
      metrics.progress(origin, s, latestSeen, 0);
      return;
    }
    List<Hash> binding = List.of();
    if (s > 0) {
      binding = client.consistencyProof(s, n);
      try {
        ConsistencyProof.verify(s, n, p.range().rootHash(), t.rootHash(), binding);
      } catch (ConsistencyProofException e) {
        misbehaviour(prefixMismatch(target, p, binding, e), null, -1);
        return;
      }
    }
    try (BundleWindow window =
        new BundleWindow(client, fetchPool, n, s / WIDTH, Math.max(4, 2 * stepBundles))) {
      while (s < n) {
        long e = Math.min(n, (s / WIDTH + stepBundles) * WIDTH);
        StepResult r = step(target, p, window, s, e, binding);
        if (r == null) {
          return;
        }
        p = r.progress;
        binding = r.binding;
        s = e;
      }
    }
  }

  private record StepResult(FollowProgress progress, List<Hash> binding) {}

  /**
   * Processes entries {@code s .. e-1} of the tree of {@code target}; returns the new progress, or
   * null when the step failed verification (the alert is raised) and nothing was committed.
   */
  private StepResult step(
      SignedCheckpoint target,
      FollowProgress p,
      BundleWindow window,
      long s,
      long e,
      List<Hash> binding)
      throws IOException, LogHttpException {
    Checkpoint t = target.checkpoint();
    long n = t.treeSize();
    CompactRange start = p.range().copy();
    CompactRange range = p.range().copy();
    Map<Long, Hash> bundleRoots = new TreeMap<>();
    NodeSink sink =
        (level, index, hash) -> {
          if (level == TilePath.HEIGHT) {
            bundleRoots.put(index, hash);
          }
        };
    List<byte[]> entries = new ArrayList<>((int) (e - s));
    List<Hash> leafHashes = new ArrayList<>((int) (e - s));
    List<Hash> edge = new ArrayList<>(p.edge());
    long firstBundle = s / WIDTH;
    long lastBundle = (e - 1) / WIDTH;
    for (long b = firstBundle; b <= lastBundle; b++) {
      byte[] data = window.take();
      int w = window.width(b);
      List<byte[]> bundle;
      try {
        bundle = EntryBundle.parse(TilePath.entryBundle(b, w), data);
      } catch (VerificationException ex) {
        // Unparseable bytes cannot hash to the signed root: the tree check below fails.
        bundle = List.of(data);
        LOG.log(Level.WARNING, origin + " served a malformed bundle " + b + ": " + ex.getMessage());
      }
      int skip = b == firstBundle ? (int) (s % WIDTH) : 0;
      if (skip > 0) {
        if (!checkEdge(b, skip, bundle, p)) {
          return null;
        }
        edge = new ArrayList<>(p.edge());
      } else {
        edge.clear();
      }
      for (int i = skip; i < bundle.size(); i++) {
        byte[] entry = bundle.get(i);
        Hash leaf = Merkle.leafHash(entry);
        range.append(leaf, sink);
        edge.add(leaf);
        entries.add(entry);
        leafHashes.add(leaf);
      }
      if (edge.size() == WIDTH) {
        edge.clear();
      }
    }
    long end = range.treeSize();
    if (end != e) {
      // The bundles held another number of entries than the tree size says.
      misbehaviour(rootMismatch(target, start, s, n, binding, entries, null, end), null, -1);
      return null;
    }
    List<Hash> nextBinding = List.of();
    if (e == n) {
      if (!range.rootHash().equals(t.rootHash())) {
        misbehaviour(rootMismatch(target, start, s, n, binding, entries, null, e), null, -1);
        return null;
      }
    } else {
      nextBinding = client.consistencyProof(e, n);
      try {
        ConsistencyProof.verify(e, n, range.rootHash(), t.rootHash(), nextBinding);
      } catch (ConsistencyProofException ex) {
        misbehaviour(rootMismatch(target, start, s, n, binding, entries, nextBinding, e), null, -1);
        return null;
      }
    }

    // The entries are now bound to the signed tree: replay them and commit.
    Replayer replayer =
        new Replayer(origin, config.replay(), watch, rules, anchors(), verifyPool, parallelism);
    long now = clock.millis();
    replayer.replay(
        s,
        entries,
        subject -> {
          byte[] rec = store.subject(origin, subject);
          return rec == null ? null : SubjectRecord.decode(rec);
        },
        now);
    List<Alert> alerts = new ArrayList<>(replayer.alerts());
    List<Evidence> evidences = new ArrayList<>();
    for (Replayer.Violation v : replayer.violations()) {
      Evidence ev = violationEvidence(target, v, replayer);
      evidences.add(ev);
      alerts.add(
          misbehaviourAlert(ev, v.event() == null ? null : v.event().subject(), v.leafIndex()));
    }
    long m0 = System.nanoTime();
    FollowedMap map = loadMap(s);
    KeyEvent[] decoded = replayer.decoded();
    for (int i = 0; i < entries.size(); i++) {
      map.accept(s + i, entries.get(i), decoded[i], leafHashes.get(i));
    }
    byte[] mapState = map.state().encode();
    mapNanos.addAndGet(System.nanoTime() - m0);
    for (FollowedMap.Mismatch mm : map.mismatches()) {
      if (!mm.provable()) {
        LOG.log(
            Level.ERROR,
            origin
                + ": "
                + mm.problem()
                + " (the map has diverged for more than "
                + FollowedMap.MAX_PENDING
                + " leaves; no evidence is kept until a map root matches again)");
        lastProblem = mm.problem();
        continue;
      }
      Evidence ev = mapEvidence(target, mm, s, entries);
      evidences.add(ev);
      alerts.add(misbehaviourAlert(ev, null, mm.leafIndex()));
    }
    List<SignedCheckpoint> missingMapRoots = new ArrayList<>();
    for (SignedCheckpoint c : lastLeafToCheck.subMap(s, false, e, true).values()) {
      long size = c.checkpoint().treeSize();
      byte[] last = entries.get((int) (size - 1 - s));
      if (!MapRootEntry.isMapRoot(last)) {
        Evidence ev = missingMapRoot(c, last, lastLeafPath(start, leafHashes, s, size));
        evidences.add(ev);
        alerts.add(misbehaviourAlert(ev, null, size - 1));
        missingMapRoots.add(c);
      }
    }
    for (Evidence ev : evidences) {
      evidence.write(ev, now);
    }
    FollowProgress next = new FollowProgress(range, edge);
    try (RocksDbStateStore.Commit c = store.begin()) {
      c.progress(origin, next.encode());
      c.logMeta(origin, META_MAP, mapState);
      for (Map.Entry<ByteBuffer, byte[]> mn : map.changes().entrySet()) {
        c.mapNode(origin, mn.getKey().array(), mn.getValue());
      }
      for (Map.Entry<Long, Hash> br : bundleRoots.entrySet()) {
        c.bundleDigest(origin, br.getKey(), br.getValue().toByteArray());
      }
      for (Map.Entry<Hash, SubjectRecord> sr : replayer.touched().entrySet()) {
        c.subject(origin, sr.getKey(), sr.getValue().encode());
      }
      if (!replayer.newAnchorLeaves().isEmpty()) {
        c.logMeta(origin, META_ANCHORS, replayer.anchors().toBytes());
        long[] old = anchorLeaves();
        ByteBuffer b = ByteBuffer.allocate(8 * (old.length + replayer.newAnchorLeaves().size()));
        for (long x : old) {
          b.putLong(x);
        }
        for (long x : replayer.newAnchorLeaves()) {
          b.putLong(x);
        }
        c.logMeta(origin, META_ANCHOR_LEAVES, b.array());
      }
      if (e == n) {
        c.logMeta(origin, META_PROGRESS_CHECKPOINT, target.raw());
      }
      for (Alert a : alerts) {
        c.raise(a);
      }
      listener.committed(c.commit());
    }
    for (Replayer.Violation v : replayer.violations()) {
      metrics.verificationFailure(origin, AlertKind.RULE_VIOLATION.wireName());
    }
    for (FollowedMap.Mismatch mm : map.mismatches()) {
      metrics.verificationFailure(origin, AlertKind.MAP_ROOT_MISMATCH.wireName());
    }
    for (SignedCheckpoint c : missingMapRoots) {
      metrics.verificationFailure(origin, AlertKind.MISSING_MAP_ROOT.wireName());
      lastProblem =
          "the log's checkpoint of size " + c.checkpoint().treeSize() + " ends in an event";
    }
    lastLeafToCheck.headMap(e, true).clear();
    for (Map.Entry<Hash, SubjectRecord> sr : replayer.touched().entrySet()) {
      if (watch.contains(sr.getKey())) {
        watchedStates.put(sr.getKey(), sr.getValue().state());
      }
    }
    metrics.progress(origin, e, latestSeen, e - s);
    return new StepResult(next, nextBinding);
  }

  /**
   * The inclusion proof of leaf {@code size - 1} in the tree of size {@code size}, which lies in
   * the step starting at {@code s} over {@code start}: for the last leaf it is the peaks of the
   * tree over the leaves before it, lowest first (RFC 9162 section 2.1.3.1).
   */
  static List<Hash> lastLeafPath(CompactRange start, List<Hash> leafHashes, long s, long size) {
    CompactRange r = start.copy();
    for (long i = s; i < size - 1; i++) {
      r.append(leafHashes.get((int) (i - s)));
    }
    List<Hash> path = new ArrayList<>();
    long n = r.treeSize();
    for (int level = 0; level < 63; level++) {
      if (((n >>> level) & 1) != 0) {
        path.add(r.peak(level));
      }
    }
    return path;
  }

  /**
   * The evidence of a checkpoint whose last leaf is not a {@code MAP_ROOT} entry (docs/protocol.md
   * section 16): the checkpoint and that leaf with its inclusion proof.
   */
  private Evidence missingMapRoot(SignedCheckpoint c, byte[] last, List<Hash> proof) {
    long size = c.checkpoint().treeSize();
    return Evidence.builder(
            AlertKind.MISSING_MAP_ROOT,
            origin,
            config.verifierKey(),
            "the log's signed tree of size "
                + size
                + " ends at leaf "
                + (size - 1)
                + " in an entry that is not a MAP_ROOT")
        .checkpoints(c.raw())
        .event(size - 1, last, proof)
        .build();
  }

  /** The monitor's map of the log as of leaf {@code s}, from the state store. */
  private FollowedMap loadMap(long s) throws IOException {
    byte[] state = store.logMeta(origin, META_MAP);
    FollowedMap map;
    try {
      map = FollowedMap.load(state, key -> store.mapNode(origin, key));
    } catch (IllegalArgumentException e) {
      throw new IOException("the stored map state of " + origin + " is corrupt: " + e.getMessage());
    }
    if (map.treeSize() != s) {
      throw new IOException(
          "the stored map of "
              + origin
              + " covers "
              + map.treeSize()
              + " entries, but "
              + s
              + " are verified; the state was written by a monitor that did not keep the map:"
              + " start from an empty state directory");
    }
    return map;
  }

  /**
   * The evidence of a map root that the entries do not give: the checkpoint, the entries from the
   * base map root to the mismatching one bound to its tree, and the map proofs of the subjects they
   * touch against the base (docs/monitor.md, "map-root-mismatch").
   */
  private Evidence mapEvidence(
      SignedCheckpoint target, FollowedMap.Mismatch mm, long stepStart, List<byte[]> stepEntries)
      throws IOException, LogHttpException {
    long n = target.checkpoint().treeSize();
    long leaf = mm.leafIndex();
    MapState base = mm.base();
    long from = base.baseRange().treeSize();
    List<byte[]> data = new ArrayList<>((int) (leaf + 1 - from));
    for (long i = from; i <= leaf; ) {
      if (i >= stepStart) {
        data.add(stepEntries.get((int) (i - stepStart)));
        i++;
        continue;
      }
      long b = i / WIDTH;
      int w = (int) Math.min(WIDTH, n - b * WIDTH);
      List<byte[]> bundle;
      try {
        bundle = EntryBundle.parse(TilePath.entryBundle(b, w), client.entryBundle(b, w));
      } catch (VerificationException ex) {
        throw new LogHttpException("bundle " + b + " no longer parses: " + ex.getMessage(), 0);
      }
      for (; i <= leaf && i < stepStart && i < (b + 1) * WIDTH; i++) {
        data.add(bundle.get((int) (i % WIDTH)));
      }
    }
    Evidence.Builder b =
        Evidence.builder(
                AlertKind.MAP_ROOT_MISMATCH,
                origin,
                config.verifierKey(),
                "the log's signed tree of size " + n + " holds a wrong map root: " + mm.problem())
            .checkpoints(target.raw())
            .put("mapRootLeaf", leaf)
            .put("baseLeaf", base.baseLeaf())
            .range(base.baseRange())
            .entries(from, data);
    if (leaf + 1 < n) {
      b.proof("consistency", leaf + 1, n, client.consistencyProof(leaf + 1, n));
    }
    return b.mapProofs(mm.proofs())
        .put("recomputedSubjectCount", mm.recomputedCount())
        .put("recomputedRoot", mm.recomputedRoot().toBase64())
        .build();
  }

  /**
   * The evidence when the log cannot prove the verified prefix of size s inside its new tree: two
   * signed checkpoints and the failing proof when a checkpoint of size s is kept, else the range.
   */
  private Evidence prefixMismatch(
      SignedCheckpoint target, FollowProgress p, List<Hash> proof, ConsistencyProofException e)
      throws IOException {
    long s = p.treeSize();
    long n = target.checkpoint().treeSize();
    String summary =
        "the log cannot prove the verified tree of size "
            + s
            + " a prefix of its signed tree of size "
            + n
            + ": "
            + e.getMessage();
    byte[] raw = store.logMeta(origin, META_PROGRESS_CHECKPOINT);
    if (raw != null) {
      try {
        SignedCheckpoint at = SignedCheckpoint.verify(raw, origin, logKey);
        if (at.checkpoint().treeSize() == s) {
          return failedConsistency(
                  Evidence.builder(
                          AlertKind.INCONSISTENT_CHECKPOINT, origin, config.verifierKey(), summary)
                      .checkpoints(at.raw(), target.raw()),
                  s,
                  n,
                  proof)
              .build();
        }
      } catch (VerificationException ignored) {
        // Fall through to the range form.
      }
    }
    return Evidence.builder(AlertKind.ROOT_MISMATCH, origin, config.verifierKey(), summary)
        .checkpoints(target.raw())
        .range(p.range())
        .proof("binding", s, n, proof)
        .entries(s, List.of())
        .build();
  }

  private Evidence rootMismatch(
      SignedCheckpoint target,
      CompactRange start,
      long s,
      long n,
      List<Hash> binding,
      List<byte[]> entries,
      List<Hash> endProof,
      long end) {
    Evidence.Builder b =
        Evidence.builder(
                AlertKind.ROOT_MISMATCH,
                origin,
                config.verifierKey(),
                "entries "
                    + s
                    + " to "
                    + (end - 1)
                    + " as served are not the entries of the log's signed tree of size "
                    + n)
            .checkpoints(target.raw())
            .range(start);
    if (s > 0 && s < n) {
      b.proof("binding", s, n, binding);
    }
    b.entries(s, entries);
    if (endProof != null && end < n) {
      b.proof("consistency", end, n, endProof);
    }
    return b.build();
  }

  /**
   * Checks that the first {@code skip} entries of bundle {@code b} are the ones verified before.
   */
  private boolean checkEdge(long b, int skip, List<byte[]> bundle, FollowProgress p)
      throws IOException {
    List<Hash> edge = p.edge();
    boolean same = bundle.size() >= skip;
    for (int i = 0; same && i < skip; i++) {
      same = Merkle.leafHash(bundle.get(i)).equals(edge.get(i));
    }
    if (same) {
      return true;
    }
    byte[] served =
        bundle.size() >= skip ? EntryBundle.encode(bundle.subList(0, skip)) : new byte[0];
    rewritten(b, skip, served, p);
    return false;
  }

  /** Raises ENTRY_REWRITTEN for bundle {@code b} (of width {@code width}) as served now. */
  private void rewritten(long b, int width, byte[] served, FollowProgress p) throws IOException {
    byte[] raw = store.logMeta(origin, META_PROGRESS_CHECKPOINT);
    long s = p.treeSize();
    SignedCheckpoint at;
    try {
      at = raw == null ? null : SignedCheckpoint.verify(raw, origin, logKey);
    } catch (VerificationException e) {
      at = null;
    }
    if (at == null || at.checkpoint().treeSize() != s) {
      LOG.log(
          Level.ERROR,
          origin + " changed bundle " + b + ", but no checkpoint of size " + s + " is kept");
      lastProblem = "bundle " + b + " changed after it was verified";
      return;
    }
    long blocks = (s + WIDTH - 1) / WIDTH;
    Hash edgeRoot = subtreeRoot(p.edge());
    long full = s / WIDTH;
    Map<Long, Hash> cache = new HashMap<>();
    java.util.function.LongFunction<Hash> blockRoot =
        i -> {
          if (i == full) {
            return edgeRoot;
          }
          return cache.computeIfAbsent(
              i,
              k -> {
                try {
                  byte[] d = store.bundleDigest(origin, k);
                  if (d == null) {
                    throw new IllegalStateException("no digest recorded for bundle " + k);
                  }
                  return Hash.of(d);
                } catch (IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              });
        };
    Hash recorded = blockRoot.apply(b);
    List<Hash> path = BlockPaths.path(b, blocks, blockRoot);
    misbehaviour(
        Evidence.builder(
                AlertKind.ENTRY_REWRITTEN,
                origin,
                config.verifierKey(),
                "the log now serves entry bundle "
                    + b
                    + " with other entries than the ones it served before and signed in its tree"
                    + " of size "
                    + s)
            .checkpoints(at.raw())
            .bundle(b, width, served, recorded, blocks, path)
            .build(),
        null,
        b * WIDTH);
  }

  private static Hash subtreeRoot(List<Hash> leaves) {
    CompactRange r = CompactRange.empty();
    for (Hash h : leaves) {
      r.append(h);
    }
    return r.rootHash();
  }

  /**
   * Fetches {@code recheckBundles} already verified bundles again, round robin, and compares them
   * with what was verified; runs only when the entries are caught up with a kept checkpoint.
   */
  private void recheck() throws IOException, LogHttpException {
    if (config.recheckBundles() == 0) {
      return;
    }
    FollowProgress p = progress();
    long s = p.treeSize();
    byte[] raw = store.logMeta(origin, META_PROGRESS_CHECKPOINT);
    if (s == 0 || raw == null) {
      return;
    }
    long full = s / WIDTH;
    long total = full + (s % WIDTH == 0 ? 0 : 1);
    for (int k = 0; k < Math.min(config.recheckBundles(), total); k++) {
      long b = recheckCursor++ % total;
      int width = b < full ? WIDTH : (int) (s % WIDTH);
      byte[] data = client.entryBundle(b, width);
      Hash recorded;
      if (b < full) {
        byte[] d = store.bundleDigest(origin, b);
        if (d == null) {
          continue;
        }
        recorded = Hash.of(d);
      } else {
        recorded = subtreeRoot(p.edge());
      }
      Hash servedRoot;
      try {
        List<byte[]> entries = EntryBundle.parse(TilePath.entryBundle(b, width), data);
        CompactRange r = CompactRange.empty();
        for (byte[] x : entries) {
          r.append(Merkle.leafHash(x));
        }
        servedRoot = r.rootHash();
      } catch (VerificationException e) {
        servedRoot = null;
      }
      if (!recorded.equals(servedRoot)) {
        rewritten(b, width, data, p);
        return;
      }
    }
  }

  /** Raises a KEY_EXPIRED alert (once) for every watched key past its not-after date. */
  private void checkExpiries() throws IOException {
    long now = clock.millis();
    List<Alert> alerts = new ArrayList<>();
    WatchList watch = this.watch;
    for (Map.Entry<Hash, SubjectState> e : watchedStates.entrySet()) {
      for (Alert a :
          WatchRules.expiries(origin, e.getKey(), e.getValue(), watch.get(e.getKey()), now)) {
        // Raised once: skip the synced write on every later poll.
        if (!store.alertRaised(a.id())) {
          alerts.add(a);
        }
      }
    }
    if (alerts.isEmpty()) {
      return;
    }
    try (RocksDbStateStore.Commit c = store.begin()) {
      for (Alert a : alerts) {
        c.raise(a);
      }
      listener.committed(c.commit());
    }
  }

  // ---------------------------------------------------------------- misbehaviour

  private Alert misbehaviourAlert(Evidence ev, Hash subject, long leafIndex) {
    WatchList list = watch;
    WatchList.Entry w = subject == null || list == null ? null : list.get(subject);
    Map<String, String> details = new TreeMap<>();
    details.put("evidenceFile", evidence.path(ev.id()).toString());
    return new Alert(
        0,
        ev.kind().wireName() + ":" + origin + ":" + ev.id(),
        ev.kind(),
        clock.millis(),
        origin,
        subject,
        w == null ? null : w.label(),
        leafIndex,
        ev.summary(),
        details,
        ev.id());
  }

  /** Writes the evidence, then commits its alert (once per evidence id). */
  private void misbehaviour(Evidence ev, Hash subject, long leafIndex) throws IOException {
    Path file = evidence.write(ev, clock.millis());
    lastProblem = ev.summary();
    metrics.verificationFailure(origin, ev.kind().wireName());
    List<Alert> raised;
    try (RocksDbStateStore.Commit c = store.begin()) {
      c.raise(misbehaviourAlert(ev, subject, leafIndex));
      raised = c.commit();
    }
    listener.committed(raised);
    // Seeing the same misbehaviour again (every poll or gossip round) is only worth a debug line.
    LOG.log(
        raised.isEmpty() ? Level.DEBUG : Level.ERROR,
        origin + ": " + ev.summary() + " (evidence " + file + ")");
  }

  /** The evidence for a rule-breaking entry: the subject's history and the anchors, all proved. */
  private Evidence violationEvidence(
      SignedCheckpoint target, Replayer.Violation v, Replayer replayer)
      throws IOException, LogHttpException {
    long n = target.checkpoint().treeSize();
    Evidence.Builder b =
        Evidence.builder(
                AlertKind.RULE_VIOLATION,
                origin,
                config.verifierKey(),
                "the log accepted at leaf " + v.leafIndex() + " an event that " + ruleText(v))
            .checkpoints(target.raw())
            .put("policyKey", keyText(rules.policyKey()))
            .put("allowUnattested", rules.allowUnattestedRegistration())
            .put("offending", v.leafIndex())
            .put("violation", v.violation());
    List<Long> history = new ArrayList<>();
    if (v.event() != null) {
      for (long a : anchorLeaves()) {
        if (a < v.leafIndex()) {
          history.add(a);
        }
      }
      for (long a : replayer.newAnchorLeaves()) {
        if (a < v.leafIndex()) {
          history.add(a);
        }
      }
      if (v.event().type() != org.rcskt.verifier.event.EventType.ANCHOR) {
        SubjectRecord rec = replayer.touched().get(v.event().subject());
        if (rec != null) {
          for (long x : rec.leafIndexes()) {
            if (x < v.leafIndex()) {
              history.add(x);
            }
          }
        }
      }
    }
    history.sort(null);
    if (history.size() > MAX_HISTORY_EVENTS) {
      b.put("historyTruncated", true);
      history = history.subList(history.size() - MAX_HISTORY_EVENTS, history.size());
    }
    history.add(v.leafIndex());
    for (long leaf : history) {
      byte[] entry = fetchEntry(leaf, n);
      List<Hash> proof = client.inclusionProof(leaf, n);
      try {
        InclusionProof.verify(
            leaf, n, Merkle.leafHash(entry), proof, target.checkpoint().rootHash());
      } catch (VerificationException ex) {
        // The tree check already bound the entries; a bad proof here is the log's doing.
        b.put("inclusionProofFailure" + leaf, ex.getMessage());
      }
      b.event(leaf, entry, proof);
    }
    return b.build();
  }

  private static String ruleText(Replayer.Violation v) {
    return v.event() == null
        ? "is not a key event (" + v.message() + ")"
        : "breaks the rules: " + v.message();
  }

  private byte[] fetchEntry(long leaf, long treeSize) throws LogHttpException {
    long b = leaf / WIDTH;
    int w = (int) Math.min(WIDTH, treeSize - b * WIDTH);
    byte[] data = client.entryBundle(b, w);
    try {
      return EntryBundle.parse(TilePath.entryBundle(b, w), data).get((int) (leaf % WIDTH));
    } catch (VerificationException e) {
      throw new LogHttpException("bundle " + b + " no longer parses: " + e.getMessage(), 0);
    }
  }

  // ---------------------------------------------------------------- gossip

  /**
   * Verifies a checkpoint heard from a peer against this monitor's view: the log's signature, then
   * consistency in whichever direction applies, with a proof from the log.
   *
   * @throws IOException if the monitor's state cannot be written
   */
  public GossipResult checkHeard(byte[] raw) throws IOException {
    SignedCheckpoint h;
    try {
      h = SignedCheckpoint.verify(raw, origin, logKey);
    } catch (VerificationException e) {
      return new GossipResult(
          origin, GossipOutcome.BAD_SIGNATURE, "not signed by the log: " + e.getMessage(), null);
    }
    SignedCheckpoint mine = verified;
    if (mine == null) {
      remember(raw);
      return new GossipResult(
          origin, GossipOutcome.UNVERIFIED, "no verified view of the log yet", null);
    }
    Checkpoint a = mine.checkpoint();
    Checkpoint b = h.checkpoint();
    if (a.treeSize() == b.treeSize()) {
      if (a.rootHash().equals(b.rootHash())) {
        return new GossipResult(origin, GossipOutcome.CONSISTENT, "same tree", null);
      }
      return splitView(
          Evidence.builder(
                  AlertKind.SPLIT_VIEW,
                  origin,
                  config.verifierKey(),
                  "the log signed two different trees of size " + a.treeSize())
              .checkpoints(mine.raw(), h.raw())
              .build());
    }
    SignedCheckpoint small = a.treeSize() < b.treeSize() ? mine : h;
    SignedCheckpoint large = small == mine ? h : mine;
    long m = small.checkpoint().treeSize();
    long n = large.checkpoint().treeSize();
    if (m == 0) {
      if (small.checkpoint().rootHash().equals(Merkle.emptyRoot())) {
        return new GossipResult(origin, GossipOutcome.CONSISTENT, "the empty tree", null);
      }
      return splitView(
          Evidence.builder(
                  AlertKind.SPLIT_VIEW,
                  origin,
                  config.verifierKey(),
                  "the log signed a tree of size 0 whose root is not the empty root")
              .checkpoints(small.raw(), small.raw())
              .build());
    }
    List<Hash> proof;
    try {
      proof = client.consistencyProof(m, n);
    } catch (LogHttpException e) {
      remember(raw);
      return new GossipResult(
          origin,
          GossipOutcome.UNVERIFIED,
          "the log gave no consistency proof from " + m + " to " + n + " yet: " + e.getMessage(),
          null);
    }
    try {
      ConsistencyProof.verify(
          m, n, small.checkpoint().rootHash(), large.checkpoint().rootHash(), proof);
    } catch (ConsistencyProofException e) {
      return splitView(
          failedConsistency(
                  Evidence.builder(
                          AlertKind.SPLIT_VIEW,
                          origin,
                          config.verifierKey(),
                          "the log's checkpoints of sizes "
                              + m
                              + " and "
                              + n
                              + " are not consistent: "
                              + e.getMessage())
                      .checkpoints(small.raw(), large.raw()),
                  m,
                  n,
                  proof)
              .build());
    }
    return new GossipResult(
        origin, GossipOutcome.CONSISTENT, "consistent from " + m + " to " + n, null);
  }

  /**
   * Records a consistency proof from size {@code m} to {@code n} that failed to verify between two
   * signed checkpoints: the proof as served and, when it helps, the prefix path (below).
   */
  private Evidence.Builder failedConsistency(Evidence.Builder b, long m, long n, List<Hash> proof) {
    return prefixPath(b.proof("consistency", m, n, proof), m, n);
  }

  /**
   * Adds the {@code prefixPath} of a fork between signed trees of sizes {@code m < n} when m is a
   * power of two. RFC 9162's consistency proof from such an m leaves the old root out, so its
   * failure alone cannot show which root the tree of size n gives its first m leaves; the inclusion
   * proof of leaf m - 1 in the tree of size n does, because that leaf is the rightmost of the
   * subtree over the first m leaves. The proof is recorded as served; the recheck decides what it
   * shows. A log that will not serve it only leaves the bundle as strong as before.
   */
  private Evidence.Builder prefixPath(Evidence.Builder b, long m, long n) {
    if (m < 1 || m >= n || (m & (m - 1)) != 0) {
      return b;
    }
    try {
      LogClient.Inclusion inc = client.inclusion(m - 1, n);
      return b.prefixPath(m - 1, n, inc.leafHash(), inc.proof());
    } catch (LogHttpException e) {
      LOG.log(
          Level.WARNING,
          origin
              + " gave no inclusion proof of leaf "
              + (m - 1)
              + " in tree size "
              + n
              + " for the fork evidence: "
              + e.getMessage());
      return b;
    }
  }

  private GossipResult splitView(Evidence ev) throws IOException {
    misbehaviour(ev, null, -1);
    return new GossipResult(origin, GossipOutcome.SPLIT_VIEW, ev.summary(), ev.id());
  }

  private void remember(byte[] raw) {
    String key = new String(raw, StandardCharsets.UTF_8);
    synchronized (pendingHeard) {
      if (pendingHeard.size() < MAX_PENDING_HEARD) {
        pendingHeard.put(key, raw);
      }
    }
  }

  private void retryHeard() throws IOException {
    List<byte[]> again;
    synchronized (pendingHeard) {
      again = new ArrayList<>(pendingHeard.values());
      pendingHeard.clear();
    }
    for (byte[] raw : again) {
      GossipResult r = checkHeard(raw);
      metrics.gossipCheckpoint(origin, r.outcome().wireName());
    }
  }
}
