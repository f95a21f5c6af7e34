import Testing
@testable import TablejohnKit

@Suite("Chat message of a confirmed regression")
struct SlackMessageTests {
    static func change(summary: String = "Parse numbers with a table", runner: String? = "bench-1") -> PerformanceChange {
        PerformanceChange(id: 7, ref: "refs/heads/main", metric: "parse_time", runnerName: runner,
                          commit: String(repeating: "ab", count: 20), summary: summary, base: String(repeating: "cd", count: 20),
                          before: 100, after: 109.84, magnitude: 0.0984, kind: .regression, confidence: 0.99, state: .confirmed,
                          detected: 1_000, acked: nil)
    }

    @Test("names the metric, the move, the runner, the commit and links to it")
    func text() {
        let message = SlackMessage(Self.change(), publicURL: "https://bench.example.com/tj")
        #expect(message.text == """
            *Regression* in `parse_time`: +9.8 % (100 → 109.8) on bench-1 at `ababababab` Parse numbers with a table (main)
            <https://bench.example.com/tj/commit/\(String(repeating: "ab", count: 20))/|Open the commit>
            """)
        #expect(message.json["text"] == .string(message.text))
        #expect(!SlackMessage(Self.change(), publicURL: nil).text.contains("http"))
    }

    @Test("a commit message cannot mention the channel, add links, break the markup or run on")
    func hostileSummary() {
        let hostile = "<!channel> see <https://evil.example|here> & `code`\u{7}" + String(repeating: "x", count: 200)
        let text = SlackMessage(Self.change(summary: hostile, runner: "<@U123>"), publicURL: nil).text
        #expect(!text.contains("<!channel>"))
        #expect(!text.contains("<https://evil"))
        #expect(!text.contains("<@U123>"))
        #expect(text.contains("&lt;!channel&gt; see &lt;https://evil.example|here&gt; &amp; 'code'?"))
        #expect(text.contains("x…"))
        #expect(text.count < 300)
    }
}
