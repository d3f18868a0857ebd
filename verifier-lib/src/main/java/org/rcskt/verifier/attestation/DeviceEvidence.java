package org.rcskt.verifier.attestation;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The structure of an event's {@code attestation_evidence} field (docs/protocol.md, "Device
 * attestation"):
 *
 * <pre>
 * struct {
 *     uint8 format;                                  // 1: Android, 2: Apple
 *     select (format) {
 *         case android_key_attestation:
 *             uint8 count;                           // 1..8
 *             opaque certificate&lt;1..4096&gt;[count];    // DER, leaf first
 *         case apple_app_attest:
 *             opaque attestation_object&lt;1..8189&gt;;   // CBOR
 *     };
 * } DeviceEvidence;
 * </pre>
 *
 * <p>Lengths are {@code uint16} big-endian; nothing may follow the structure.
 *
 * @param platform which kind of evidence
 * @param certificates Android: the DER certificates, leaf first (the root may be left out); Apple:
 *     empty
 * @param attestationObject Apple: the CBOR attestation object; Android: null
 */
public record DeviceEvidence(
    Platform platform, List<byte[]> certificates, byte[] attestationObject) {

  /** The most bytes the whole evidence may have (protocol section 6.2). */
  public static final int MAX_BYTES = 8192;

  public DeviceEvidence {
    certificates = List.copyOf(certificates);
  }

  /** Android evidence: a Key Attestation chain, leaf first. */
  public static DeviceEvidence android(List<byte[]> chainDer) {
    return new DeviceEvidence(Platform.ANDROID_KEY_ATTESTATION, chainDer, null);
  }

  /** Apple evidence: an App Attest attestation object. */
  public static DeviceEvidence apple(byte[] attestationObject) {
    return new DeviceEvidence(Platform.APPLE_APP_ATTEST, List.of(), attestationObject.clone());
  }

  /**
   * Reads the evidence.
   *
   * @throws AttestationException ({@link AttestationCheck#MALFORMED}) naming the problem
   */
  public static DeviceEvidence decode(byte[] in) throws AttestationException {
    if (in.length == 0 || in.length > MAX_BYTES) {
      throw malformed("evidence is " + in.length + " bytes, must be 1 to " + MAX_BYTES);
    }
    int[] pos = {1};
    Platform p = Platform.ofCode(in[0] & 0xff);
    if (p == null) {
      throw malformed("unknown evidence format " + (in[0] & 0xff) + " (1: Android, 2: Apple)");
    }
    DeviceEvidence out;
    if (p == Platform.ANDROID_KEY_ATTESTATION) {
      int count = u8(in, pos, "certificate count");
      if (count < 1 || count > CertificateChains.MAX_CERTIFICATES) {
        throw malformed(
            "certificate count " + count + " is not in 1.." + CertificateChains.MAX_CERTIFICATES);
      }
      List<byte[]> certs = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        certs.add(vector(in, pos, CertificateChains.MAX_CERTIFICATE_BYTES, "certificate " + i));
      }
      out = android(certs);
    } else {
      out = new DeviceEvidence(p, List.of(), vector(in, pos, MAX_BYTES, "attestation object"));
    }
    if (pos[0] != in.length) {
      throw malformed((in.length - pos[0]) + " trailing bytes after the evidence");
    }
    return out;
  }

  /** The encoding {@link #decode} reads. */
  public byte[] encode() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(platform.code());
    if (platform == Platform.ANDROID_KEY_ATTESTATION) {
      out.write(certificates.size());
      for (byte[] c : certificates) {
        out.write(c.length >>> 8);
        out.write(c.length);
        out.writeBytes(c);
      }
    } else {
      out.write(attestationObject.length >>> 8);
      out.write(attestationObject.length);
      out.writeBytes(attestationObject);
    }
    return out.toByteArray();
  }

  private static int u8(byte[] in, int[] pos, String field) throws AttestationException {
    if (pos[0] >= in.length) {
      throw malformed(field + ": truncated at offset " + pos[0]);
    }
    return in[pos[0]++] & 0xff;
  }

  private static byte[] vector(byte[] in, int[] pos, int max, String field)
      throws AttestationException {
    if (in.length - pos[0] < 2) {
      throw malformed(field + ": truncated length at offset " + pos[0]);
    }
    int len = (in[pos[0]] & 0xff) << 8 | (in[pos[0] + 1] & 0xff);
    pos[0] += 2;
    if (len < 1 || len > max) {
      throw malformed(field + ": length " + len + " is not in 1.." + max);
    }
    if (in.length - pos[0] < len) {
      throw malformed(
          field
              + ": truncated: need "
              + len
              + " bytes at offset "
              + pos[0]
              + ", only "
              + (in.length - pos[0])
              + " remain");
    }
    byte[] out = java.util.Arrays.copyOfRange(in, pos[0], pos[0] + len);
    pos[0] += len;
    return out;
  }

  private static AttestationException malformed(String detail) {
    return new AttestationException(AttestationCheck.MALFORMED, detail);
  }
}
