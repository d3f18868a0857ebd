package org.rcskt.monitor.config;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * One log to follow.
 *
 * @param url the log's base URL; the tlog-tiles and JSON paths are resolved against it (it always
 *     ends with a slash)
 * @param origin the log's origin line, which is also its checkpoint key name
 * @param verifierKey the log's checkpoint verifier key in C2SP signed-note vkey form
 * @param vrfKey the public key string of the log's VRF ({@code
 *     <name>+ECVRF-EDWARDS25519-SHA512-TAI+<base64>}), which checks the index the log gives for
 *     each watched phone number; required when a watch entry names a phone number
 * @param policyKey the vkey of the log's policy key, which signs ANCHOR events; when empty the
 *     monitor pins the key {@code GET /v1/info} names on first contact
 * @param pollInterval how often to fetch the checkpoint
 * @param replay whose events are replayed through the rules
 * @param recheckBundles how many already verified entry bundles to fetch again on each poll, to
 *     catch a log that rewrites what it served (0 turns the sweep off)
 * @param witnesses witnesses whose cosignatures on the log's checkpoints the monitor reports (in
 *     {@code /healthz} and its metrics); none by default
 * @param follow whether the monitor fetches and verifies the log; {@code false} makes it a witness
 *     of the log only (it cosigns and gossips the checkpoints it is shown but fetches nothing),
 *     which needs the witness role
 * @param feed whether the monitor subscribes to the log's push feed to fetch new entries as soon as
 *     they are logged, besides polling (default true)
 */
public record LogConfig(
    URI url,
    String origin,
    String verifierKey,
    Optional<String> vrfKey,
    Optional<String> policyKey,
    Duration pollInterval,
    Replay replay,
    int recheckBundles,
    java.util.List<org.rcskt.verifier.note.CosignatureV1Verifier> witnesses,
    boolean follow,
    boolean feed) {

  public LogConfig {
    witnesses = java.util.List.copyOf(witnesses);
  }

  /** A log that is followed or witnessed only, with the push feed on. */
  public LogConfig(
      URI url,
      String origin,
      String verifierKey,
      Optional<String> vrfKey,
      Optional<String> policyKey,
      Duration pollInterval,
      Replay replay,
      int recheckBundles,
      java.util.List<org.rcskt.verifier.note.CosignatureV1Verifier> witnesses,
      boolean follow) {
    this(
        url,
        origin,
        verifierKey,
        vrfKey,
        policyKey,
        pollInterval,
        replay,
        recheckBundles,
        witnesses,
        follow,
        true);
  }

  /** A followed log with reported witnesses. */
  public LogConfig(
      URI url,
      String origin,
      String verifierKey,
      Optional<String> vrfKey,
      Optional<String> policyKey,
      Duration pollInterval,
      Replay replay,
      int recheckBundles,
      java.util.List<org.rcskt.verifier.note.CosignatureV1Verifier> witnesses) {
    this(
        url,
        origin,
        verifierKey,
        vrfKey,
        policyKey,
        pollInterval,
        replay,
        recheckBundles,
        witnesses,
        true);
  }

  /** This log, witnessed but not followed. */
  public LogConfig witnessOnly() {
    return new LogConfig(
        url,
        origin,
        verifierKey,
        vrfKey,
        policyKey,
        pollInterval,
        replay,
        recheckBundles,
        witnesses,
        false,
        feed);
  }

  /** A log without reported witnesses. */
  public LogConfig(
      URI url,
      String origin,
      String verifierKey,
      Optional<String> vrfKey,
      Optional<String> policyKey,
      Duration pollInterval,
      Replay replay,
      int recheckBundles) {
    this(
        url,
        origin,
        verifierKey,
        vrfKey,
        policyKey,
        pollInterval,
        replay,
        recheckBundles,
        java.util.List.of());
  }

  /** Whose events the monitor replays through the key-event rules. */
  public enum Replay {
    /** Every subject: catches any accepted event that breaks the rules. The default. */
    ALL,
    /** Only watched subjects (and carrier anchors, which every REGISTER depends on). */
    WATCHED
  }

  /** The default number of bundles re-fetched per poll. */
  public static final int DEFAULT_RECHECK_BUNDLES = 4;
}
