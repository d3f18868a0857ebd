package org.rcskt.verifier.event;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.rcskt.verifier.Hash;

/**
 * The rules (docs/protocol.md, "Rules"). Given a subject's state, the carriers' anchors and an
 * event, decide whether the event may follow and compute the new state. Deterministic and cheap
 * apart from the signatures, which {@link EventSignatures#verify} checks.
 *
 * <p>Checks run in a fixed order (docs/protocol.md, section 9.4), so every implementation reports
 * the same violation for the same event: first the chain ({@link #checkChain}: the subject's kind,
 * the sequence number and the previous hash), then the signatures, then timestamps, the type's
 * rules and signatures with no role. The chain comes first so that an event that lost a race for
 * its sequence number is always reported as a conflict, whatever its signatures, and so that a
 * stale event costs no signature verification.
 */
public final class EventRules {
  private EventRules() {}

  /**
   * All three phases: the chain, the signatures, the rest of the rules. For replay and clients.
   *
   * @param current the state of the event's subject as a phone subject ({@link SubjectState#EMPTY}
   *     for a new one); for an ANCHOR event, the phone state of the carrier subject it names, which
   *     must be empty ({@code EMPTY} from a caller that cannot know)
   * @throws RuleViolationException if the chain, a signature or a rule fails
   */
  public static Applied verifyAndApply(
      SubjectState current, KeyEvent event, AnchorRegistry anchors, RulesContext ctx)
      throws RuleViolationException {
    checkChain(current, event, anchors);
    VerifiedEvent v =
        EventSignatures.verify(
            event, KeyResolver.of(current, anchors, ctx.policyKey()), ctx.deviceAttestation());
    return apply(current, v, anchors, ctx);
  }

  /**
   * Phase one: the event's subject is of the event's kind, and the event is the next one of its
   * chain (sequence number and previous hash). An ANCHOR event's chain is its carrier's, kept in
   * {@code anchors}; any other event's chain is its subject's.
   *
   * @param current as for {@link #verifyAndApply}
   * @throws RuleViolationException {@code WRONG_SUBJECT}, {@code PHONE_SUBJECT} or {@code
   *     CARRIER_SUBJECT} for a subject of the wrong kind, {@code WRONG_SEQUENCE} or {@code
   *     WRONG_PREVIOUS_HASH} for an event that does not continue its chain
   */
  public static void checkChain(SubjectState current, KeyEvent event, AnchorRegistry anchors)
      throws RuleViolationException {
    EventBody body = event.body();
    if (body.type() == EventType.ANCHOR) {
      Hash expectedSubject = PhoneNumbers.carrierSubject(body.carrierId());
      if (!body.subject().equals(expectedSubject)) {
        throw new RuleViolationException(
            Violation.WRONG_SUBJECT,
            "ANCHOR subject must be "
                + expectedSubject
                + ", the carrier subject of "
                + body.carrierId()
                + ", found "
                + body.subject());
      }
      if (!current.isEmpty()) {
        throw new RuleViolationException(
            Violation.PHONE_SUBJECT,
            "the carrier subject "
                + body.subject()
                + " of "
                + body.carrierId()
                + " already has "
                + current.nextSequence()
                + " phone events; an ANCHOR event cannot share their subject");
      }
      AnchorRegistry.Carrier c = anchors.carrier(body.carrierId());
      checkSequence(
          new Chain("carrier", body.carrierId()),
          c == null ? 0 : c.nextSequence(),
          c == null ? Hash.ZERO : c.lastEventHash(),
          body);
      return;
    }
    String carrier = anchors.carrierOfSubject(body.subject());
    if (carrier != null) {
      throw new RuleViolationException(
          Violation.CARRIER_SUBJECT,
          body.type()
              + " subject "
              + body.subject()
              + " is the carrier subject of "
              + carrier
              + "; phone events cannot share it");
    }
    checkSequence(
        new Chain("subject", body.subject()),
        current.nextSequence(),
        current.lastEventHash(),
        body);
  }

