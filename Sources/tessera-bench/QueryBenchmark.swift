import ArgumentParser
import Foundation
import TesseraConsole
import TesseraSamples
import TesseraLRS
import TesseraSQLite
import XAPI

/// `tessera-bench query`: latency of the Statement resource's query set on a loaded store.
struct QueryBenchmark: LoadedStoreBenchmark {
    static let configuration = CommandConfiguration(
        commandName: "query",
        abstract: "Load N statements (batch 100) and time the Statement query set over HTTP.")

    @OptionGroup var options: LoadedStoreOptions

    func run(_ server: BenchServer) async throws {
        let (statements, repeats, connections) = (options.statements, options.repeats, options.connections)
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
            let latencies = try await options.time(server, name, server.request("GET", "/statements?" + query))
            output.writeLine(name.padding(toLength: 32, withPad: " ", startingAt: 0) + latencies.summary)
            output.flush()
        }
        output.writeLine("server RSS after the query set: \(Int(server.residentMegabytes)) MB")
        output.flush()
    }
}
