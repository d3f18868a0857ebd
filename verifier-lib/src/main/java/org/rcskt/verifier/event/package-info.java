/**
 * The key-event format and its rules: docs/protocol.md, sections "Subjects", "Keys", "Binary
 * encoding", "Signatures", "Event hash chain", "Rules" and "JSON form".
 *
 * <p>Model: {@link org.rcskt.verifier.event.KeyEvent} ({@link org.rcskt.verifier.event.EventBody}
 * and signatures). Encoding: {@link org.rcskt.verifier.event.EventCodec} (binary, the signed and
 * logged form) and {@link org.rcskt.verifier.event.EventJson} (the HTTP API form). Verification
 * runs in two phases: {@link org.rcskt.verifier.event.EventSignatures#verify} (signatures,
 * parallelizable) and {@link org.rcskt.verifier.event.EventRules#apply} (the rules against a {@link
 * org.rcskt.verifier.event.SubjectState} and the {@link org.rcskt.verifier.event.AnchorRegistry},
 * cheap and sequential).
 */
package org.rcskt.verifier.event;
