/// Inline SVG charts for the dashboard. Each is one `<svg data-chart="…">` whose data marks
/// carry `class="mark"` and a `<title>` with the exact figures (shown on hover, read by screen
/// readers and by the browser test).
enum Charts {
    /// The two colours of paired bars, and the heat map's ends.
    static let first = "#2563eb", second = "#f59e0b", low = (r: 239.0, g: 246.0, b: 255.0), high = (r: 30.0, g: 64.0, b: 175.0)

    private static let width = 720.0

    /// One data series of a bar chart.
    struct Series {
        let name: String
        let color: String
    }

    /// A labelled group of bars, one per series; a nil value is drawn as its `missing` text.
    struct BarGroup {
        let label: String
        let values: [Double?]
        /// The hover text of each bar.
        let details: [String]
        /// What a nil value means, written where its bar would be.
        var missing: [String] = []
        /// Each bar's 95% interval, drawn as a whisker across its end (rates only).
        var intervals: [ClosedRange<Double>?] = []
        /// The text written beside each bar (default: the value), e.g. with its counts.
        var labels: [String] = []
        /// Bars whose group is under the minimum size: drawn faint, marked too few to compare.
        var tooFew: [Bool] = []
    }

    /// Horizontal grouped bars on a 0...`maximum` scale, with a legend and, optionally, a
    /// dashed reference line (the mastery score).
    static func bars(
        _ name: String, label: String, series: [Series], groups: [BarGroup], maximum: Double = 1,
        format: (Double) -> String, reference: (value: Double, label: String)? = nil, into html: inout HTML
    ) {
        let labelWidth = 190.0, barHeight = 16.0, groupGap = 14.0, top = 30.0
        // Room on the right for the counts and flags written beside the bars.
        let plot = width - labelWidth - 210
        let groupHeight = Double(series.count) * barHeight + groupGap
        let height = top + Double(groups.count) * groupHeight + (reference == nil ? 6 : 22)
        open(name, label: label, height: height, into: &html)
        legend(series, y: 12, into: &html)
        for (index, group) in groups.enumerated() {
            let y = top + Double(index) * groupHeight
            html.raw(#"<text class="axis" x="\#(HTML.unit(labelWidth - 8))" y="\#(HTML.unit(y + Double(series.count) * barHeight / 2 + 4))" text-anchor="end">"#)
            html.escaped(shortened(group.label, to: 28))
            html.raw("<title>"); html.escaped(group.label); html.raw("</title></text>")
            for (slot, kind) in series.enumerated() {
                let barY = y + Double(slot) * barHeight
                guard slot < group.values.count, let value = group.values[slot] else {
                    let missing = slot < group.missing.count ? group.missing[slot] : "no data"
                    html.raw(#"<text class="none" x="\#(HTML.unit(labelWidth + 4))" y="\#(HTML.unit(barY + 12))">\#(HTML.escape(missing))</text>"#)
                    continue
                }
                func x(_ value: Double) -> Double { labelWidth + plot * min(max(value, 0), maximum) / maximum }
                let length = max(x(value) - labelWidth, 1.5)
                let tooFew = slot < group.tooFew.count && group.tooFew[slot]
                html.raw(#"<rect class="mark\#(tooFew ? " too-few" : "")" x="\#(HTML.unit(labelWidth))" y="\#(HTML.unit(barY + 1))" width="\#(HTML.unit(length))" height="\#(HTML.unit(barHeight - 3))" fill="\#(kind.color)"><title>"#)
                html.escaped((slot < group.details.count ? group.details[slot] : format(value)) + (tooFew ? " (too few to compare)" : ""))
                html.raw("</title></rect>")
                var end = labelWidth + length
                if slot < group.intervals.count, let interval = group.intervals[slot] {
                    let (low, high, middle) = (x(interval.lowerBound), x(interval.upperBound), barY + barHeight / 2 - 0.5)
                    html.raw(#"<path class="interval" d="M\#(HTML.unit(low)) \#(HTML.unit(middle - 4))v8M\#(HTML.unit(low)) \#(HTML.unit(middle))H\#(HTML.unit(high))M\#(HTML.unit(high)) \#(HTML.unit(middle - 4))v8"><title>"#)
                    html.escaped("95% interval \(format(interval.lowerBound)) to \(format(interval.upperBound))")
                    html.raw("</title></path>")
                    end = max(end, high)
                }
                let text = slot < group.labels.count ? group.labels[slot] : format(value)
                html.raw(#"<text class="value" x="\#(HTML.unit(end + 4))" y="\#(HTML.unit(barY + 12))">\#(HTML.escape(text))"#)
                if tooFew { html.raw(#"<tspan class="too-few-label"> · too few to compare</tspan>"#) }
                html.raw("</text>")
            }
        }
        if let reference {
            let x = labelWidth + plot * reference.value / maximum
            let bottom = top + Double(groups.count) * groupHeight
            html.raw(#"<line class="reference" x1="\#(HTML.unit(x))" x2="\#(HTML.unit(x))" y1="\#(HTML.unit(top - 4))" y2="\#(HTML.unit(bottom))"/>"#)
            html.raw(#"<text class="axis" x="\#(HTML.unit(x))" y="\#(HTML.unit(bottom + 14))" text-anchor="middle">"#)
            html.escaped(reference.label)
            html.raw("</text>")
        }
        html.raw("</svg>")
    }

    /// One cell of a heat map: its value (nil: nobody measured), how many people it is of, and
    /// hover text.
    struct Cell {
        let value: Double?
        var people: Int? = nil
        /// Fewer people than the minimum group size: drawn faint, too few to compare.
        var tooFew = false
        let detail: String
    }

    /// A heat map: `rows` × `columns` cells coloured by value over the values' own range
    /// (`shadeRange(of:)`), with the value and the number of people written in.
    static func heatMap(_ name: String, label: String, rows: [String], columns: [String], cells: [[Cell]], into html: inout HTML) {
        let labelWidth = 150.0, headerHeight = 58.0, cellHeight = 38.0
        let range = shadeRange(of: cells.flatMap { $0.compactMap(\.value) })
        let cellWidth = min(120, (width - labelWidth) / Double(max(columns.count, 1)))
        let height = headerHeight + Double(rows.count) * cellHeight + 46
        open(name, label: label, height: height, into: &html)
        for (column, title) in columns.enumerated() {
            // The whole name, over up to three lines (read on touch screens and on paper too).
            let x = labelWidth + (Double(column) + 0.5) * cellWidth
            let lines = wrapped(title, width: Int(cellWidth / 6.5), lines: 3)
            html.raw(#"<text class="axis" x="\#(HTML.unit(x))" y="\#(HTML.unit(headerHeight - 10 - Double(lines.count - 1) * 13))" text-anchor="middle">"#)
            for (index, line) in lines.enumerated() {
                html.raw(#"<tspan x="\#(HTML.unit(x))" dy="\#(index == 0 ? "0" : "13")">"#); html.escaped(line); html.raw("</tspan>")
            }
            html.raw("<title>"); html.escaped(title); html.raw("</title></text>")
        }
        for (row, title) in rows.enumerated() {
            let y = headerHeight + Double(row) * cellHeight
            html.raw(#"<text class="axis" x="\#(HTML.unit(labelWidth - 8))" y="\#(HTML.unit(y + cellHeight / 2 + 4))" text-anchor="end">"#)
            html.escaped(shortened(title, to: 22))
            html.raw("</text>")
            for (column, cell) in cells[row].enumerated() {
                let x = labelWidth + Double(column) * cellWidth
                let geometry = #"x="\#(HTML.unit(x + 1))" y="\#(HTML.unit(y + 1))" width="\#(HTML.unit(cellWidth - 2))" height="\#(HTML.unit(cellHeight - 2))""#
                let centre = #"x="\#(HTML.unit(x + cellWidth / 2))" y="\#(HTML.unit(y + cellHeight / 2 + 4))" text-anchor="middle""#
                guard let value = cell.value else {
                    html.raw(#"<rect class="empty-cell" \#(geometry)><title>\#(HTML.escape(cell.detail))</title></rect>"#)
                    html.raw(#"<text class="none" \#(centre)>–</text>"#)
                    continue
                }
                let dark = !cell.tooFew && (value - range.lowerBound) / (range.upperBound - range.lowerBound) > 0.55
                html.raw(#"<rect class="mark\#(cell.tooFew ? " too-few" : "")" \#(geometry) fill="\#(shade(value, over: range))"><title>"#)
                html.escaped(cell.detail + (cell.tooFew ? " (too few to compare)" : ""))
                html.raw("</title></rect>")
                html.raw(#"<text class="\#(dark ? "on-dark" : "value")" x="\#(HTML.unit(x + cellWidth / 2))" y="\#(HTML.unit(y + 16))" text-anchor="middle">\#(HTML.score(value))</text>"#)
                if let people = cell.people {
                    html.raw(#"<text class="people \#(dark ? "on-dark" : "value")" x="\#(HTML.unit(x + cellWidth / 2))" y="\#(HTML.unit(y + 30))" text-anchor="middle">\#(people == 1 ? "1 person" : "\(people) people")</text>"#)
                }
            }
        }
        // The scale, in four steps over the range drawn.
        let legendY = headerHeight + Double(rows.count) * cellHeight + 12
        for step in 0...4 {
            let value = range.lowerBound + (range.upperBound - range.lowerBound) * Double(step) / 4
            let x = labelWidth + Double(step) * 46
            html.raw(#"<rect class="scale" x="\#(HTML.unit(x))" y="\#(HTML.unit(legendY))" width="44" height="12" fill="\#(shade(value, over: range))"/>"#)
            html.raw(#"<text class="axis" x="\#(HTML.unit(x + 22))" y="\#(HTML.unit(legendY + 26))" text-anchor="middle">\#(HTML.score(value))</text>"#)
        }
        html.raw("</svg>")
    }

    /// One column of a column chart.
    struct Column {
        let label: String
        let value: Int
        let detail: String
    }

    /// Vertical columns (counts over time), with the largest count marked on the axis, about
    /// six labels along the bottom, and both axes titled.
    static func columns(
        _ name: String, label: String, columns: [Column], axisTitles: (x: String, y: String), into html: inout HTML
    ) {
        let left = 56.0, top = 10.0, plotHeight = 180.0
        let plot = width - left - 10
        let slot = plot / Double(max(columns.count, 1))
        let largest = max(columns.map(\.value).max() ?? 0, 1)
        open(name, label: label, height: top + plotHeight + 48, into: &html)
        titles(axisTitles, centre: (x: left + plot / 2, y: top + plotHeight / 2), bottom: top + plotHeight + 42, into: &html)
        html.raw(#"<line class="baseline" x1="\#(HTML.unit(left))" x2="\#(HTML.unit(width - 10))" y1="\#(HTML.unit(top + plotHeight))" y2="\#(HTML.unit(top + plotHeight))"/>"#)
        html.raw(#"<text class="axis" x="\#(HTML.unit(left - 6))" y="\#(HTML.unit(top + 8))" text-anchor="end">\#(largest)</text>"#)
        html.raw(#"<text class="axis" x="\#(HTML.unit(left - 6))" y="\#(HTML.unit(top + plotHeight))" text-anchor="end">0</text>"#)
        let every = max(1, Int((Double(columns.count) / 6).rounded(.up)))
        for (index, column) in columns.enumerated() {
            let x = left + Double(index) * slot
            if column.value > 0 {
                let height = max(plotHeight * Double(column.value) / Double(largest), 1)
                html.raw(#"<rect class="mark" x="\#(HTML.unit(x + slot * 0.1))" y="\#(HTML.unit(top + plotHeight - height))" width="\#(HTML.unit(max(slot * 0.8, 1)))" height="\#(HTML.unit(height))" fill="\#(first)"><title>\#(HTML.escape(column.detail))</title></rect>"#)
            }
            if index % every == 0 {
                html.raw(#"<text class="axis" x="\#(HTML.unit(x + slot / 2))" y="\#(HTML.unit(top + plotHeight + 16))" text-anchor="middle">\#(HTML.escape(column.label))</text>"#)
            }
        }
        html.raw("</svg>")
    }

    // MARK: Parts

    /// The axes' titles: `y` turned along the left edge at the plot's middle, `x` under the plot
    /// at its centre, its baseline at `bottom`.
    static func titles(_ titles: (x: String, y: String), centre: (x: Double, y: Double), bottom: Double, into html: inout HTML) {
        html.raw(#"<text class="axis-title" transform="translate(14 \#(HTML.unit(centre.y))) rotate(-90)" text-anchor="middle">"#)
        html.escaped(titles.y)
        html.raw("</text>")
        html.raw(#"<text class="axis-title" x="\#(HTML.unit(centre.x))" y="\#(HTML.unit(bottom))" text-anchor="middle">"#)
        html.escaped(titles.x)
        html.raw("</text>")
    }

    static func open(_ name: String, label: String, height: Double, into html: inout HTML) {
        html.raw(#"<svg data-chart="\#(name)" role="img" viewBox="0 0 \#(HTML.unit(width)) \#(HTML.unit(height))" width="\#(HTML.unit(width))" height="\#(HTML.unit(height))" aria-label="\#(HTML.escape(label))">"#)
    }

    private static func legend(_ series: [Series], y: Double, into html: inout HTML) {
        var x = 190.0
        for kind in series {
            html.raw(#"<rect x="\#(HTML.unit(x))" y="\#(HTML.unit(y - 9))" width="12" height="12" fill="\#(kind.color)"/>"#)
            html.raw(#"<text class="axis" x="\#(HTML.unit(x + 17))" y="\#(HTML.unit(y + 1))">\#(HTML.escape(kind.name))</text>"#)
            x += 26 + Double(kind.name.count) * 7
        }
    }

    /// The scores the heat map's colours spread over: from the lowest value drawn to the
    /// highest, widened to at least 0.10 (0.05 either side of the middle, inside 0-1) so that
    /// near-equal means do not look far apart. Means gather in a narrow band (0.69-0.83 on the
    /// sample): a fixed scale would paint them all alike.
    static func shadeRange(of values: [Double]) -> ClosedRange<Double> {
        guard var low = values.min(), var high = values.max() else { return 0...1 }
        if high - low < 0.1 {
            let middle = (low + high) / 2
            (low, high) = (middle - 0.05, middle + 0.05)
            if low < 0 { (low, high) = (0, 0.1) }
            if high > 1 { (low, high) = (0.9, 1) }
        }
        return low...high
    }

    /// The heat map's colour for `value`: light blue at the bottom of `range` to dark blue at
    /// the top.
    static func shade(_ value: Double, over range: ClosedRange<Double>) -> String {
        let t = min(max((value - range.lowerBound) / (range.upperBound - range.lowerBound), 0), 1)
        func channel(_ a: Double, _ b: Double) -> String {
            let byte = Int((a + (b - a) * t).rounded())
            return (byte < 16 ? "0" : "") + String(byte, radix: 16)
        }
        return "#" + channel(low.r, high.r) + channel(low.g, high.g) + channel(low.b, high.b)
    }

    /// `text` in lines of at most `width` characters, broken between words (a word longer than
    /// a line is cut), at most `lines` of them, the last ending in "…" when the text goes on.
    static func wrapped(_ text: String, width: Int, lines limit: Int) -> [String] {
        var lines: [String] = []
        for word in text.split(separator: " ").map(String.init) {
            if let last = lines.last, last.count + 1 + word.count <= width {
                lines[lines.count - 1] = last + " " + word
            } else {
                lines.append(shortened(word, to: max(width, 1)))
            }
        }
        guard lines.count > limit else { return lines }
        return Array(lines.prefix(limit - 1)) + [shortened(lines[limit - 1] + " …", to: max(width, 2))]
    }

    private static func shortened(_ text: String, to length: Int) -> String {
        text.count <= length ? text : String(text.prefix(max(length - 1, 1))) + "…"
    }
}
