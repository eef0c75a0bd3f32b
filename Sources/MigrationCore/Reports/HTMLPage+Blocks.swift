internal import Foundation

/// The blocks every page is built of — sections, summary cards, tables, lists by kind — written in
/// one place, so the pages agree on their markup and each page says only what it shows.
extension HTMLPage {
    /// `data-*` attributes: `(name, value)` pairs without the `data-` prefix, values escaped; each
    /// written with the space before it.
    static func data(_ attributes: [(String, String)]) -> String {
        attributes.map { " data-\($0.0)=\"\(escape($0.1))\"" }.joined()
    }

    /// `<section id="…" data-…>` with its `<h2>` heading, `body` (HTML) after it.
    static func section(_ id: String, _ heading: String, data attributes: [(String, String)] = [], _ body: String)
        -> String
    {
        "<section id=\"\(escape(id))\"\(data(attributes))>\n<h2>\(escape(heading))</h2>\n" + body + "</section>\n"
    }

    /// One summary card: a figure (HTML) in bold above its label; `figureClass` colours the figure.
    static func card(_ figure: String, _ label: String, figureClass: String? = nil) -> String {
        let bold = figureClass.map { "<b class=\"\(escape($0))\">" } ?? "<b>"
        return "<div class=\"card\">\(bold)\(figure)</b>\(label)</div>"
    }

    /// Cards of counts, each grouped by thousands (``grouped(_:)``) above its label.
    static func cards(_ counts: [(count: Int, label: String)]) -> String {
        "<div class=\"cards\">" + counts.map { card(grouped($0.count), $0.label) }.joined() + "</div>\n"
    }

    /// The page's `<section id="summary">`: its figures as `data-*` attributes and as cards.
    static func summary(data attributes: [(String, String)], cards: [String]) -> String {
        "<section id=\"summary\"\(data(attributes))>\n<div class=\"cards\">" + cards.joined()
            + "</div>\n</section>\n"
    }

    /// A column of a ``table(_:_:)``: numbers are right-aligned (`th.n`, `td.n`).
    struct Column {
        var title: String
        var numeric = false

        /// A column of text.
        static func text(_ title: String) -> Column { Column(title: title) }
        /// A column of numbers.
        static func number(_ title: String) -> Column { Column(title: title, numeric: true) }
    }

    /// A table cell.
    enum Cell {
        /// HTML, left-aligned.
        case html(String)
        /// A figure already written (a duration, a blank), right-aligned.
        case figure(String)

        /// A count, right-aligned with thousands separators.
        static func count(_ value: Int) -> Cell { .figure(grouped(value)) }
    }

    /// A table row: its figures as `data-*` attributes (so a test can check them against the JSON),
    /// then its cells.
    struct Row {
        var data: [(String, String)]
        var cells: [Cell]
    }

    /// A `<table>` of `columns` and `rows` (`id` on the table when given).
    static func table(id: String? = nil, _ columns: [Column], _ rows: [Row]) -> String {
        var out = id.map { "<table id=\"\(escape($0))\">" } ?? "<table>"
        out += "\n<thead><tr>"
        for column in columns {
            out += column.numeric ? "<th class=\"n\">\(column.title)</th>" : "<th>\(column.title)</th>"
        }
        out += "</tr></thead>\n<tbody>\n"
        for row in rows {
            out += "<tr\(data(row.data))>"
            for cell in row.cells {
                switch cell {
                case .html(let html): out += "<td>\(html)</td>"
                case .figure(let figure): out += "<td class=\"n\">\(figure)</td>"
                }
            }
            out += "</tr>\n"
        }
        return out + "</tbody>\n</table>\n"
    }

    /// A section that is a table alone.
    static func tableSection(_ id: String, _ heading: String, _ columns: [Column], _ rows: [Row]) -> String {
        section(id, heading, table(columns, rows))
    }

    /// One kind of a list by kind (problems by code, failures by reason, differences by entity):
    /// `<div class="kind" data-…>`, its `<h3>` heading (HTML) and its items (`<li>` elements).
    static func kind(data attributes: [(String, String)], heading: String, items: [String]) -> String {
        "<div class=\"kind\"\(data(attributes))>\n<h3>\(heading)</h3>\n<ul>\n" + items.joined() + "</ul>\n</div>\n"
    }
}
