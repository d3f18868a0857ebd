/**
 * The monitor's executable (docs/monitor.md, "Command line"): {@code run}, {@code index}, {@code
 * verify-checkpoint}, {@code verify-proof} and {@code verify-evidence}, with picocli.
 */
package org.rcskt.monitor.cli;
