package org.rcskt.verifier.event;

import java.util.OptionalLong;

/**
 * The log's policy, as the rules need it. Immutable; derive variants with the {@code with} methods.
 *
 * @param policyKey the log's policy key, which alone may sign ANCHOR events
 * @param allowUnattestedRegistration whether a REGISTER without a carrier attestation is accepted
 *     (trust on first use); accepted ones are marked unattested. An auditor replaying a log must
 *     use the log's setting
 * @param nowMs the current time for the timestamp window, or empty on replay, where only each
 *     chain's timestamps being non-decreasing is checked
 * @param maxPastSkewMs how far before {@code nowMs} an event's timestamp may be
 * @param maxFutureSkewMs how far after {@code nowMs} an event's timestamp may be
 * @param maxDevices the most active devices a subject may have (1 to 255)
 * @param maxAnchorsPerCarrier the most active anchor keys a carrier may have (1 to 255)
 * @param algorithms which carriers require post-quantum keys, and whether downgrades are allowed
 * @param deviceAttestation the device attestation policy evidence is verified against, or null to
 *     leave evidence unchecked (only its structure is checked, and no carrier requires it): a
 *     client replaying without the log's published policy
 */
public record RulesContext(
    PublicKeyInfo policyKey,
    boolean allowUnattestedRegistration,
    OptionalLong nowMs,
    long maxPastSkewMs,
    long maxFutureSkewMs,
    int maxDevices,
    int maxAnchorsPerCarrier,
    AlgorithmPolicy algorithms,
    org.rcskt.verifier.attestation.DeviceAttestationPolicy deviceAttestation) {

  /** Default past skew: ten minutes. */
  public static final long DEFAULT_MAX_PAST_SKEW_MS = 10 * 60 * 1000L;

  /** Default future skew: two minutes. */
  public static final long DEFAULT_MAX_FUTURE_SKEW_MS = 2 * 60 * 1000L;

  /** Default device limit per subject. */
  public static final int DEFAULT_MAX_DEVICES = 8;

  /** Default anchor key limit per carrier. */
  public static final int DEFAULT_MAX_ANCHORS_PER_CARRIER = 8;

  /**
   * @throws IllegalArgumentException if a limit is out of range or {@code policyKey} is missing
   */
  public RulesContext {
    if (policyKey == null) {
      throw new IllegalArgumentException("policyKey: missing");
    }
    if (algorithms == null) {
      throw new IllegalArgumentException("algorithms: use AlgorithmPolicy.DEFAULT");
    }
    if (nowMs == null) {
      throw new IllegalArgumentException("nowMs: use OptionalLong.empty() for replay");
    }
    if (maxPastSkewMs < 0 || maxFutureSkewMs < 0) {
      throw new IllegalArgumentException("skews must not be negative");
    }
    if (maxDevices < 1 || maxDevices > 255) {
      throw new IllegalArgumentException("maxDevices must be 1 to 255, got " + maxDevices);
    }
    if (maxAnchorsPerCarrier < 1 || maxAnchorsPerCarrier > 255) {
      throw new IllegalArgumentException(
          "maxAnchorsPerCarrier must be 1 to 255, got " + maxAnchorsPerCarrier);
    }
  }

  /**
   * A context for replaying a log: no clock, attested registrations only, default limits.
   *
   * @throws IllegalArgumentException if {@code policyKey} is null
   */
  public static RulesContext replay(PublicKeyInfo policyKey) {
    return new RulesContext(
        policyKey,
        false,
        OptionalLong.empty(),
        DEFAULT_MAX_PAST_SKEW_MS,
        DEFAULT_MAX_FUTURE_SKEW_MS,
        DEFAULT_MAX_DEVICES,
        DEFAULT_MAX_ANCHORS_PER_CARRIER,
        AlgorithmPolicy.DEFAULT,
        null);
  }

  /** A context for accepting new events at time {@code nowMs}, with the default limits. */
  public static RulesContext ingest(PublicKeyInfo policyKey, long nowMs) {
    return replay(policyKey).withNow(nowMs);
  }

  /** The same policy, checking timestamps against {@code nowMs} (ingest). */
  public RulesContext withNow(long nowMs) {
    return new RulesContext(
        policyKey,
        allowUnattestedRegistration,
        OptionalLong.of(nowMs),
        maxPastSkewMs,
        maxFutureSkewMs,
        maxDevices,
        maxAnchorsPerCarrier,
        algorithms,
        deviceAttestation);
  }

  /** The same context without a clock (replay). */
  public RulesContext withoutNow() {
    return new RulesContext(
        policyKey,
        allowUnattestedRegistration,
        OptionalLong.empty(),
        maxPastSkewMs,
        maxFutureSkewMs,
        maxDevices,
        maxAnchorsPerCarrier,
        algorithms,
        deviceAttestation);
  }

  /** The same policy, with trust-on-first-use registration allowed or not. */
  public RulesContext withAllowUnattestedRegistration(boolean allow) {
    return new RulesContext(
        policyKey,
        allow,
        nowMs,
        maxPastSkewMs,
        maxFutureSkewMs,
        maxDevices,
        maxAnchorsPerCarrier,
        algorithms,
        deviceAttestation);
  }

  /**
   * The same policy with another timestamp window.
   *
   * @throws IllegalArgumentException if a skew is negative
   */
  public RulesContext withSkew(long maxPastSkewMs, long maxFutureSkewMs) {
    return new RulesContext(
        policyKey,
        allowUnattestedRegistration,
        nowMs,
        maxPastSkewMs,
        maxFutureSkewMs,
        maxDevices,
        maxAnchorsPerCarrier,
        algorithms,
        deviceAttestation);
  }

  /**
   * The same policy with another device limit.
   *
   * @throws IllegalArgumentException if {@code maxDevices} is not 1 to 255
   */
  public RulesContext withMaxDevices(int maxDevices) {
    return new RulesContext(
        policyKey,
        allowUnattestedRegistration,
        nowMs,
        maxPastSkewMs,
        maxFutureSkewMs,
        maxDevices,
        maxAnchorsPerCarrier,
        algorithms,
        deviceAttestation);
  }

  /**
   * The same policy with another anchor key limit.
   *
   * @throws IllegalArgumentException if the limit is not 1 to 255
   */
  public RulesContext withMaxAnchorsPerCarrier(int maxAnchorsPerCarrier) {
    return new RulesContext(
        policyKey,
        allowUnattestedRegistration,
        nowMs,
        maxPastSkewMs,
        maxFutureSkewMs,
        maxDevices,
        maxAnchorsPerCarrier,
        algorithms,
        deviceAttestation);
  }

  /** The same policy with another algorithm policy. */
  public RulesContext withAlgorithms(AlgorithmPolicy algorithms) {
    return new RulesContext(
        policyKey,
        allowUnattestedRegistration,
        nowMs,
        maxPastSkewMs,
        maxFutureSkewMs,
        maxDevices,
        maxAnchorsPerCarrier,
        algorithms,
        deviceAttestation);
  }

  /** The same policy with another device attestation policy (null: evidence is not checked). */
  public RulesContext withDeviceAttestation(
      org.rcskt.verifier.attestation.DeviceAttestationPolicy deviceAttestation) {
    return new RulesContext(
        policyKey,
        allowUnattestedRegistration,
        nowMs,
        maxPastSkewMs,
        maxFutureSkewMs,
        maxDevices,
        maxAnchorsPerCarrier,
        algorithms,
        deviceAttestation);
  }
}
