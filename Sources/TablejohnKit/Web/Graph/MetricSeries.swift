// One metric's values as columns per runner fingerprint, ordered by commit time, and the downsampling that serves them.
import Crypto
import Foundation

/// A metric's values, one line per runner fingerprint (lines never mix machines).
struct MetricSeries: Sendable {
    var header: MetricHeader
    /// Lines over every commit, and over commits reachable from tracked refs only.
    var all: [SeriesLine]
    var tracked: [SeriesLine]

    var pointCount: Int { all.reduce(0) { $0 + $1.time.count } }

    /// Bytes held by both views: a point is a time, a commit id, a value and a flag.
    var estimatedBytes: Int { (pointCount + tracked.reduce(0) { $0 + $1.time.count }) * 25 + 1024 }

    /// Groups `points` by fingerprint; a commit measured several times on one machine gets the median.
    init(header: MetricHeader, points: [SeriesPoint]) {
        self.header = header
        var groups: [String: [SeriesPoint]] = [:]
        for point in points { groups[point.fingerprint ?? "", default: []].append(point) }
        var lines: [SeriesLine] = []
        for (fingerprint, group) in groups {
            lines.append(SeriesLine(fingerprint: fingerprint, points: group))
        }
        // Runners by name, then by fingerprint key: the same order on every request.
        lines.sort { ($0.runner, $0.key) < ($1.runner, $1.key) }
        // The same runner on two machines gets a number after its name.
        var seen: [String: Int] = [:]
        for index in lines.indices {
            let count = seen[lines[index].runner, default: 0] + 1
            seen[lines[index].runner] = count
            if count > 1 { lines[index].runner += " (\(count))" }
        }
        all = lines
        tracked = lines.compactMap { $0.trackedOnly() }
    }
}

/// One machine's values of a metric: parallel columns ordered by (time, commit).
struct SeriesLine: Sendable, Equatable {
    /// The runner's name as its runs gave it.
    var runner: String
    /// A short stable key of the fingerprint, to tell machines apart in URLs and legends.
    var key: String
    var time: [Int64] = []
    var commitID: [Int64] = []
    var tracked: [Bool] = []
    var value: [Double] = []

    init(fingerprint: String, points: [SeriesPoint]) {
        runner = points.first?.runnerName ?? "submitted"
        key = Self.key(fingerprint: fingerprint)
        let sorted = points.sorted { ($0.time, $0.commitID) < ($1.time, $1.commitID) }
        var start = 0
        while start < sorted.count {
            var end = start + 1
            while end < sorted.count && sorted[end].commitID == sorted[start].commitID { end += 1 }
            time.append(sorted[start].time)
            commitID.append(sorted[start].commitID)
            tracked.append(sorted[start].tracked)
            value.append(Self.median(sorted[start..<end].map(\.value)))
            start = end
        }
    }

    /// The short key of a fingerprint as stored ('' for runs without one).
    static func key(fingerprint: String) -> String {
        SHA256.hash(data: Data(fingerprint.utf8)).prefix(4).map { String(format: "%02x", $0) }.joined()
    }

    private init(runner: String, key: String) {
        self.runner = runner
        self.key = key
    }

    /// The same line over commits reachable from tracked refs; nil when none are.
    func trackedOnly() -> SeriesLine? {
        var line = SeriesLine(runner: runner, key: key)
        for index in time.indices where tracked[index] {
            line.time.append(time[index])
            line.commitID.append(commitID[index])
            line.tracked.append(true)
            line.value.append(value[index])
        }
        return line.time.isEmpty ? nil : line
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    /// The indices of the points to draw for times in `from...to` (Unix seconds) with at most
    /// `maximum` points: all of them when they fit, otherwise the lowest and highest value of
    /// each of `maximum / 2` equal time buckets, so spikes and steps survive.
    func downsample(from: Int64, to: Int64, maximum: Int) -> (indices: [Int], inRange: Int) {
        let lower = firstIndex(atLeast: from)
        let upper = firstIndex(atLeast: to == .max ? to : to + 1)
        let count = upper - lower
        guard count > maximum else { return (Array(lower..<upper), count) }
        let buckets = max(1, maximum / 2)
        let start = Double(time[lower])
        let span = max(1, Double(time[upper - 1]) - start + 1)
        var indices: [Int] = []
        indices.reserveCapacity(buckets * 2)
        var index = lower
        for bucket in 0..<buckets {
            let end = bucket == buckets - 1 ? upper : firstIndex(atLeast: Int64(start + span * Double(bucket + 1) / Double(buckets)), from: index, to: upper)
            guard end > index else { continue }
            var low = index, high = index
            for candidate in index..<end {
                if value[candidate] < value[low] { low = candidate }
                if value[candidate] > value[high] { high = candidate }
            }
            if low == high {
                indices.append(low)
            } else {
                indices.append(min(low, high))
                indices.append(max(low, high))
            }
            index = end
        }
        return (indices, count)
    }

    /// The first index whose time is at least `bound`, by binary search within `from..<to`.
    func firstIndex(atLeast bound: Int64, from: Int = 0, to: Int? = nil) -> Int {
        var low = from, high = to ?? time.count
        while low < high {
            let middle = (low + high) / 2
            if time[middle] < bound { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
