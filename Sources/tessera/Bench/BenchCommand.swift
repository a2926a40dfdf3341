import ArgumentParser

/// `tessera bench`: performance measurements (see BENCHMARKS.md).
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Run a benchmark and print its figures.",
        subcommands: [ValidationBenchmark.self, IngestBenchmark.self, QueryBenchmark.self, AnalyticsBenchmark.self, SoakBenchmark.self]
    )
}
