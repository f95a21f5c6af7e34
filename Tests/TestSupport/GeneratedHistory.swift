// Long histories for import tests, written by git fast-import in one go.
import Foundation

extension TestRepository {
    /// Writes `count` commits on `branch` with git fast-import (empty trees, one second
    /// apart): every 25th main-line commit starts a side branch of two commits that is
    /// merged back, so about one commit in 27 has two parents. Continues from the
    /// branch's tip when it exists. Returns the new tip.
    @discardableResult
    public func generateHistory(_ count: Int, branch: String = "main", prefix: String = "change") throws -> String {
        let ref = "refs/heads/\(branch)"
        let tip = try? git(["rev-parse", "--verify", "-q", ref])
        var stream = ""
        var mark = 0
        var made = 0
        var time = 1_700_000_000
        var main: String? = tip.map { $0 }

        func commit(_ ref: String, from: String?, merge: String? = nil, message: String) -> String {
            mark += 1
            made += 1
            time += 1
            let text = "\(message)\n"
            stream += "commit \(ref)\nmark :\(mark)\n"
            stream += "author Dev \(mark % 7) <dev\(mark % 7)@example.com> \(time) +0100\n"
            stream += "committer CI <ci@example.com> \(time) +0000\n"
            stream += "data \(text.utf8.count)\n\(text)"
            if let from { stream += "from \(from)\n" }
            if let merge { stream += "merge \(merge)\n" }
            stream += "\n"
            return ":\(mark)"
        }

        while made < count {
            main = commit(ref, from: main, message: "\(prefix) \(made)")
            if made % 25 == 0 && made + 3 <= count {
                let side = commit("refs/heads/\(branch)-side", from: main, message: "\(prefix) side \(made) a")
                let sideTip = commit("refs/heads/\(branch)-side", from: side, message: "\(prefix) side \(made) b")
                main = commit(ref, from: main, merge: sideTip, message: "\(prefix) merge \(made)")
            }
        }
        stream += "reset \(ref)\nfrom \(main!)\n\n"
        try shell("git fast-import --quiet --force && git update-ref -d refs/heads/\(branch)-side", input: Data(stream.utf8))
        return try git(["rev-parse", ref])
    }
}
