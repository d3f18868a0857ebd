/**
 * Load generators and measurements for issue 3, "Speed it must reach", run as subcommands of the
 * log-server jar ({@code bench}, {@code read-bench}, {@code baseline}, {@code populate}): {@link
 * org.rcskt.server.bench.BenchCommand} (HTTP ingest), {@link
 * org.rcskt.server.bench.ReadBenchCommand} (proofs and tiles), {@link
 * org.rcskt.server.bench.BaselineCommand} (the machine's limit with no HTTP) and {@link
 * org.rcskt.server.bench.PopulateCommand} (a large log built quickly). Results and method are in
 * docs/benchmarks.md.
 */
package org.rcskt.server.bench;
