import TesseraAnalytics
import TesseraLRS

/// Daily statement counts gathered into at most about sixty columns: days for a period of up
/// to 62 days, weeks (from Monday) up to 62 weeks, months up to 62 months, years beyond. Empty
/// buckets are kept so that gaps in activity show. The work is one step per bucket and one
/// per counted day, never one per day of the period.
struct VolumeBuckets {
    /// `day`, `week`, `month` or `year`.
    let unit: String
    /// What the axis along the bottom counts ("Week starting Monday (UTC)").
    let axisTitle: String
    let columns: [Charts.Column]

    private enum Unit: String {
        case day, week, month, year

        /// The first day of the bucket holding `day`.
        func start(of day: Day) -> Day {
            switch self {
            case .day: return day
            // Day 0 (1970-01-01) was a Thursday: Monday is three days before.
            case .week: return Day(ordinal: day.ordinal - ((day.ordinal + 3) % 7 + 7) % 7)
            case .month: return day.firstOfMonth
            case .year: return Day(String(day.description.prefix(4)) + "-01-01")!
            }
        }

        /// The first day of the bucket after the one starting at `start`.
        func next(after start: Day) -> Day {
            switch self {
            case .day: return Day(ordinal: start.ordinal + 1)
            case .week: return Day(ordinal: start.ordinal + 7)
            case .month: return start.firstOfNextMonth
            case .year: return self.start(of: Day(ordinal: start.ordinal + 366))
            }
        }

        /// The axis label of the bucket starting at `start`, with its year.
        func label(_ start: Day) -> String {
            switch self {
            case .day, .week: return start.description
            case .month: return String(start.description.prefix(7))
            case .year: return String(start.description.prefix(4))
            }
        }

        /// What the axis along the bottom counts.
        var axisTitle: String {
            switch self {
            case .day: return "Day (UTC)"
            case .week: return "Week starting Monday (UTC)"
            case .month: return "Month"
            case .year: return "Year"
            }
        }

        func name(_ start: Day) -> String {
            switch self {
            case .day: return "\(start)"
            case .week: return "Week of \(start)"
            case .month, .year: return label(start)
            }
        }
    }

    init(from: Day, to: Day, days: [DailyVolume]) {
        let length = to.ordinal - from.ordinal + 1
        let unit: Unit = length <= 62 ? .day : length <= 62 * 7 ? .week : length <= 62 * 31 ? .month : .year
        self.unit = unit.rawValue
        axisTitle = unit.axisTitle
        var counts: [Day: Int] = [:]
        for day in days { counts[unit.start(of: day.day), default: 0] += day.statements }
        var columns: [Charts.Column] = []
        var start = unit.start(of: from)
        while start <= to {
            let count = counts[start] ?? 0
            columns.append(Charts.Column(label: unit.label(start), value: count, detail: "\(unit.name(start)): \(count) statements"))
            start = unit.next(after: start)
        }
        self.columns = columns
    }
}
