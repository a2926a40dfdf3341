import ArgumentParser

/// `tessera-bench`: performance measurements (see BENCHMARKS.md), kept out of the product
/// binary. The HTTP benchmarks run the `tessera` executable built beside this one.
@main
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tessera-bench",
        abstract: "Run a Tessera benchmark and print its figures.",
        subcommands: [ValidationBenchmark.self, IngestBenchmark.self, QueryBenchmark.self, AnalyticsBenchmark.self, SoakBenchmark.self]
    )
}
