// A branch comparison as text: an aligned table for terminals and a Markdown table for pull-request comments.
import Foundation

extension BranchComparison {
    /// The columns both text forms show, one array per metric, regressions first.
    var textRows: [[String]] {
        sortedRows(by: .verdict).map { row in
            [Self.oneLine(row.metric), row.baseline.map { DisplayFormat.number($0) } ?? "-", row.value.map { DisplayFormat.number($0) } ?? "-",
             row.verdict.map { $0.percent.map(Self.percentText) ?? "-" } ?? "-", Self.oneLine(row.unit ?? ""), row.verdictName,
             Self.basisText(row.verdict?.basis, row)]
        }
    }

    static let textHeader = ["METRIC", "BASE", "HEAD", "CHANGE", "UNIT", "VERDICT", "BASIS"]

    /// The header lines saying what was compared.
    var headline: String {
        "\(headName) (\(headCommit.prefix(10))) against the merge base \(mergeBase.prefix(10)) of \(baseName) and \(headName)"
            + (machine.map { " on " + Self.oneLine(Self.machineText($0)) } ?? "")
    }

    /// An aligned table for a terminal, under the headline and the summary line.
    public func terminalText() -> String {
        var lines = [headline, summaryLine]
        let rows = textRows
        if !rows.isEmpty {
            let widths = Self.textHeader.indices.map { column in ([Self.textHeader] + rows).map { $0[column].count }.max() ?? 0 }
            lines.append("")
            for row in [Self.textHeader] + rows {
                lines.append(row.enumerated().map { index, cell in
                    index == row.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
                }.joined(separator: "  "))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A Markdown table fit for a pull-request comment; cells are escaped so names cannot break it.
    public func markdown() -> String {
        var lines = ["**\(Self.markdownCell(headline))**", "", Self.markdownCell(summaryLine)]
        let rows = textRows
        if !rows.isEmpty {
            lines += ["", "| Metric | Base | Head | Change | Unit | Verdict | Basis |", "|---|---:|---:|---:|---|---|---|"]
            for row in rows {
                var cells = row.map(Self.markdownCell)
                cells[0] = "`" + row[0].replacingOccurrences(of: "`", with: "'").replacingOccurrences(of: "|", with: "\\|") + "`"
                if row[5] == ComparisonVerdict.regression.rawValue { cells[5] = "**regression**" }
                lines.append("| " + cells.joined(separator: " | ") + " |")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// How rows can be ordered.
    enum RowOrder: String, Sendable, CaseIterable {
        case metric, change, verdict
    }

    /// The rows in `order`: by name; by the size of the change, largest first; or
    /// regressions, improvements, other changes, unchanged, missing, each by name.
    func sortedRows(by order: RowOrder) -> [Row] {
        switch order {
        case .metric:
            return rows.sorted { $0.metric < $1.metric }
        case .change:
            return rows.sorted { (abs($0.verdict?.percent ?? -1), $1.metric) > (abs($1.verdict?.percent ?? -1), $0.metric) }
        case .verdict:
            func rank(_ row: Row) -> Int {
                switch row.verdict?.verdict {
                case .regression?: 0
                case .improvement?: 1
                case .changed?: 2
                case .unchanged?: 3
                case nil: 4
                }
            }
            return rows.sorted { (rank($0), $0.metric) < (rank($1), $1.metric) }
        }
    }

    static func basisText(_ basis: ComparisonBasis?, _ row: Row) -> String {
        switch basis {
        case .rankTest(let p)?: String(format: "rank test, p = %.3g (%d vs %d samples)", p, row.baselineSamples, row.valueSamples)
        case .noise(let sigmas, _)?: sigmas.isFinite ? String(format: "%.1f σ of the base's noise", sigmas) : "beyond a noiseless history"
        case .tooFewSamples?: "too few samples, no noise history"
        case nil: row.baseline == nil ? "only on HEAD" : "only on the merge base"
        }
    }

    static func machineText(_ machine: Machine) -> String {
        machine.runner ?? "no runner"
    }

    static func oneLine(_ text: String) -> String { text.withControlCharactersShown }

    static func markdownCell(_ text: String) -> String {
        var escaped = ""
        for character in oneLine(text) {
            if "\\`*_[]<>|#!~&".contains(character) { escaped.append("\\") }
            escaped.append(character)
        }
        return escaped
    }
}
