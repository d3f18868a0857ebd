package org.rcskt.monitor.config;

import org.rcskt.verifier.Hash;

/**
 * A key the owner of a watched subject expects, identified by its key id (docs/protocol.md: the
 * SHA-256 over the key-id label, the algorithm and the key bytes), which is also the key's
 * fingerprint.
 *
 * @param text the key as written in the configuration file
 * @param keyId the key id it names
 */
public record ExpectedKey(String text, Hash keyId) {}
