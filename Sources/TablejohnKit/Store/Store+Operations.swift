// Counts the operator's metrics read at each scrape of /metrics.
import GRDB

extension Store {
    /// Webhook deliveries not yet answered 2xx (waiting for their next attempt).
    func pendingDeliveryCount() throws -> Int {
        try readStatement { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM hook_deliveries WHERE delivered IS NULL") ?? 0 }
    }
}
