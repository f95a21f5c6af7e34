import Foundation
import Testing

/// "Store owns every SQL statement": outside `Store/` the library neither imports GRDB nor
/// writes SQL; other folders call named Store methods.
@Suite("Store owns the SQL")
struct StoreOwnsSQLTests {
    @Test("no file outside Store/ imports GRDB or runs a statement")
    func noSQLOutsideStore() throws {
        let library = FolderGraphTests.repository.appendingPathComponent("Sources/TablejohnKit")
        var offenders: [String] = []
        let files = FileManager.default.enumerator(at: library, includingPropertiesForKeys: nil)
        while let file = files?.nextObject() as? URL {
            guard file.pathExtension == "swift", !file.path.contains("/Store/") else { continue }
            let text = try String(contentsOf: file, encoding: .utf8)
            for marker in ["import GRDB", "sql:", "db.execute(", "sqlite3_exec(", "sqlite3_prepare"] where text.contains(marker) {
                offenders.append("\(file.lastPathComponent): \(marker)")
            }
        }
        #expect(offenders.isEmpty, "\(offenders)")
    }
}
