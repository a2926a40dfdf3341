import ArgumentParser
import Foundation
import TesseraConsole
import NIOCore
import TesseraSamples

/// `tessera-bench analytics`: latency of each analytics request on a loaded store, and the time
/// a catalog reload takes there.
struct AnalyticsBenchmark: LoadedStoreBenchmark {
    static let configuration = CommandConfiguration(
        commandName: "analytics",
        abstract: "Load N statements with a catalog and roster, then time the analytics requests over HTTP.")

    @OptionGroup var options: LoadedStoreOptions

    func run(_ server: BenchServer) async throws {
        let statements = options.statements
        var output = StandardOutput()
        try await BenchCatalog.load(server)
        if statements > 0 {
            let load = try await IngestBenchmark.load(server, statements: statements, batch: 100, connections: 8, seed: 3)
            output.writeLine("loaded \(statements) statements at \(Int(load.rate.rounded())) statements/s with analytics on")
            output.flush()
        }
        let requests: [(String, String)] = [
            ("proficiency", "/analytics/proficiency"),
            ("proficiency asOf 2024-05-01", "/analytics/proficiency?asOf=2024-05-01"),
            ("proficiency one team, CSV", "/analytics/proficiency?team=Team%203&format=csv"),
            ("outcomes (10 programs)", "/analytics/outcomes"),
            ("outcomes (10 programs) one team", "/analytics/outcomes?team=Team%203"),
            ("outcomes one program, window", "/analytics/outcomes?program=https%3A%2F%2Fcourses.example.com%2Fcourse-4&from=2024-01-01&to=2024-06-30"),
            ("knowledge retention", "/analytics/retention/knowledge"),
            ("employee retention", "/analytics/retention/employees?from=2024-03-01&to=2024-10-31"),
            ("employee retention by team", "/analytics/retention/employees?from=2024-03-01&to=2024-10-31&by=team"),
            ("employee retention curves", "/analytics/retention/employees/curve?from=2024-03-01&to=2024-10-31"),
            ("compliance (4 mandatory programs)", "/analytics/compliance?asOf=2024-09-30"),
            ("compliance CSV, one team", "/analytics/compliance?asOf=2024-09-30&team=Team%203&format=csv"),
            ("proficiency trend (12 month ends)", "/analytics/proficiency/trend?from=2024-01-01&to=2024-12-31"),
            ("learner search", "/analytics/learners?search=learner42"),
            ("one learner's record", "/analytics/learner?agent=%7B%22mbox%22%3A%22mailto%3Alearner42%40example.com%22%7D"),
        ]
        output.writeLine("analytics requests: \(options.repeats) each, \(options.connections) connections")
        for (name, path) in requests {
            let latencies = try await options.time(server, name, server.request("GET", absolute: path))
            output.writeLine(name.padding(toLength: 34, withPad: " ", startingAt: 0) + latencies.summary)
            output.flush()
        }
        output.writeLine("server RSS after the requests: \(Int(server.residentMegabytes)) MB")
        // Last: the reload's large transaction leaves a long log to checkpoint, which would
        // compete with the requests for the cores.
        let clock = ContinuousClock()
        let started = clock.now
        try await BenchCatalog.put(server, "/analytics/catalog", BenchCatalog.catalog, contentType: "application/json")
        output.writeLine("catalog reload (re-derives every skill fact): \(clock.now - started)")
        output.writeLine("server RSS after the reload: \(Int(server.residentMegabytes)) MB")
        output.flush()
    }
}

/// A catalog and roster that fit `SampleStatements`: its seven skills (by category prefix),
/// ten programs over its courses, `experienced` as the behaviour verb, its 5,000 learners in ten
/// teams with some leavers.
enum BenchCatalog {
    static let catalog: [UInt8] = {
        let skills = ["forklift-safety", "first-aid", "negotiation", "sql", "coaching", "gdpr", "excel"]
        let programs = (0..<10).map { course in
            let base = "https://courses.example.com/course-\(course)"
            // Every third course is mandatory, due by mid-2024 or 90 days after joining.
            let mode = course % 3 == 0 ? #""mode":"mandatory","due":{"daysAfterHire":90,"date":"2024-06-30"}"# : #""mode":"voluntary""#
            return #"{"id":"\#(base)","name":"Course \#(course)","kind":"\#(course % 2 == 0 ? "upskilling" : "reskilling")",\#(mode),"activities":["\#(base)/lesson-0/question-0","\#(base)/lesson-0/question-1"],"skills":["https://skills.example.com/skill/\#(skills[course % skills.count])"]}"#
        }
        let skillList = skills.map { #"{"id":"https://skills.example.com/skill/\#($0)","name":"\#($0)"}"# }
        return Array(#"{"skills":[\#(skillList.joined(separator: ","))],"skillCategoryPrefixes":["https://skills.example.com/skill/"],"programs":[\#(programs.joined(separator: ","))],"behaviorVerbs":["http://adlnet.gov/expapi/verbs/experienced"],"levels":[{"name":"foundation","min":0},{"name":"practitioner","min":0.6},{"name":"expert","min":0.85}]}"#.utf8)
    }()

    static let roster: [UInt8] = {
        var lines = ["mbox,team,hired,left"]
        for learner in 0..<5000 {
            let hired = String(format: "20%02d-%02d-15", 19 + learner % 5, 1 + learner % 12)
            let left = learner % 7 == 0 ? String(format: "2024-%02d-10", 3 + learner % 8) : ""
            lines.append("mailto:learner\(learner)@example.com,Team \(learner % 10),\(hired),\(left)")
        }
        return Array((lines.joined(separator: "\n") + "\n").utf8)
    }()

    /// Loads the catalog and roster into `server`.
    static func load(_ server: BenchServer) async throws {
        try await put(server, "/analytics/catalog", catalog, contentType: "application/json")
        try await put(server, "/analytics/roster", roster, contentType: "text/csv")
    }

    static func put(_ server: BenchServer, _ path: String, _ body: [UInt8], contentType: String) async throws {
        let status = try await server.withConnection {
            try await $0.send(server.request("PUT", absolute: path, body: body, contentType: contentType)).status
        }
        guard status == 204 else { throw BenchError("PUT \(path) answered \(status)") }
    }
}
