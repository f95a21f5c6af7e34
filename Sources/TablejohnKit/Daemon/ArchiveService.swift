// `[archive] after`: once a day, live runs older than the configured age move to the archive.
import Logging
import ServiceLifecycle

/// Moves runs older than `afterDays` into the archive a minute after start and then every
/// 24 hours, keeping the newest `keepLast`. A failed round is logged and tried again at
/// the next one; a round that finds a move already running (`tjctl archive move`) skips.
struct ArchiveService: Service {
    let store: Store
    let afterDays: Int64
    let keepLast: Int
    let logger: Logger
    static let firstRound: Duration = .seconds(60)
    static let interval: Duration = .seconds(86_400)

    func run() async throws {
        var wait = Self.firstRound
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                try await Task.sleep(for: wait)
            } catch {
                return
            }
            wait = Self.interval
            let before = Timestamp.now() - afterDays * 86_400_000
            do {
                let report = try await store.archiveRuns(ArchiveSelection(before: before, keepLast: keepLast))
                if report.runs > 0 {
                    logger.info("moved old runs to the archive", metadata: [
                        "runs": "\(report.runs)", "before": "\(Timestamp.rfc3339(milliseconds: before))", "ms": "\(report.milliseconds)",
                    ])
                }
            } catch {
                logger.warning("archiving old runs failed; trying again in a day", metadata: ["error": "\(error)"])
            }
        }
    }
}