  /**
   * Applies a verified event.
   *
   * @param current as for {@link #verifyAndApply}
   * @param verified the event, its signatures verified
   * @param anchors the current carrier anchors
   * @param ctx the log's policy
   * @return the new state and registry, with the event's attestation and recovery flags
   * @throws RuleViolationException naming the first rule the event breaks
   */
  public static Applied apply(
      SubjectState current, VerifiedEvent verified, AnchorRegistry anchors, RulesContext ctx)
      throws RuleViolationException {
    KeyEvent event = verified.event();
    EventBody body = event.body();
    checkChain(current, event, anchors);
    if (body.type() == EventType.ANCHOR) {
      return applyAnchor(current, verified, anchors, ctx);
    }
    checkTimestamps(
        new Chain("subject", body.subject()),
        current.nextSequence(),
        current.lastTimestampMs(),
        body,
        ctx);
    Signers signers = new Signers(verified.signerKeyIds());
    checkSignerRoles(signers, current, anchors);
    switch (body.type()) {
      case REGISTER:
        return applyRegister(current, event, signers, anchors, ctx, verified.attestation());
      case ROTATE:
        return applyRotate(current, event, signers, anchors, ctx, verified.attestation());
      case KEYS:
        return applyKeys(current, event, signers, anchors);
      default:
        return applyRevoke(current, event, signers, anchors);
    }
  }

  /**
   * The event chain a rule is checked on, named in the rule's message ("subject <hex>", "carrier
   * <id>"): text made only when a rule is broken, not for every event.
   */
  private record Chain(String kind, Object id) {
    @Override
    public String toString() {
      return kind + " " + id;
    }
  }

  private static void checkSequence(Chain chain, long nextSequence, Hash lastHash, EventBody body)
      throws RuleViolationException {
    if (body.sequence() != nextSequence) {
      throw RuleViolationException.numbers(
          Violation.WRONG_SEQUENCE,
          "expected sequence " + nextSequence + " for " + chain + ", found " + body.sequence(),
          nextSequence,
          body.sequence());
    }
    if (!body.previousHash().equals(lastHash)) {
      throw new RuleViolationException(
          Violation.WRONG_PREVIOUS_HASH,
          "expected previous hash "
              + lastHash
              + " for "
              + chain
              + ", found "
              + body.previousHash());
    }
  }

  private static void checkTimestamps(
      Chain chain, long nextSequence, long lastTimestampMs, EventBody body, RulesContext ctx)
      throws RuleViolationException {
    long ts = body.timestampMs();
    if (nextSequence > 0 && ts < lastTimestampMs) {
      throw RuleViolationException.numbers(
          Violation.TIMESTAMP_BEFORE_PREVIOUS,
          "timestamp "
              + ts
              + " is before "
              + lastTimestampMs
              + ", the timestamp of the previous event of "
              + chain,
          lastTimestampMs,
          ts);
    }
    if (ctx.nowMs().isPresent()) {
      long now = ctx.nowMs().getAsLong();
      long earliest = now - ctx.maxPastSkewMs();
      long latest = now + ctx.maxFutureSkewMs();
      if (ts < earliest) {
        throw RuleViolationException.numbers(
            Violation.TIMESTAMP_OUT_OF_BOUNDS,
            "timestamp "
                + ts
                + " is before the earliest accepted "
                + earliest
                + " (now "
                + now
                + ")",
            earliest,
            ts);
      }
      if (ts > latest) {
        throw RuleViolationException.numbers(
            Violation.TIMESTAMP_OUT_OF_BOUNDS,
            "timestamp " + ts + " is after the latest accepted " + latest + " (now " + now + ")",
            latest,
            ts);
      }
    }
  }

  /** A new key must be usable and valid at the event's time. */
  private static void checkNewKey(PublicKeyInfo key, long timestampMs)
      throws RuleViolationException {
    EventSignatures.usableKey(key);
    if (key.isExpiredAt(timestampMs)) {
      throw RuleViolationException.key(
          Violation.KEY_EXPIRED,
          "new key "
              + key.keyId()
              + " expires at "
              + key.notAfterMs()
              + ", before the event's timestamp "
              + timestampMs,
          key.keyId());
    }
  }

  /**
   * A key serves one role only (docs/protocol.md section 9.2): a device key is never an anchor key,
   * active or retired, nor the policy key.
   */
  private static void checkDeviceKeyRole(
      PublicKeyInfo key, AnchorRegistry anchors, RulesContext ctx) throws RuleViolationException {
    Hash id = key.keyId();
    AnchorRegistry.AnchorKey a = anchors.find(id);
    if (a != null) {
      throw RuleViolationException.key(
          Violation.ROLE_CONFLICT,
          "new key "
              + id
              + " is an anchor key of carrier "
              + a.carrierId()
              + "; a key has one role",
          id);
    }
    if (anchors.isRetired(id)) {
      throw RuleViolationException.key(
          Violation.ROLE_CONFLICT, "new key " + id + " was an anchor key; a key has one role", id);
    }
    if (id.equals(ctx.policyKey().keyId())) {
      throw RuleViolationException.key(
          Violation.ROLE_CONFLICT,
          "new key " + id + " is the log's policy key; a key has one role",
          id);
    }
  }

