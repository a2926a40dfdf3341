import ArgumentParser
import Foundation
import TesseraSamples
import TesseraStore
import XAPI

/// `tessera bench query`: latency of the Statement resource's query set on a loaded store.
struct QueryBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query",
        abstract: "Load N statements (batch 100) and time the Statement query set over HTTP.")

    @Option(help: "Statements to load first (0 to use the database as it is).")
    var statements = 100_000

    @Option(help: "Database file; a temporary one when not given.")
    var db: String?

    @Option(help: "Requests per query.")
    var repeats = 200

    @Option(help: "Concurrent connections for the queries.")
    var connections = 4

    func run() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tessera-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = db ?? directory.appendingPathComponent("bench.sqlite").path
        let server = try await BenchServer(database: path, durability: "normal")
        var output = StandardOutput()
        if statements > 0 {
            let load = try await IngestBenchmark.load(server, statements: statements, batch: 100, connections: 8, seed: 2)
            output.writeLine("loaded \(statements) statements at \(Int(load.rate.rounded())) statements/s (batch 100, 8 connections)")
            output.flush()
        }
        // Filters taken from one statement the load generated, so that each one matches.
        var generator = SampleStatements(seed: 2 &* 1_000_003)
        let sample = try StatementInput.parse(generator.next(), version: .v1_0_3).results[0].get()
        guard case .activity(let activity) = sample.object, case .agent(let agent) = sample.actor,
            let registration = sample.context?.registration,
            let parent = sample.context?.contextActivities?.parent?.first?.id
        else { throw BenchError("the sample statement lacks the fields the query set filters on") }
        let agentJSON: String
        switch agent.identifier {
        case .mbox(let mbox): agentJSON = #"{"mbox":"\#(mbox)"}"#
        default: throw BenchError("the sample agent has no mbox")
        }
        func encoded(_ text: String) -> String { text.addingPercentEncoding(withAllowedCharacters: .alphanumerics)! }
        let since = XAPITimestamp(milliseconds: XAPITimestamp.now().milliseconds - 3_600_000).text
        let queries: [(String, String)] = [
            ("all", ""),
            ("ascending", "ascending=true"),
            ("agent", "agent=" + encoded(agentJSON)),
            ("agent + related_agents", "agent=" + encoded(agentJSON) + "&related_agents=true"),
            ("activity", "activity=" + encoded(activity.id)),
            ("activity + related_activities", "activity=" + encoded(parent) + "&related_activities=true"),
            ("registration", "registration=" + registration.description),
            ("since", "since=" + encoded(since)),
            ("until", "until=" + encoded(XAPITimestamp.now().text)),
        ]
        output.writeLine("query set: \(repeats) requests each, \(connections) connections, pages of up to \(StatementQuery.defaultLimit)")
        for (name, query) in queries {
            let latencies = try await withThrowingTaskGroup(of: Latencies.self) { group in
                for worker in 0..<connections {
                    group.addTask {
                        try await server.withConnection { connection in
                            var latencies = Latencies()
                            let clock = ContinuousClock()
                            let request = server.request("GET", "/statements?" + query)
                            for _ in stride(from: worker, to: repeats, by: connections) {
                                let start = clock.now
                                let response = try await connection.send(request)
                                guard response.status == 200 else { throw BenchError("\(name) answered \(response.status)") }
                                latencies.add(clock.now - start)
                            }
                            return latencies
                        }
                    }
                }
                var all = Latencies()
                for try await part in group { all.add(part) }
                return all
            }
            output.writeLine(name.padding(toLength: 32, withPad: " ", startingAt: 0) + latencies.summary)
            output.flush()
        }
        output.writeLine("server RSS after the query set: \(Int(server.residentMegabytes)) MB")
        output.flush()
        await server.stop()
    }
}
