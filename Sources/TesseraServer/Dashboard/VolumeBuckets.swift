import TesseraAnalytics
import TesseraLRS

/// Daily statement counts gathered into at most about sixty columns: days for a period of up
/// to 62 days, weeks (from Monday) up to 62 weeks, months beyond. Empty buckets are kept so
/// that gaps in activity show.
struct VolumeBuckets {
    /// `day`, `week` or `month`.
    let unit: String
    let columns: [Charts.Column]

    init(from: Day, to: Day, days: [DailyVolume]) {
        let length = to.ordinal - from.ordinal + 1
        let key: (Day) -> Int64
        let label: (Day) -> String
        if length <= 62 {
            unit = "day"
            key = \.ordinal
            label = { String($0.description.dropFirst(5)) }
        } else if length <= 62 * 7 {
            unit = "week"
            // Day 0 (1970-01-01) was a Thursday: Monday is three days before.
            key = { $0.ordinal - (($0.ordinal + 3) % 7 + 7) % 7 }
            label = { String($0.description.dropFirst(5)) }
        } else {
            unit = "month"
            key = { Int64($0.description.prefix(7).replacingOccurrences(of: "-", with: "")) ?? 0 }
            label = { String($0.description.prefix(7)) }
        }
        var counts: [Int64: Int] = [:]
        for day in days { counts[key(day.day), default: 0] += day.statements }
        var columns: [Charts.Column] = []
        var ordinal = from.ordinal
        while ordinal <= to.ordinal {
            let day = Day(ordinal: ordinal)
            let bucket = key(day)
            if columns.isEmpty || key(Day(ordinal: ordinal - 1)) != bucket {
                let start = unit == "week" ? Day(ordinal: bucket) : day
                let count = counts[bucket] ?? 0
                let name = unit == "day" ? "\(day)" : unit == "week" ? "Week of \(start)" : String(day.description.prefix(7))
                columns.append(Charts.Column(label: label(start), value: count, detail: "\(name): \(count) statements"))
            }
            ordinal += 1
        }
        self.columns = columns
    }
}
