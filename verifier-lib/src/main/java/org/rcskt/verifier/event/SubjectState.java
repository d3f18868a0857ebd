package org.rcskt.verifier.event;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.rcskt.verifier.Hash;

/**
 * What the log knows about one phone-number subject after replaying its events: its active device
 * keys, the carrier currently responsible for it, the sequence number its next event must carry,
 * the leaf hash and timestamp of its last event, and the key ids it has retired (revoked or rotated
 * away), which may never sign or be installed again.
 *
 * <p>An immutable value: the rules return a new state and never change an old one, so the log
 * server can hand snapshots to other threads. Copies are cheap since a subject has only a few
 * devices. {@link #toBytes()} is a deterministic encoding for storage (docs/protocol.md, "Subject
 * state encoding"; informative, not part of the wire protocol).
 */
public final class SubjectState {
  /** The state of a subject that has no events yet. */
  public static final SubjectState EMPTY =
      new SubjectState(null, 0, Hash.ZERO, 0, new Device[0], new Hash[0]);

  /** The most retired key ids a stored state may hold (bounds decoding). */
  public static final int MAX_RETIRED_KEY_IDS = 1 << 20;

  private static final int STATE_VERSION = 1;

  private final String carrierId;
  private final long nextSequence;
  private final Hash lastEventHash;
  private final long lastTimestampMs;
  private final Device[] devices; // sorted by deviceId
  private final Hash[] retiredKeyIds; // sorted

  private SubjectState(
      String carrierId,
      long nextSequence,
      Hash lastEventHash,
      long lastTimestampMs,
      Device[] devices,
      Hash[] retiredKeyIds) {
    this.carrierId = carrierId;
    this.nextSequence = nextSequence;
    this.lastEventHash = lastEventHash;
    this.lastTimestampMs = lastTimestampMs;
    this.devices = devices;
    this.retiredKeyIds = retiredKeyIds;
  }

  /** Whether the subject has no events. */
  public boolean isEmpty() {
    return nextSequence == 0;
  }

  /** The carrier responsible for the subject, or null for an empty state. */
  public String carrierId() {
    return carrierId;
  }

  /** The sequence number the subject's next event must carry (its event count). */
  public long nextSequence() {
    return nextSequence;
  }

  /** The leaf hash of the subject's last event, {@link Hash#ZERO} when it has none. */
  public Hash lastEventHash() {
    return lastEventHash;
  }

  /** The timestamp of the subject's last event, 0 when it has none. */
  public long lastTimestampMs() {
    return lastTimestampMs;
  }

  /** The active devices, sorted by device id. */
  public List<Device> devices() {
    return Collections.unmodifiableList(Arrays.asList(devices));
  }

  /** The number of active devices. */
  public int deviceCount() {
    return devices.length;
  }

  /** The active device {@code deviceId}, or null. */
  public Device device(String deviceId) {
    for (Device d : devices) {
      if (d.deviceId().equals(deviceId)) {
        return d;
      }
    }
    return null;
  }

  /** The active device whose key has key id {@code keyId}, or null. */
  public Device deviceByKeyId(Hash keyId) {
    for (Device d : devices) {
      if (d.publicKey().keyId().equals(keyId)) {
        return d;
      }
    }
    return null;
  }

  /** Whether {@code keyId} was revoked or rotated away from this subject. */
  public boolean isRetired(Hash keyId) {
    return Arrays.binarySearch(retiredKeyIds, keyId) >= 0;
  }

  /** The retired key ids, sorted. */
  public List<Hash> retiredKeyIds() {
    return Collections.unmodifiableList(Arrays.asList(retiredKeyIds));
  }

  // Transitions, used by EventRules only.

  SubjectState advance(String carrier, Hash eventHash, long timestampMs) {
    return new SubjectState(
        carrier, nextSequence + 1, eventHash, timestampMs, devices, retiredKeyIds);
  }

  SubjectState withDevice(Device device) {
    Device[] out = new Device[devices.length + 1];
    int i = 0;
    int j = 0;
    boolean placed = false;
    while (i < devices.length) {
      if (!placed && devices[i].deviceId().compareTo(device.deviceId()) > 0) {
        out[j++] = device;
        placed = true;
      } else {
        out[j++] = devices[i++];
      }
    }
    if (!placed) {
      out[j] = device;
    }
    return new SubjectState(
        carrierId, nextSequence, lastEventHash, lastTimestampMs, out, retiredKeyIds);
  }

