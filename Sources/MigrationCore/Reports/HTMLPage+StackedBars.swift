internal import Foundation

extension HTMLPage {
    /// One part of a stacked bar: its class (also its colour, ``css``), its count and its label.
    struct Segment {
        var name: String
        var count: Int
        var label: String
    }

    /// One row of a stacked-bar chart: a label and its parts, left to right.
    struct StackedRow {
        var label: String
        var segments: [Segment]
    }

    /// A legend: a swatch in each colour (a CSS custom property) beside its label.
    static func legend(_ items: [(color: String, label: String)]) -> String {
        var out = "<div class=\"legend\">"
        for item in items {
            out += "<span><i class=\"swatch\" style=\"background: var(--\(item.color))\"></i>"
            out += "\(escape(item.label))</span>"
        }
        return out + "</div>\n"
    }

    /// An inline SVG `svg.chart#id` with a bar per row, each as wide as the plot and split into its
    /// parts by their share of the row's total (rows of very different sizes stay readable); each
    /// `rect.seg` carries `data-row`, `data-part` and `data-count`.
    static func stackedBars(id: String, title: String, rows: [StackedRow]) -> String {
        let width = 1000.0
        let left = 230.0
        let plot = width - left - 90
        let row = 26.0
        let height = row * Double(rows.count) + 8
        var out =
            "<svg class=\"chart\" id=\"\(escape(id))\" role=\"img\" viewBox=\"0 0 \(Int(width)) \(Int(height))\">\n"
        out += "<title>\(escape(title))</title>\n"
        for (index, bar) in rows.enumerated() {
            let y = 4 + row * Double(index)
            let total = bar.segments.reduce(0) { $0 + max($1.count, 0) }
            let label = bar.label.count > 34 ? "…" + bar.label.suffix(33) : bar.label
            out += "<g data-row=\"\(escape(bar.label))\" data-total=\"\(total)\">"
            out += "<text x=\"\(Int(left) - 8)\" y=\"\(y + 14)\" text-anchor=\"end\">\(escape(label))</text>"
            var x = left
            for segment in bar.segments where segment.count > 0 {
                // At least 3 units wide: 2 unaccounted of 1,870 must still show.
                let w = max(plot * Double(segment.count) / Double(max(total, 1)), 3)
                out += "<rect class=\"seg \(escape(segment.name))\" data-row=\"\(escape(bar.label))\" "
                out += "data-part=\"\(escape(segment.name))\" data-count=\"\(segment.count)\" "
                out += String(format: "x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"18\">", x, y, w)
                out += "<title>\(escape(bar.label)): \(grouped(segment.count)) \(escape(segment.label))</title></rect>"
                x += w
            }
            out += "<text x=\"\(Int(left + plot) + 8)\" y=\"\(y + 14)\">\(grouped(total))</text></g>\n"
        }
        return out + "</svg>\n"
    }
}
