// The short message a chat channel gets per confirmed regression, in Slack's incoming-webhook JSON.
import Foundation

/// `{"text": "…"}`, which Slack, Mattermost, Rocket.Chat and others accept on an incoming
/// webhook: the metric, how much it moved and where, the commit and a link to it. What
/// comes from the repository (summary, names) is cut and escaped for Slack's markup, so a
/// commit message cannot post mentions (`<!channel>`) or links of its own.
struct SlackMessage: Equatable {
    let text: String

    /// Characters of the commit's summary shown.
    static let summaryLength = 80

    /// - Parameter publicURL: where people reach the pages (`[web] public-url`); without
    ///   it the message names the commit without a link.
    init(_ change: PerformanceChange, publicURL: String?) {
        let percent = change.magnitude * 100
        let sign = percent >= 0 ? "+" : "−"
        var text = "*Regression* in `\(Self.escaped(change.metric))`: \(sign)\(String(format: "%.1f", abs(percent))) % "
        text += "(\(Self.number(change.before)) → \(Self.number(change.after)))"
        if let runner = change.runnerName { text += " on \(Self.escaped(runner))" }
        text += " at `\(change.commit.prefix(10))` \(Self.escaped(Self.cut(change.summary)))"
        text += " (\(Self.escaped(RefName.short(change.ref))))"
        if let publicURL {
            text += "\n<\(publicURL)/commit/\(change.commit)/|Open the commit>"
        }
        self.text = text
    }

    var json: JSONValue { ["text": .string(text)] }

    /// Slack's markup escapes: `&`, `<` and `>` are the only characters it interprets in `<…>`.
    static func escaped(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "`": result += "'"
            default:
                result.unicodeScalars.append(scalar.isControl ? "?" : scalar)
            }
        }
        return result
    }

    private static func cut(_ summary: String) -> String {
        summary.count > summaryLength ? summary.prefix(summaryLength - 1) + "…" : summary
    }

    private static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(format: "%.4g", value)
    }
}
