// Metrics: their units and directions.
import GRDB

/// A metric with how it is read.
struct MetricInfo: Sendable, Equatable {
    var name: String
    var unit: String?
    var direction: MetricDirection
    var measurementCount: Int
}

extension Store {
    /// Every metric, by name, with how many measurements it has.
    func metrics() throws -> [MetricInfo] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT m.name, m.unit, m.direction, (SELECT count(*) FROM measurements x WHERE x.metric = m.name)
                FROM metrics m ORDER BY m.name
                """).map { row in
                MetricInfo(name: row[0], unit: row[1], direction: MetricDirection(rawValue: row[2]) ?? .neutral,
                           measurementCount: row[3])
            }
        }
    }

    /// Sets a metric's unit and/or direction, creating the metric if it is new.
    @discardableResult
    func setMetric(_ name: String, unit: String?, direction: MetricDirection?) throws -> MetricInfo {
        try writer.write { db in
            try db.execute(sql: "INSERT OR IGNORE INTO metrics (name) VALUES (?)", arguments: [name])
            if let unit { try db.execute(sql: "UPDATE metrics SET unit = ? WHERE name = ?", arguments: [unit, name]) }
            if let direction {
                try db.execute(sql: "UPDATE metrics SET direction = ? WHERE name = ?", arguments: [direction.rawValue, name])
            }
            let row = try Row.fetchOne(db, sql: """
                SELECT name, unit, direction, (SELECT count(*) FROM measurements WHERE metric = ?) FROM metrics WHERE name = ?
                """, arguments: [name, name])!
            return MetricInfo(name: row[0], unit: row[1], direction: MetricDirection(rawValue: row[2]) ?? .neutral,
                              measurementCount: row[3])
        }
    }
}
