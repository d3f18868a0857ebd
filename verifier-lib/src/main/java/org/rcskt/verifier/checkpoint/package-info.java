/**
 * Transparency log checkpoints (C2SP tlog-checkpoint v1.0.0): the signed-note body {@code
 * <origin>\n<tree size>\n<base64 root hash>\n[<extension line>\n...]}, its strict parsing, signing
 * by the log, and verification against the log's key with optional witness cosignatures (C2SP
 * tlog-cosignature).
 */
package org.rcskt.verifier.checkpoint;
