/**
 * The {@code log-server} command line (issue 3, "Operations"): {@code serve}, {@code keygen} and
 * {@code fsck}, and the benchmark tools of {@link org.rcskt.server.bench} as the subcommands {@code
 * bench}, {@code read-bench}, {@code baseline} and {@code populate}. See docs/operations.md.
 */
package org.rcskt.server.cli;