  /**
   * No signature of a phone event may fill two roles: a key that is both a device key of the
   * subject and an anchor key (possible when an anchor was added with a key a device already used)
   * is refused rather than counted as both.
   */
  private static void checkSignerRoles(Signers signers, SubjectState state, AnchorRegistry anchors)
      throws RuleViolationException {
    for (Hash id : signers.all) {
      Device d = state.deviceByKeyId(id);
      AnchorRegistry.AnchorKey a = anchors.find(id);
      if (d != null && a != null) {
        throw RuleViolationException.key(
            Violation.ROLE_CONFLICT,
            "signature by key "
                + id
                + ", which is both the key of device "
                + d.deviceId()
                + " and an anchor key of carrier "
                + a.carrierId()
                + "; a key has one role",
            id);
      }
    }
  }

  /** The device key must not be in use by the subject or retired by it. */
  private static void checkFreshDeviceKey(SubjectState state, PublicKeyInfo key)
      throws RuleViolationException {
    Hash id = key.keyId();
    Device holder = state.deviceByKeyId(id);
    if (holder != null) {
      throw RuleViolationException.key(
          Violation.DUPLICATE_KEY,
          "key " + id + " is already the key of device " + holder.deviceId(),
          id);
    }
    if (state.isRetired(id)) {
      throw RuleViolationException.key(
          Violation.REVOKED_KEY, "key " + id + " was retired by this subject", id);
    }
  }

  private static void checkCarrier(SubjectState state, EventBody body)
      throws RuleViolationException {
    if (!state.isEmpty() && !state.carrierId().equals(body.carrierId())) {
      throw new RuleViolationException(
          Violation.CARRIER_MISMATCH,
          "event names carrier "
              + body.carrierId()
              + " but the subject's carrier is "
              + state.carrierId());
    }
  }

  private static Device requireDevice(SubjectState state, String deviceId)
      throws RuleViolationException {
    Device d = state.device(deviceId);
    if (d == null) {
      throw RuleViolationException.device(
          Violation.UNKNOWN_DEVICE, "the subject has no active device " + deviceId, deviceId);
    }
    return d;
  }

  /**
   * Claims the signatures by anchor keys of the event's carrier and checks their expiry; returns
   * whether there was at least one.
   */
  private static boolean claimCarrierSignatures(
      Signers signers, AnchorRegistry anchors, EventBody body) throws RuleViolationException {
    boolean any = false;
    for (Hash id : signers.all) {
      AnchorRegistry.AnchorKey a = anchors.find(id);
      if (a == null || !a.carrierId().equals(body.carrierId())) {
        continue;
      }
      if (a.publicKey().isExpiredAt(body.timestampMs())) {
        throw RuleViolationException.key(
            Violation.EXPIRED_ANCHOR,
            "anchor key "
                + id
                + " of carrier "
                + a.carrierId()
                + " expired at "
                + a.publicKey().notAfterMs()
                + ", before the event's timestamp "
                + body.timestampMs(),
            id);
      }
      signers.claim(id);
      any = true;
    }
    return any;
  }

  /** Claims {@code key}'s signature if present, checking the key has not expired. */
  private static boolean claimKey(Signers signers, PublicKeyInfo key, long timestampMs)
      throws RuleViolationException {
    Hash id = key.keyId();
    if (!signers.has(id)) {
      return false;
    }
    if (key.isExpiredAt(timestampMs)) {
      throw RuleViolationException.key(
          Violation.KEY_EXPIRED,
          "key "
              + id
              + " expired at "
              + key.notAfterMs()
              + ", before the event's timestamp "
              + timestampMs,
          id);
    }
    signers.claim(id);
    return true;
  }

