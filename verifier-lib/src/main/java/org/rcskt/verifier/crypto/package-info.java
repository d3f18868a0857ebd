/**
 * Ed25519 (RFC 8032, pure): signing through Bouncy Castle's low-level API, verification by the
 * strict rules of docs/protocol.md section 7.1 (canonical encodings, no small-order key or R, keys
 * in the prime-order subgroup, S below the group order, the cofactorless equation), which every
 * verifier of this protocol must share exactly. docs/design/0007-strict-ed25519.md gives the
 * reasons.
 */
package org.rcskt.verifier.crypto;
