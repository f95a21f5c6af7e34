// Human-readable output: aligned tables and short forms.
import TablejohnKit

enum Output {
    /// Prints rows under a header, columns padded to their widest cell.
    static func table(_ header: [String], _ rows: [[String]]) {
        guard !rows.isEmpty else { return }
        let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
        for row in [header] + rows {
            let cells = row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }
            print(cells.joined(separator: "  "))
        }
    }

    static func text(_ value: JSONValue?) -> String {
        switch value {
        case .string(let text)?: oneLine(text)
        case .integer(let number)?: String(number)
        case .real(let number)?: String(number)
        case .bool(let flag)?: flag ? "yes" : "no"
        case .null?, nil: "-"
        default: (try? value?.jsonString()) ?? "-"
        }
    }

    /// Untrusted text on one line: control characters (terminal escapes among them) shown as `?`.
    static func oneLine(_ text: String) -> String {
        text.withControlCharactersShown
    }

    static func shortHash(_ value: JSONValue?) -> String { String(text(value).prefix(10)) }

    static func shortRef(_ value: JSONValue?) -> String { RefName.short(text(value)) }

    /// `2026-11-22 19:14` from an RFC 3339 time.
    static func time(_ value: JSONValue?) -> String {
        // null: a commit time outside years 1 to 9999, which the daemon does not show.
        if value == .null { return "unknown date" }
        let text = text(value)
        guard text.count >= 16 else { return text }
        return text.prefix(10) + " " + text.dropFirst(11).prefix(5)
    }
}