  private static Applied applyRegister(
      SubjectState state,
      KeyEvent event,
      Signers signers,
      AnchorRegistry anchors,
      RulesContext ctx,
      AttestationMark mark)
      throws RuleViolationException {
    EventBody body = event.body();
    EventPayload.Register p = (EventPayload.Register) body.payload();
    PublicKeyInfo key = p.publicKey();
    checkNewKey(key, body.timestampMs());
    checkDeviceKeyRole(key, anchors, ctx);
    if (!key.algorithm().isPostQuantum()
        && ctx.algorithms().requiresPostQuantum(body.carrierId(), body.timestampMs())) {
      throw RuleViolationException.key(
          Violation.POST_QUANTUM_REQUIRED,
          "carrier "
              + body.carrierId()
              + " requires post-quantum keys (ML_DSA_65 or ED25519_ML_DSA_65) for new"
              + " registrations, and the new key is "
              + key.algorithm(),
          key.keyId());
    }
    checkDeviceAttestationRequired(body, mark, ctx);
    if (state.device(p.deviceId()) != null) {
      throw RuleViolationException.device(
          Violation.DUPLICATE_DEVICE,
          "the subject already has an active device " + p.deviceId(),
          p.deviceId());
    }
    checkFreshDeviceKey(state, key);
    if (state.deviceCount() >= ctx.maxDevices()) {
      throw RuleViolationException.numbers(
          Violation.TOO_MANY_DEVICES,
          "the subject already has "
              + state.deviceCount()
              + " devices, the maximum is "
              + ctx.maxDevices(),
          ctx.maxDevices(),
          state.deviceCount() + 1L);
    }
    if (!signers.has(key.keyId())) {
      throw RuleViolationException.key(
          Violation.MISSING_SIGNATURE,
          "REGISTER must be signed by its new key " + key.keyId() + " (proof of possession)",
          key.keyId());
    }
    signers.claim(key.keyId());
    boolean attested = claimCarrierSignatures(signers, anchors, body);
    if (!attested && !ctx.allowUnattestedRegistration()) {
      throw new RuleViolationException(
          Violation.MISSING_CARRIER_ATTESTATION,
          "REGISTER must be signed by an active anchor key of carrier "
              + body.carrierId()
              + " and unattested registration is not allowed");
    }
    if (!attested) {
      // Only an attested registration may move the subject to another carrier (a port).
      checkCarrier(state, body);
    }
    signers.requireAllClaimed();
    SubjectState next =
        state
            .withDevice(new Device(p.deviceId(), key, attested, false, List.of(), mark))
            .advance(body.carrierId(), event.leafHash(), body.timestampMs());
    return new Applied(event, next, anchors, attested, !attested, false);
  }

  /**
   * REGISTER step 1, the device attestation requirement: where the policy requires it of the
   * carrier at the event's timestamp, the evidence must have been verified and show secure
   * hardware.
   */
  private static void checkDeviceAttestationRequired(
      EventBody body, AttestationMark mark, RulesContext ctx) throws RuleViolationException {
    org.rcskt.verifier.attestation.DeviceAttestationPolicy policy = ctx.deviceAttestation();
    if (policy == null || !policy.requiresHardware(body.carrierId(), body.timestampMs())) {
      return;
    }
    if (mark == null) {
      throw RuleViolationException.attestation(
          Violation.DEVICE_ATTESTATION_REQUIRED,
          null,
          "attestationEvidence: carrier "
              + body.carrierId()
              + " requires hardware-backed device attestation for new registrations, and the"
              + " event carries none");
    }
    if (!mark.hardwareBacked()) {
      throw RuleViolationException.attestation(
          Violation.DEVICE_ATTESTATION_REQUIRED,
          org.rcskt.verifier.attestation.AttestationCheck.SECURITY_LEVEL,
          "attestationEvidence: carrier "
              + body.carrierId()
              + " requires hardware-backed device attestation for new registrations, and the"
              + " evidence shows "
              + (mark.securityLevel() == null
                  ? "nothing checked"
                  : "security level "
                      + mark.securityLevel()
                      + (mark.bootVerified() ? "" : " on a device without verified boot")));
    }
  }

