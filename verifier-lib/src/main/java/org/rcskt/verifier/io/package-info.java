/**
 * Durable small files: write to a temporary file, force it, rename it into place atomically, force
 * the directory. Used for a client's state and for key files, so a crash leaves either the old
 * content or the new, never a torn or vanished file.
 */
package org.rcskt.verifier.io;
