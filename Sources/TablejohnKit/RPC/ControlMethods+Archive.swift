// archive.move, archive.restore and archive.status: runs between the live database and the archive.
import Foundation

extension ControlMethods {
    /// `archive.move`: live runs started before `before` (a date, a time or an age such as
    /// "180d"), optionally only on `ref`'s first-parent line and keeping its newest
    /// `keep_last`, into the archive. Runs off the socket's thread, batch by batch.
    func archiveMove(_ params: RPCParams) throws -> RPCResult {
        let before = try Self.cutoff(params, "before", required: true)!
        let ref = try params.string("ref")
        let keepLast = Int(try params.int("keep_last", range: 0...Int64(Int32.max)) ?? 0)
        return Self.later { [commands] in
            let report = try await commands.archiveMove(before: before, ref: ref, keepLast: keepLast)
            return ["moved": JSONValue(report.runs), "batches": JSONValue(report.batches),
                    "milliseconds": .integer(report.milliseconds), "before": .string(Timestamp.rfc3339(milliseconds: before))]
        }
    }

    /// `archive.restore`: archived runs started before `before` and at or after `after`
    /// (each optional) back into the live database.
    func archiveRestore(_ params: RPCParams) throws -> RPCResult {
        let before = try Self.cutoff(params, "before", required: false)
        let after = try Self.cutoff(params, "after", required: false)
        return Self.later { [commands] in
            let report = try await commands.archiveRestore(before: before, after: after)
            return ["restored": JSONValue(report.runs), "batches": JSONValue(report.batches),
                    "milliseconds": .integer(report.milliseconds)]
        }
    }

    /// `archive.status`: runs, measurements, output lines, time span and size on each side.
    func archiveStatus(_ params: RPCParams) throws -> JSONValue {
        let status = try commands.archiveStatus()
        func side(_ side: ArchiveSide) -> JSONValue {
            ["runs": JSONValue(side.runs), "measurements": JSONValue(side.measurements), "output_lines": JSONValue(side.outputLines),
             "oldest": JSONValue(side.oldest.map { Timestamp.rfc3339(milliseconds: $0) }),
             "newest": JSONValue(side.newest.map { Timestamp.rfc3339(milliseconds: $0) }), "bytes": .integer(side.bytes)]
        }
        return ["live": side(status.live), "archive": side(status.archive), "path": JSONValue(status.path)]
    }

    private static func cutoff(_ params: RPCParams, _ key: String, required: Bool) throws -> Int64? {
        guard let text = required ? try params.requiredString(key) : try params.string(key) else { return nil }
        guard let time = ArchiveCutoff.parse(text, now: now()) else {
            throw RPCError.invalidParams("\"\(key)\" must be a date such as 2026-06-01, an RFC 3339 time or an age such as 180d",
                                         data: ["parameter": .string(key)])
        }
        return time
    }
}