  private static Applied applyRotate(
      SubjectState state,
      KeyEvent event,
      Signers signers,
      AnchorRegistry anchors,
      RulesContext ctx,
      AttestationMark mark)
      throws RuleViolationException {
    EventBody body = event.body();
    EventPayload.Rotate p = (EventPayload.Rotate) body.payload();
    Device old = requireDevice(state, p.deviceId());
    checkCarrier(state, body);
    PublicKeyInfo key = p.publicKey();
    checkNewKey(key, body.timestampMs());
    checkDeviceKeyRole(key, anchors, ctx);
    checkFreshDeviceKey(state, key);
    boolean downgrade =
        old.publicKey().algorithm().isPostQuantum() && !key.algorithm().isPostQuantum();
    if (downgrade && !ctx.algorithms().allowDowngrade()) {
      throw RuleViolationException.key(
          Violation.ALGORITHM_DOWNGRADE,
          "ROTATE of device "
              + p.deviceId()
              + " would replace its "
              + old.publicKey().algorithm()
              + " key with a "
              + key.algorithm()
              + " key, dropping its post-quantum signature, and the log does not allow"
              + " downgrades",
          key.keyId());
    }
    if (!signers.has(key.keyId())) {
      throw RuleViolationException.key(
          Violation.MISSING_SIGNATURE,
          "ROTATE must be signed by its new key " + key.keyId() + " (proof of possession)",
          key.keyId());
    }
    signers.claim(key.keyId());
    boolean oldSigned = claimKey(signers, old.publicKey(), body.timestampMs());
    boolean carrierSigned = claimCarrierSignatures(signers, anchors, body);
    if (!oldSigned && !carrierSigned) {
      throw RuleViolationException.key(
          Violation.MISSING_SIGNATURE,
          "ROTATE of device "
              + p.deviceId()
              + " must be signed by the key it replaces "
              + old.publicKey().keyId()
              + " or, for a recovery, by an anchor key of carrier "
              + body.carrierId(),
          old.publicKey().keyId());
    }
    signers.requireAllClaimed();
    boolean recovery = !oldSigned;
    boolean attested = carrierSigned || old.attested();
    SubjectState next =
        state
            .withoutDevice(p.deviceId())
            .withDevice(new Device(p.deviceId(), key, attested, recovery, List.of(), mark))
            .advance(body.carrierId(), event.leafHash(), body.timestampMs());
    return new Applied(event, next, anchors, carrierSigned, false, recovery, downgrade);
  }

  /**
   * KEYS: the device's identity key, and only it, publishes the device's key-agreement keys
   * (docs/protocol.md section 9.4).
   */
  private static Applied applyKeys(
      SubjectState state, KeyEvent event, Signers signers, AnchorRegistry anchors)
      throws RuleViolationException {
    EventBody body = event.body();
    EventPayload.Keys p = (EventPayload.Keys) body.payload();
    Device device = requireDevice(state, p.deviceId());
    checkCarrier(state, body);
    for (int i = 0; i < p.keys().size(); i++) {
      KexKey k = p.keys().get(i);
      String problem = k.problem();
      if (problem != null) {
        throw new RuleViolationException(
            Violation.INVALID_KEX_KEY,
            "payload.keyAgreementKeys[" + i + "] (" + k.algorithm() + "): " + problem);
      }
      if (k.isExpiredAt(body.timestampMs())) {
        throw new RuleViolationException(
            Violation.KEY_EXPIRED,
            "payload.keyAgreementKeys["
                + i
                + "] ("
                + k.algorithm()
                + ") expired at "
                + k.notAfterMs()
                + ", before the event's timestamp "
                + body.timestampMs());
      }
    }
    if (!claimKey(signers, device.publicKey(), body.timestampMs())) {
      throw RuleViolationException.key(
          Violation.MISSING_SIGNATURE,
          "KEYS of device "
              + p.deviceId()
              + " must be signed by that device's key "
              + device.publicKey().keyId(),
          device.publicKey().keyId());
    }
    signers.requireAllClaimed();
    SubjectState next =
        state
            .withoutDevice(p.deviceId())
            .withDevice(device.withKexKeys(p.keys()))
            .advance(body.carrierId(), event.leafHash(), body.timestampMs());
    return new Applied(event, next, anchors, false, false, false);
  }

  private static Applied applyRevoke(
      SubjectState state, KeyEvent event, Signers signers, AnchorRegistry anchors)
      throws RuleViolationException {
    EventBody body = event.body();
    EventPayload.Revoke p = (EventPayload.Revoke) body.payload();
    requireDevice(state, p.deviceId());
    checkCarrier(state, body);
    boolean authorized = false;
    for (Device d : state.devices()) {
      authorized |= claimKey(signers, d.publicKey(), body.timestampMs());
    }
    boolean carrierSigned = claimCarrierSignatures(signers, anchors, body);
    if (!authorized && !carrierSigned) {
      throw RuleViolationException.device(
          Violation.MISSING_SIGNATURE,
          "REVOKE of device "
              + p.deviceId()
              + " must be signed by its key, another active key of the subject, or an anchor key"
              + " of carrier "
              + body.carrierId(),
          p.deviceId());
    }
    signers.requireAllClaimed();
    SubjectState next =
        state
            .withoutDevice(p.deviceId())
            .advance(body.carrierId(), event.leafHash(), body.timestampMs());
    return new Applied(event, next, anchors, carrierSigned, false, false);
  }