  /** Removes {@code deviceId} and retires its key. */
  SubjectState withoutDevice(String deviceId) {
    Device[] out = new Device[devices.length - 1];
    Hash retired = null;
    int j = 0;
    for (Device d : devices) {
      if (d.deviceId().equals(deviceId)) {
        retired = d.publicKey().keyId();
      } else {
        out[j++] = d;
      }
    }
    return new SubjectState(
        carrierId, nextSequence, lastEventHash, lastTimestampMs, out, insertSorted(retired));
  }

  private Hash[] insertSorted(Hash keyId) {
    int at = Arrays.binarySearch(retiredKeyIds, keyId);
    if (at >= 0) {
      return retiredKeyIds;
    }
    int pos = -at - 1;
    Hash[] out = new Hash[retiredKeyIds.length + 1];
    System.arraycopy(retiredKeyIds, 0, out, 0, pos);
    out[pos] = keyId;
    System.arraycopy(retiredKeyIds, pos, out, pos + 1, retiredKeyIds.length - pos);
    return out;
  }

  /** The deterministic storage encoding of this state. */
  public byte[] toBytes() {
    int size = 1 + 1 + (carrierId == null ? 0 : carrierId.length()) + 8 + Hash.SIZE + 8 + 1;
    for (Device d : devices) {
      size += 1 + d.deviceId().length() + 2 + 2 + d.publicKey().keyLength() + 8 + 1;
      if (!d.kexKeys().isEmpty()) {
        size += 1;
        for (KexKey k : d.kexKeys()) {
          size += 2 + 2 + k.keyUnsafe().length + 8;
        }
      }
      if (d.deviceAttestation() != null) {
        size += 2;
      }
    }
    size += 4 + retiredKeyIds.length * Hash.SIZE;
    ByteWriter w = new ByteWriter(size);
    w.u8(STATE_VERSION);
    w.ascii8(carrierId == null ? "" : carrierId);
    w.u64(nextSequence);
    w.hash(lastEventHash);
    w.u64(lastTimestampMs);
    w.u8(devices.length);
    for (Device d : devices) {
      w.ascii8(d.deviceId());
      EventCodec.writeKey(w, d.publicKey());
      boolean kex = !d.kexKeys().isEmpty();
      AttestationMark mark = d.deviceAttestation();
      w.u8(
          (d.attested() ? 1 : 0)
              | (d.recovered() ? 2 : 0)
              | (kex ? 4 : 0)
              | (mark != null ? 8 : 0));
      if (kex) {
        w.u8(d.kexKeys().size());
        for (KexKey k : d.kexKeys()) {
          EventCodec.writeKexKey(w, k);
        }
      }
      if (mark != null) {
        // platform code, then 0 for "not checked" or the security level's ordinal + 1, with
        // 0x80 added when the boot state was verified
        w.u8(mark.platform().code());
        w.u8(
            (mark.securityLevel() == null ? 0 : mark.securityLevel().ordinal() + 1)
                | (mark.bootVerified() ? 0x80 : 0));
      }
    }
    w.u32(retiredKeyIds.length);
    for (Hash h : retiredKeyIds) {
      w.hash(h);
    }
    return w.finish();
  }

