/**
 * The {@code log-server} command line (issue 3, "Operations"): {@code serve}, {@code keygen},
 * {@code fsck}, {@code bench} (submission load generator) and {@code read-bench} (proof and tile
 * load generator). See docs/operations.md.
 */
package org.rcskt.server.cli;
