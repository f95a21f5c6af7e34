// /compare/<id>/: picks the run to compare a run with, from runs likely to matter, or by id.

/// What `/compare/<id>/` shows: candidate runs (the parent commit's, the same commit's,
/// recent ones of the same runner), each linking to the comparison, and a form for any run id.
struct ComparePickerPage {
    /// One list of candidates under a heading.
    struct Section {
        var heading: String
        /// Trusted id attribute.
        var id: String
        var runs: [RunSummary]
    }

    var run: Run
    var commit: CommitSummary?
    var sections: [Section]
    /// Machines of the candidate runs, by run id, to mark those from another machine.
    var machines: [String: Machine]
    var viewer = Viewer.anonymous

    /// The bound on each list of candidates.
    static let sectionLimit = 20

    var machine: Machine { Machine(runner: run.runnerName, fingerprint: run.fingerprint) }

    func render() -> String {
        var html = HTMLWriter()
        PageLayout.open(&html, title: "Compare \(run.id.prefix(8)) with… · tablejohn", viewer: viewer)
        html.raw("<h1>Compare run <a href=\"\(URLPath.href(URLPath.run(run.id)))\"><code>")
        html.text(run.id)
        html.raw("</code></a> with…</h1>\n<p class=\"subtitle\">")
        if let commit {
            ParentComparison.commitLink(&html, commit)
            html.raw(" · ")
        }
        html.text(DisplayFormat.machine(machine))
        html.raw("</p>\n")
        html.raw("<form method=\"get\" action=\"\(URLPath.href(URLPath.compare(run.id)))\" id=\"compare-form\" class=\"panel\">")
        html.raw("<label for=\"other\">Run id</label> <input id=\"other\" name=\"other\" required size=\"40\"> ")
        html.raw("<button type=\"submit\">Compare</button></form>\n")
        let candidates = sections.map { section in
            Section(heading: section.heading, id: section.id, runs: section.runs.filter { $0.id != run.id })
        }.filter { !$0.runs.isEmpty }
        if candidates.isEmpty { html.raw("<p id=\"no-candidates\">No other runs to suggest.</p>\n") }
        for section in candidates {
            html.element("h2", section.heading)
            RunTable(runs: sameMachineFirst(section.runs), id: section.id, link: { URLPath.href(URLPath.compare(run.id, $0.id)) },
                     note: { candidate in isOtherMachine(candidate) ? "other machine" : "" }).render(&html)
        }
        PageLayout.close(&html)
        return html.output
    }

    /// Whether `candidate` is known to come from another machine than the run.
    private func isOtherMachine(_ candidate: RunSummary) -> Bool {
        machines[candidate.id].map { !$0.isSameMachine(as: machine) } ?? false
    }

    /// Runs on the same machine first, each group keeping its order.
    private func sameMachineFirst(_ runs: [RunSummary]) -> [RunSummary] {
        let same = runs.filter { machines[$0.id]?.isSameMachine(as: machine) == true }
        return same + runs.filter { machines[$0.id]?.isSameMachine(as: machine) != true }
    }
}