  /**
   * Decodes {@link #toBytes()} output.
   *
   * @throws EventFormatException if the bytes are not exactly one well-formed state; field names
   *     start with {@code state.}
   */
  public static SubjectState fromBytes(byte[] bytes) throws EventFormatException {
    ByteReader r = new ByteReader(bytes);
    int version = r.u8("state.version");
    if (version != STATE_VERSION) {
      throw new EventFormatException("state.version", "unsupported state version " + version);
    }
    int carrierLength = r.u8("state.carrierId");
    String carrier = null;
    if (carrierLength > 0) {
      carrier =
          new String(
              r.bytes(carrierLength, "state.carrierId"),
              java.nio.charset.StandardCharsets.ISO_8859_1);
      fail("state.carrierId", EventFormat.carrierIdProblem(carrier));
    }
    long next = r.u63("state.nextSequence");
    Hash last = r.hash("state.lastEventHash");
    long lastTs = r.u63("state.lastTimestampMs");
    if ((next == 0) != (carrier == null)) {
      throw new EventFormatException(
          "state.carrierId", "must be empty exactly when the state has no events");
    }
    int count = r.u8("state.devices");
    Device[] devices = new Device[count];
    for (int i = 0; i < count; i++) {
      String at = "state.devices[" + i + "]";
      String id = r.ascii(EventFormat.MAX_DEVICE_ID_LENGTH, at + ".deviceId");
      fail(at + ".deviceId", EventFormat.deviceIdProblem(id));
      if (i > 0 && devices[i - 1].deviceId().compareTo(id) >= 0) {
        throw new EventFormatException(at + ".deviceId", "devices must be sorted and distinct");
      }
      PublicKeyInfo key = EventCodec.readKey(r, at + ".publicKey");
      int flags = r.u8(at + ".flags");
      if ((flags & ~15) != 0) {
        throw new EventFormatException(at + ".flags", "unknown flag bits " + flags);
      }
      java.util.List<KexKey> kex = java.util.List.of();
      if ((flags & 4) != 0) {
        int n = r.u8(at + ".kexKeys");
        if (n < 1 || n > EventPayload.Keys.MAX_KEYS) {
          throw new EventFormatException(at + ".kexKeys", "count " + n + " is out of range");
        }
        java.util.List<KexKey> ks = new java.util.ArrayList<>(n);
        for (int j = 0; j < n; j++) {
          ks.add(EventCodec.readKexKey(r, at + ".kexKeys[" + j + "]"));
        }
        fail(at + ".kexKeys", EventPayload.keysOrderProblem(ks));
        kex = ks;
      }
      AttestationMark mark = null;
      if ((flags & 8) != 0) {
        int platform = r.u8(at + ".attestation.platform");
        int level = r.u8(at + ".attestation.level");
        org.rcskt.verifier.attestation.Platform p =
            org.rcskt.verifier.attestation.Platform.ofCode(platform);
        org.rcskt.verifier.attestation.SecurityLevel[] levels =
            org.rcskt.verifier.attestation.SecurityLevel.values();
        boolean boot = (level & 0x80) != 0;
        level &= 0x7f;
        if (p == null || level > levels.length || (level == 0 && boot)) {
          throw new EventFormatException(
              at + ".attestation", "unknown platform " + platform + " or level " + level);
        }
        mark = new AttestationMark(p, level == 0 ? null : levels[level - 1], boot);
      }
      devices[i] = new Device(id, key, (flags & 1) != 0, (flags & 2) != 0, kex, mark);
    }
    long retiredCount = r.u32("state.retiredKeyIds");
    if (retiredCount > MAX_RETIRED_KEY_IDS) {
      throw new EventFormatException(
          "state.retiredKeyIds",
          "count " + retiredCount + " is more than the maximum of " + MAX_RETIRED_KEY_IDS);
    }
    if (retiredCount * Hash.SIZE > r.remaining()) {
      throw new EventFormatException(
          "state.retiredKeyIds",
          "truncated: "
              + retiredCount
              + " key ids need "
              + retiredCount * Hash.SIZE
              + " bytes, only "
              + r.remaining()
              + " remain");
    }
    Hash[] retired = new Hash[(int) retiredCount];
    for (int i = 0; i < retired.length; i++) {
      retired[i] = r.hash("state.retiredKeyIds[" + i + "]");
      if (i > 0 && retired[i - 1].compareTo(retired[i]) >= 0) {
        throw new EventFormatException(
            "state.retiredKeyIds[" + i + "]", "key ids must be sorted and distinct");
      }
    }
    if (r.remaining() != 0) {
      throw new EventFormatException(
          "", r.remaining() + " trailing bytes after the end of the state");
    }
    return new SubjectState(carrier, next, last, lastTs, devices, retired);
  }

  private static void fail(String field, String problem) throws EventFormatException {
    if (problem != null) {
      throw new EventFormatException(field, problem);
    }
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof SubjectState)) {
      return false;
    }
    SubjectState s = (SubjectState) o;
    return nextSequence == s.nextSequence
        && lastTimestampMs == s.lastTimestampMs
        && lastEventHash.equals(s.lastEventHash)
        && java.util.Objects.equals(carrierId, s.carrierId)
        && Arrays.equals(devices, s.devices)
        && Arrays.equals(retiredKeyIds, s.retiredKeyIds);
  }

  @Override
  public int hashCode() {
    return lastEventHash.hashCode();
  }

  @Override
  public String toString() {
    List<String> ids = new ArrayList<>();
    for (Device d : devices) {
      ids.add(d.deviceId());
    }
    return "SubjectState[carrier="
        + carrierId
        + " nextSequence="
        + nextSequence
        + " lastEventHash="
        + lastEventHash
        + " devices="
        + ids
        + " retired="
        + retiredKeyIds.length
        + "]";
  }
}
