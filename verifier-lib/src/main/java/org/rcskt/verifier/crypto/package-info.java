/**
 * Ed25519 (RFC 8032, pure) through Bouncy Castle's low-level API. The acceptance rules, which every
 * verifier of this protocol must share exactly (canonical encodings, small-order keys rejected, S
 * below the group order, the cofactored equation), are those of docs/protocol.md section 7.1.
 */
package org.rcskt.verifier.crypto;
