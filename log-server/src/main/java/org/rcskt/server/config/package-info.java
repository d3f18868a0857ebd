/**
 * Server configuration: {@link org.rcskt.server.config.ServerConfig} (JSON file, then command-line
 * overrides) and the key files in the data directory ({@link org.rcskt.server.config.KeyFiles}),
 * which hold C2SP signed-note signer keys.
 */
package org.rcskt.server.config;
