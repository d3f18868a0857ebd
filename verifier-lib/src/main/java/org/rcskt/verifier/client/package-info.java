/**
 * Fetching from the log over HTTP and verifying everything it serves (docs/clients.md, and the HTTP
 * API in docs/api.md): signed checkpoints (C2SP tlog-checkpoint), RFC 9162 section 2.1.3 and 2.1.4
 * proofs, and a subject's events. A {@link org.rcskt.verifier.client.LogClient} remembers the
 * latest checkpoint it verified and treats a checkpoint older than, or inconsistent with, it as log
 * misbehaviour.
 */
package org.rcskt.verifier.client;
