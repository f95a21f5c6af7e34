// Units of time and size as harnesses spell them, and the one rule for converting between them.

/// A unit of time or size, possibly per something (`ns/op`, `MiB/s`): its kind, what
/// it is per, and how many base units (nanoseconds, bytes) one of it is. Two units
/// convert into each other when their kind and their "per" part agree.
struct MeasurementUnit: Sendable, Equatable {
    enum Kind: String, Sendable { case time, size }
    let kind: Kind
    /// How many nanoseconds or bytes one of this unit is.
    let factor: Double
    /// What the unit is per, after its first "/" (`op` in `ns/op`), or "".
    let per: String

    /// Spellings of units of time, in nanoseconds. Both micro signs (U+00B5, U+03BC) appear
    /// in real output: Criterion prints one, package-benchmark the other.
    static let times: [String: Double] = [
        "ps": 0.001, "ns": 1, "nanosecond": 1, "nanoseconds": 1,
        "us": 1e3, "µs": 1e3, "μs": 1e3, "microsecond": 1e3, "microseconds": 1e3,
        "ms": 1e6, "millisecond": 1e6, "milliseconds": 1e6,
        "s": 1e9, "sec": 1e9, "second": 1e9, "seconds": 1e9, "min": 60e9, "minutes": 60e9, "h": 3600e9, "hours": 3600e9,
    ]
    /// Spellings of sizes, in bytes: decimal (kB, MB) and binary (KiB, MiB) multiples.
    static let sizes: [String: Double] = [
        "B": 1, "byte": 1, "bytes": 1,
        "kB": 1e3, "KB": 1e3, "MB": 1e6, "GB": 1e9, "TB": 1e12,
        "KiB": 1024, "MiB": 1_048_576, "GiB": 1_073_741_824, "TiB": 1_099_511_627_776,
    ]

    /// The unit spelled `text`, or nil when it is no unit of time or size (`allocs/op`, `ops/s`).
    init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        let name = String(parts[0])
        per = parts.count == 2 ? String(parts[1]) : ""
        if let factor = Self.times[name] {
            kind = .time
            self.factor = factor
        } else if let factor = Self.sizes[name] {
            kind = .size
            self.factor = factor
        } else {
            return nil
        }
    }

    /// The factor that turns a value in `unit` into one in `target`: 1 when both are
    /// spelled alike. Throws, naming both, when they are not of the same kind.
    static func factor(from unit: String, to target: String) throws(MeasurementUnitError) -> Double {
        if unit == target { return 1 }
        guard let from = MeasurementUnit(unit), let to = MeasurementUnit(target), from.kind == to.kind, from.per == to.per else {
            throw MeasurementUnitError(unit: unit, target: target)
        }
        return from.factor / to.factor
    }

    /// `measurement` in `target`, the unit its metric already has: unchanged when either has
    /// no unit, both are the same, or either is no unit of time or size (`ops`, `allocs/op`:
    /// nothing to convert, so kept as given, as before units were converted); scaled (value,
    /// bounds, samples) when the units are of one kind; an error naming both units when they
    /// are of different kinds (`ms` for a metric in `B`), or when scaling overflows.
    static func convert(_ measurement: Measurement, to target: String?) throws(MeasurementError) -> Measurement {
        guard let target, let unit = measurement.unit, unit != target,
              MeasurementUnit(unit) != nil, MeasurementUnit(target) != nil else { return measurement }
        let factor: Double
        do {
            factor = try Self.factor(from: unit, to: target)
        } catch {
            throw MeasurementError(metric: measurement.metric, error.description)
        }
        return try Measurement(metric: measurement.metric, value: measurement.value * factor, unit: target,
                               samples: measurement.samples?.map { $0 * factor },
                               lower: measurement.lower.map { $0 * factor }, upper: measurement.upper.map { $0 * factor })
    }
}
