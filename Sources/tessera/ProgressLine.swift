import Foundation

/// A progress bar on standard error, when it is a terminal: share done, statements so far,
/// their rate and the time left, redrawn at most five times a second.
struct ProgressLine {
    /// The amount that means done (sequence numbers, bytes).
    let total: Int64
    private let started = ContinuousClock.now
    private var lastShown = ContinuousClock.now
    private let onTerminal = isatty(2) == 1

    init(total: Int64) {
        self.total = total
    }

    /// Shows `done` of `total`, with `statements` handled so far in this run, of which the
    /// part done before it started (`resumedFrom`) took no time.
    mutating func show(done: Int64, statements: Int, resumedFrom: Int64 = 0) {
        guard onTerminal, ContinuousClock.now - lastShown > .milliseconds(200) else { return }
        lastShown = .now
        let elapsed = max((ContinuousClock.now - started) / .seconds(1), 0.001)
        let fraction = total == 0 ? 1 : min(Double(done) / Double(total), 1)
        let bar = String(repeating: "#", count: Int(fraction * 30)).padding(toLength: 30, withPad: ".", startingAt: 0)
        let speed = Double(done - resumedFrom) / elapsed
        let left = speed > 0 ? Int(Double(total - done) / speed) : 0
        let eta = String(format: "%d:%02d", left / 60, left % 60)
        FileHandle.standardError.write(Data(
            "\r[\(bar)] \(Int(fraction * 100))%  \(statements) statements, \(Int(Double(statements) / elapsed))/s, \(eta) left ".utf8))
    }

    /// Ends the line.
    func finish() {
        guard onTerminal else { return }
        FileHandle.standardError.write(Data("\n".utf8))
    }
}
