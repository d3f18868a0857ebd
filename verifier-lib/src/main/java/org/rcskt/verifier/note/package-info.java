/**
 * Signed notes (C2SP signed-note v1.0.0) and Ed25519 witness cosignatures (C2SP tlog-cosignature,
 * {@code cosignature/v1}).
 *
 * <p>A note is UTF-8 text ending in a newline, a blank line, and one or more signature lines {@code
 * — <key name> base64(key ID || signature)}. {@link org.rcskt.verifier.note.Note} parses and
 * formats the syntax; {@link org.rcskt.verifier.note.Notes} opens a note against a set of known
 * {@link org.rcskt.verifier.note.NoteVerifier}s and signs notes with {@link
 * org.rcskt.verifier.note.NoteSigner}s. Key strings follow the vkey/skey encoding of the Go
 * reference implementation ({@code golang.org/x/mod/sumdb/note}): {@code <name>+<8 hex key
 * ID>+base64(type || key)}.
 *
 * <p>Supported signature types: {@code 0x01} Ed25519 and {@code 0x04} timestamped Ed25519
 * cosignatures. Keys of every other type (ECDSA {@code 0x02}, RFC 6962 tree heads {@code 0x05},
 * ML-DSA-44 {@code 0x06}, ...) are recognised and rejected with {@link
 * org.rcskt.verifier.note.UnsupportedAlgorithmException}, never reported as bad signatures.
 */
package org.rcskt.verifier.note;
