import TesseraAnalytics

/// Line charts for the dashboard: figures over time (proficiency per skill by month, a
/// learner's scores) and survival curves drawn as steps with their 95% bands. Each point is a
/// `class="mark"` circle whose `<title>` carries the exact figures.
extension Charts {
    /// Colours for up to eight lines; more reuse them in order.
    static let palette = ["#2563eb", "#f59e0b", "#059669", "#dc2626", "#7c3aed", "#0891b2", "#db2777", "#65a30d"]

    /// One point of a line.
    struct LinePoint {
        /// Days since 1970-01-01 (the x axis is time).
        let day: Int64
        let value: Double
        let detail: String
        /// A band around the value (a 95% interval), drawn faint.
        var band: ClosedRange<Double>? = nil
        /// Too few people behind the value: drawn faint, marked too few to compare.
        var tooFew = false
    }

    /// One line, its points oldest first.
    struct Line {
        let name: String
        let color: String
        let points: [LinePoint]
        /// Draws the value as holding until the next point (a survival curve).
        var steps = false
    }

    /// Lines over time from `days.lowerBound` to `days.upperBound`, values on `range`, with a
    /// legend, dated ticks along the bottom (with their years) and both axes titled.
    static func lines(
        _ name: String, label: String, lines: [Line], days: ClosedRange<Int64>, range: ClosedRange<Double>,
        format: (Double) -> String, axisTitles: (x: String, y: String), into html: inout HTML
    ) {
        let left = 64.0, right = 16.0, legendHeight = 18.0 * Double((lines.count + 2) / 3), top = legendHeight + 14, plotHeight = 200.0
        let plot = 720.0 - left - right
        // A flat range (every value the same) is widened so that the lines have a place.
        let range = range.upperBound > range.lowerBound ? range : (range.lowerBound - 0.05)...(range.upperBound + 0.05)
        let span = Double(max(days.upperBound - days.lowerBound, 1))
        func x(_ day: Int64) -> Double { left + plot * Double(day - days.lowerBound) / span }
        func y(_ value: Double) -> Double {
            top + plotHeight * (1 - (min(max(value, range.lowerBound), range.upperBound) - range.lowerBound) / (range.upperBound - range.lowerBound))
        }
        open(name, label: label, height: top + plotHeight + 50, into: &html)
        for (index, line) in lines.enumerated() {
            let (column, row) = (Double(index % 3), Double(index / 3))
            html.raw(#"<rect x="\#(HTML.unit(left + column * 215))" y="\#(HTML.unit(4 + row * 18))" width="12" height="12" fill="\#(line.color)"/>"#)
            html.raw(#"<text class="axis" x="\#(HTML.unit(left + column * 215 + 17))" y="\#(HTML.unit(14 + row * 18))">"#)
            html.escaped(wrapped(line.name, width: 30, lines: 1)[0])
            html.raw("</text>")
        }
        // The value axis: its bottom, middle and top, with light guide lines.
        for fraction in [0.0, 0.5, 1.0] {
            let value = range.lowerBound + (range.upperBound - range.lowerBound) * fraction
            html.raw(#"<line class="guide" x1="\#(HTML.unit(left))" x2="\#(HTML.unit(left + plot))" y1="\#(HTML.unit(y(value)))" y2="\#(HTML.unit(y(value)))"/>"#)
            html.raw(#"<text class="axis" x="\#(HTML.unit(left - 6))" y="\#(HTML.unit(y(value) + 4))" text-anchor="end">\#(HTML.escape(format(value)))</text>"#)
        }
        titles(axisTitles, centre: (x: left + plot / 2, y: top + plotHeight / 2), bottom: top + plotHeight + 44, into: &html)
        let ticks = dateTicks(days)
        for (index, tick) in ticks.enumerated() {
            // The first and last dates are written inwards from the ends, so that neither is cut.
            let anchor = ticks.count == 1 ? "middle" : index == 0 ? "start" : index == ticks.count - 1 ? "end" : "middle"
            html.raw(#"<text class="axis" x="\#(HTML.unit(x(tick.ordinal)))" y="\#(HTML.unit(top + plotHeight + 18))" text-anchor="\#(anchor)">\#(tick.description)</text>"#)
        }
        for line in lines {
            var path = "", band = (upper: [String](), lower: [String]())
            for (index, point) in line.points.enumerated() {
                let (px, py) = (x(point.day), y(point.value))
                if index == 0 {
                    path = "M\(HTML.unit(px)) \(HTML.unit(py))"
                } else if line.steps {
                    path += "H\(HTML.unit(px))V\(HTML.unit(py))"
                } else {
                    path += "L\(HTML.unit(px)) \(HTML.unit(py))"
                }
                if let interval = point.band {
                    // A step band holds its bounds until the next point, as the line does.
                    let next = index + 1 < line.points.count && line.steps ? x(line.points[index + 1].day) : px
                    band.upper += ["\(HTML.unit(px)),\(HTML.unit(y(interval.upperBound)))", "\(HTML.unit(next)),\(HTML.unit(y(interval.upperBound)))"]
                    band.lower += ["\(HTML.unit(px)),\(HTML.unit(y(interval.lowerBound)))", "\(HTML.unit(next)),\(HTML.unit(y(interval.lowerBound)))"]
                }
            }
            if !band.upper.isEmpty {
                let outline = (band.upper + band.lower.reversed()).joined(separator: " ")
                html.raw(#"<polygon class="band" points="\#(outline)" fill="\#(line.color)"><title>"#)
                html.escaped("\(line.name): 95% interval")
                html.raw("</title></polygon>")
            }
            html.raw(#"<path class="line" d="\#(path)" stroke="\#(line.color)"/>"#)
            for point in line.points {
                html.raw(#"<circle class="mark\#(point.tooFew ? " too-few" : "")" cx="\#(HTML.unit(x(point.day)))" cy="\#(HTML.unit(y(point.value)))" r="3.5" fill="\#(line.color)"><title>"#)
                html.escaped(point.detail + (point.tooFew ? " (too few to compare)" : ""))
                html.raw("</title></circle>")
            }
        }
        html.raw("</svg>")
    }

    /// About five dates spread over `days`, each written whole (with its year).
    private static func dateTicks(_ days: ClosedRange<Int64>) -> [Day] {
        let span = days.upperBound - days.lowerBound
        guard span > 0 else { return [Day(ordinal: days.lowerBound)] }
        return (0...4).map { Day(ordinal: days.lowerBound + span * Int64($0) / 4) }
    }
}
