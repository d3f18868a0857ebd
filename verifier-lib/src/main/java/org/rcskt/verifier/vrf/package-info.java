/**
 * ECVRF-EDWARDS25519-SHA512-TAI, the elliptic-curve verifiable random function of RFC 9381 with
 * suite string 0x03: key derivation (section 5.5, RFC 8032 section 5.1.5), prove (section 5.1),
 * proof_to_hash (section 5.2), verify (section 5.3) with validate_key (section 5.4.5),
 * encode_to_curve by try-and-increment (section 5.4.1.1), nonce generation as RFC 8032 (section
 * 5.4.2.2), challenge generation (section 5.4.3) and decode_proof (section 5.4.4). The group
 * arithmetic is written here on Bouncy Castle's field arithmetic; docs/design/0005-ecvrf.md says
 * why and what is constant-time, and the appendix of docs/protocol.md gives the exact bytes and the
 * project's worked vector.
 */
package org.rcskt.verifier.vrf;