  private static Applied applyAnchor(
      SubjectState current, VerifiedEvent verified, AnchorRegistry anchors, RulesContext ctx)
      throws RuleViolationException {
    KeyEvent event = verified.event();
    EventBody body = event.body();
    AnchorRegistry.Carrier carrier = anchors.carrier(body.carrierId());
    if (carrier == null) {
      carrier = AnchorRegistry.Carrier.empty(body.carrierId());
    }
    checkTimestamps(
        new Chain("carrier", body.carrierId()),
        carrier.nextSequence(),
        carrier.lastTimestampMs(),
        body,
        ctx);
    Signers signers = new Signers(verified.signerKeyIds());
    PublicKeyInfo policy = ctx.policyKey();
    if (!claimKey(signers, policy, body.timestampMs())) {
      throw RuleViolationException.key(
          Violation.MISSING_SIGNATURE,
          "ANCHOR must be signed by the log's policy key " + policy.keyId(),
          policy.keyId());
    }
    EventPayload.Anchor p = (EventPayload.Anchor) body.payload();
    PublicKeyInfo key = p.publicKey();
    Hash id = key.keyId();
    List<PublicKeyInfo> keys = new ArrayList<>(carrier.keys());
    List<Hash> retired = new ArrayList<>(carrier.retiredKeyIds());
    if (p.action() == AnchorAction.ADD) {
      checkNewKey(key, body.timestampMs());
      if (id.equals(policy.keyId())) {
        throw RuleViolationException.key(
            Violation.ROLE_CONFLICT,
            "anchor key " + id + " is the log's policy key; a key has one role",
            id);
      }
      AnchorRegistry.AnchorKey existing = anchors.find(id);
      if (existing != null) {
        throw RuleViolationException.key(
            Violation.DUPLICATE_KEY,
            "key " + id + " is already an anchor key of carrier " + existing.carrierId(),
            id);
      }
      if (anchors.isRetired(id)) {
        throw RuleViolationException.key(
            Violation.REVOKED_KEY, "anchor key " + id + " was retired and cannot return", id);
      }
      if (keys.size() >= ctx.maxAnchorsPerCarrier()) {
        throw RuleViolationException.numbers(
            Violation.TOO_MANY_ANCHORS,
            "carrier "
                + body.carrierId()
                + " already has "
                + keys.size()
                + " anchor keys, the maximum is "
                + ctx.maxAnchorsPerCarrier(),
            ctx.maxAnchorsPerCarrier(),
            keys.size() + 1L);
      }
      keys.add(key);
    } else {
      if (carrier.key(id) == null) {
        throw RuleViolationException.key(
            Violation.UNKNOWN_ANCHOR,
            "key " + id + " is not an active anchor key of carrier " + body.carrierId(),
            id);
      }
      keys.removeIf(k -> k.keyId().equals(id));
      retired.add(id);
      retired.sort(null);
    }
    signers.requireAllClaimed();
    AnchorRegistry.Carrier updated =
        new AnchorRegistry.Carrier(
            body.carrierId(),
            carrier.nextSequence() + 1,
            event.leafHash(),
            body.timestampMs(),
            keys,
            retired);
    return new Applied(event, current, anchors.with(updated), false, false, false);
  }

  /** The verified signers of an event, and which of them a rule has given a role. */
  private static final class Signers {
    final List<Hash> all;
    final Set<Hash> claimed = new HashSet<>(4);

    Signers(List<Hash> all) {
      this.all = all;
    }

    boolean has(Hash id) {
      return all.contains(id);
    }

    void claim(Hash id) {
      claimed.add(id);
    }

    void requireAllClaimed() throws RuleViolationException {
      for (Hash id : all) {
        if (!claimed.contains(id)) {
          throw RuleViolationException.key(
              Violation.UNEXPECTED_SIGNER,
              "signature by key " + id + " has no role in this event",
              id);
        }
      }
    }
  }
}
