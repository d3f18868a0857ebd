/**
 * Load generators and measurements, run as subcommands of the log-server jar: for issue 3's speed
 * targets {@link org.rcskt.server.bench.BenchCommand} ({@code bench}, HTTP ingest), {@link
 * org.rcskt.server.bench.ReadBenchCommand} ({@code read-bench}, proofs and tiles), {@link
 * org.rcskt.server.bench.BaselineCommand} ({@code baseline}, the machine's limit with no HTTP) and
 * {@link org.rcskt.server.bench.PopulateCommand} ({@code populate}, a large log built quickly); for
 * issue 9's hostile-input run {@link org.rcskt.server.bench.HostileCommand} ({@code hostile}),
 * whose request families ({@link org.rcskt.server.bench.HostileFamily}) are the start of the
 * fuzzing tool of the public-edge issue. Results and method are in docs/benchmarks.md.
 */
package org.rcskt.server.bench;
