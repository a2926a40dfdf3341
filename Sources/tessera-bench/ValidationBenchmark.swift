import ArgumentParser
import Foundation
import TesseraConsole
import TesseraSamples
import XAPI

/// `tessera-bench validate`: statements/s validated on one core, beside Foundation's
/// JSONDecoder decoding the same bytes into Codable structs.
struct ValidationBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Measure statement validation throughput (one core) against Foundation's JSONDecoder.",
        discussion: """
            Each round times every contender once, one after the other, so that all of them see \
            the same machine conditions; the median and best rounds are reported, and the ratio \
            is taken from the medians.
            """
    )

    @Option(help: "How many distinct statements to generate.")
    var count = 20_000

    @Option(help: "Timed rounds; each round runs every contender once.")
    var rounds = 9

    func run() throws {
        var samples = SampleStatements(seed: 7)
        let statements = samples.take(count)
        let meanSize = statements.reduce(0) { $0 + $1.count } / statements.count
        let contenders = Self.contenders(statements)
        var seconds = Array(repeating: [Double](), count: contenders.count)
        let clock = ContinuousClock()
        for round in 0...rounds {
            for (index, contender) in contenders.enumerated() {
                let elapsed = clock.measure(contender.body)
                // Round 0 warms up caches and the allocator.
                if round > 0 {
                    seconds[index].append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
                }
            }
        }
        var output = StandardOutput()
        output.writeLine("statements: \(statements.count), mean size \(meanSize) bytes, \(rounds) rounds, one thread")
        output.writeLine("contender".padding(toLength: 44, withPad: " ", startingAt: 0) + "   median/s      best/s")
        var medians: [Double] = []
        for (index, contender) in contenders.enumerated() {
            let sorted = seconds[index].sorted()
            let median = Double(statements.count) / sorted[sorted.count / 2]
            let best = Double(statements.count) / sorted[0]
            medians.append(median)
            output.writeLine(
                contender.name.padding(toLength: 44, withPad: " ", startingAt: 0)
                    + String(Int(median.rounded())).leftPadded(to: 11) + String(Int(best.rounded())).leftPadded(to: 12))
        }
        let ratio = (medians[0] / medians[contenders.count - 1] * 10).rounded() / 10
        output.writeLine("ratio of medians (Tessera validate / JSONDecoder): \(ratio)x")
        output.flush()
    }

    struct Contender {
        let name: String
        let body: () -> Void
    }

    static func contenders(_ statements: [[UInt8]]) -> [Contender] {
        let datas = statements.map { Data($0) }
        let decoder = JSONDecoder()
        return [
            Contender(name: "Tessera parse + validate") {
                for bytes in statements {
                    guard let parsed = try? StatementInput.parse(bytes, version: .v1_0_3),
                        case .success = parsed.results[0]
                    else { preconditionFailure("generated statements must be valid") }
                }
            },
            Contender(name: "Tessera JSON parse only (no validation)") {
                for bytes in statements {
                    guard (try? JSONDocument.parse(bytes)) != nil else { preconditionFailure("generated JSON must parse") }
                }
            },
            Contender(name: "Tessera parse + validate + canonical JSON") {
                var bytesOut = 0
                for bytes in statements {
                    guard let parsed = try? StatementInput.parse(bytes, version: .v1_0_3),
                        case .success(let statement) = parsed.results[0]
                    else { preconditionFailure("generated statements must be valid") }
                    bytesOut += statement.canonicalJSON().count
                }
                precondition(bytesOut > 0)
            },
            Contender(name: "Foundation JSONDecoder (Codable structs)") {
                for data in datas {
                    guard (try? decoder.decode(CodableStatement.self, from: data)) != nil else {
                        preconditionFailure("JSONDecoder must decode every generated statement")
                    }
                }
            },
        ]
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
