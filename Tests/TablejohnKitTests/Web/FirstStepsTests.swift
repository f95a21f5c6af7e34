import Testing
@testable import TablejohnKit

@Suite("First steps: the advice while nothing is measured")
struct FirstStepsAdviceTests {
    func rendered(_ steps: FirstSteps) -> String {
        var html = HTMLWriter()
        steps.render(&html)
        return html.output
    }

    @Test("what is missing first decides the advice", arguments: [
        (true, [], 0, 0, FirstSteps.Advice.none),
        (false, [], 3, 7, .trackABranch),
        (false, ["refs/heads/main"], 0, 0, .startARunner(queued: 0)),
        (false, ["refs/heads/main"], 0, 12, .startARunner(queued: 12)),
        (false, ["refs/heads/main"], 1, 4, .waitForResults(queued: 4)),
        (false, ["refs/heads/trunk", "refs/heads/main"], 2, 0, .backfill(ref: "main")),
        (false, ["refs/heads/-rf"], 1, 0, .backfill(ref: "refs/heads/-rf")),
    ] as [(Bool, [String], Int, Int, FirstSteps.Advice)])
    func advice(hasRuns: Bool, tracked: [String], runners: Int, queued: Int, expected: FirstSteps.Advice) {
        #expect(FirstSteps(hasRuns: hasRuns, trackedRefs: tracked, runnersSeen: runners, queueLength: queued).advice == expected)
    }

    @Test("once runs exist the pages say nothing; before, the command is shown as text")
    func rendering() {
        #expect(rendered(FirstSteps(hasRuns: true, trackedRefs: [], runnersSeen: 0, queueLength: 0)).isEmpty)
        let queued = rendered(FirstSteps(hasRuns: false, trackedRefs: ["refs/heads/main"], runnersSeen: 0, queueLength: 1))
        #expect(queued.contains("1 commit is queued, but no runner has asked for work yet."))
        #expect(queued.contains("<pre class=\"command\"><code>tablejohnd serve --local-runner</code></pre>"))
        let hostile = rendered(FirstSteps(hasRuns: false, trackedRefs: ["refs/heads/<b>$(x)'"], runnersSeen: 1, queueLength: 0))
        #expect(hostile.contains("<code>&lt;b&gt;$(x)&#39;</code>"))
        #expect(hostile.contains("tjctl backfill &#39;&lt;b&gt;$(x)&#39;\\&#39;&#39;&#39; --last 20"))
        #expect(!hostile.contains("<b>"))
    }

    @Test("a ref name becomes one shell word", arguments: [
        ("main", "main"), ("release/1.2", "release/1.2"), ("my branch", "'my branch'"), ("$(rm -rf ~)", "'$(rm -rf ~)'"),
        ("it's", "'it'\\''s'"), ("", "''"),
    ])
    func shellWord(name: String, word: String) {
        #expect(FirstSteps.shellWord(name) == word)
    }
}
