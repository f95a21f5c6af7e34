import Testing
@testable import TablejohnKit

/// The one "same machine" rule (SPEC §3) that pages, the branch comparer, queue affinity,
/// graph lines and detection series ask.
@Suite("Same machine")
struct MachineTests {
    let xeon: JSONValue = ["cpu": "Xeon", "cores": 8, "machine": "lab-1"]

    @Test("with fingerprints on both sides the fingerprint decides, whatever the runners are called")
    func byFingerprint() {
        #expect(Machine(runner: "bench-1", fingerprint: xeon).isSameMachine(as: Machine(runner: "renamed", fingerprint: xeon)))
        // The fingerprint is its text as reported and stored: the same keys in another order
        // are another fingerprint, as graph lines and detection series always keyed them.
        #expect(!Machine(runner: "bench-1", fingerprint: xeon)
            .isSameMachine(as: Machine(runner: "bench-1", fingerprint: ["machine": "lab-1", "cores": 8, "cpu": "Xeon"])))
        // Two runners on one host, told apart by their [runner] machine label.
        #expect(!Machine(runner: "bench-1", fingerprint: xeon)
            .isSameMachine(as: Machine(runner: "bench-1", fingerprint: ["cpu": "Xeon", "cores": 8, "machine": "lab-2"])))
    }

    @Test("without fingerprints the runner name decides; a run with one and a run without are never the same machine")
    func byName() {
        #expect(Machine(runner: "ci", fingerprint: nil).isSameMachine(as: Machine(runner: "ci", fingerprint: nil)))
        #expect(!Machine(runner: "ci", fingerprint: nil).isSameMachine(as: Machine(runner: "laptop", fingerprint: nil)))
        #expect(!Machine(runner: "ci", fingerprint: xeon).isSameMachine(as: Machine(runner: "ci", fingerprint: nil)))
        #expect(!Machine(runner: "ci", fingerprint: nil).isSameMachine(as: Machine(runner: "ci", fingerprint: xeon)))
    }

    @Test("the key a run's stored columns give is the key of the machine pages build from the same run")
    func keyOfStoredColumns() throws {
        let text = try xeon.jsonString()
        #expect(Machine(runner: "bench-1", fingerprint: xeon).key == MachineKey(runner: "renamed", fingerprint: text))
        #expect(Machine(runner: "ci", fingerprint: nil).key == MachineKey(runner: "ci", fingerprint: ""))
        #expect(Machine(runner: "ci", fingerprint: nil).key != MachineKey(runner: "laptop", fingerprint: nil))
        #expect(Machine(runner: nil, fingerprint: nil).key == MachineKey(runner: nil, fingerprint: nil))
        // One text per machine: a runner named like a fingerprint is still not that fingerprint.
        #expect(MachineKey(runner: text, fingerprint: nil).text != MachineKey(runner: nil, fingerprint: text).text)
        #expect(MachineKey(runner: nil, fingerprint: nil).text == "")
    }

    @Test("queue affinity follows the same rule on the fingerprint's stored text")
    func affinityAgrees() throws {
        let text = try xeon.jsonString()
        let cases: [(MachineAffinity, String, String?)] = [
            (MachineAffinity(fingerprint: text, runner: "bench-1"), "renamed", text),
            (MachineAffinity(fingerprint: text, runner: "bench-1"), "bench-1", nil),
            (MachineAffinity(fingerprint: "", runner: "ci"), "ci", nil),
            (MachineAffinity(fingerprint: "", runner: "ci"), "ci", text),
            (MachineAffinity(fingerprint: nil, runner: "ci"), "laptop", nil),
        ]
        for (affinity, name, reported) in cases {
            let machine = Machine(runner: affinity.runner, fingerprint: affinity.fingerprint.flatMap { try? JSONValue.parse($0) })
            let runner = Machine(runner: name, fingerprint: reported.flatMap { try? JSONValue.parse($0) })
            #expect(affinity.admits(name: name, fingerprint: reported) == machine.isSameMachine(as: runner))
        }
    }

    @Test("runs group by the rule: a renamed runner's runs join its machine's group")
    func grouping() {
        let runs = [("r1", "bench-1", xeon), ("r2", "renamed", xeon), ("r3", "ci", nil)].map { id, runner, fingerprint in
            RunValues(runID: id, machine: Machine(runner: runner, fingerprint: fingerprint), start: 0, values: [:], units: [:])
        }
        #expect(RunValues.byMachine(runs).map { $0.runs.map(\.runID) } == [["r1", "r2"], ["r3"]])
    }
}
