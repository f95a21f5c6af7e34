// One metric's values as columns per machine, ordered by commit time, and the downsampling that serves them.
import Crypto
import Foundation

/// A metric's values, one line per machine (`MachineKey`: lines never mix machines).
struct MetricSeries: Sendable {
    var header: MetricHeader
    /// Lines over every commit, and over commits reachable from tracked refs only.
    var all: [SeriesLine]
    var tracked: [SeriesLine]

    var pointCount: Int { all.reduce(0) { $0 + $1.time.count } }

    /// Bytes held by both views (a point is a time, a commit id, a value and a flag) and the
    /// values kept behind the medians of commits measured more than once.
    var estimatedBytes: Int {
        (pointCount + tracked.reduce(0) { $0 + $1.time.count }) * 25 + all.reduce(0) { $0 + $1.repeatedValueCount } * 8 + 1024
    }

    /// Groups `points` by machine (`MachineKey`); a commit measured several times on one machine gets the median.
    init(header: MetricHeader, points: [SeriesPoint]) {
        self.header = header
        var groups: [MachineKey: [SeriesPoint]] = [:]
        for point in points { groups[point.machine, default: []].append(point) }
        var lines: [SeriesLine] = []
        for (machine, group) in groups {
            lines.append(SeriesLine(machine: machine, points: group))
        }
        Self.arrange(&lines)
        all = lines
        tracked = lines.compactMap { $0.trackedOnly() }
    }

    /// Adds the values of new runs: each lands on its machine's line (a new line for a new
    /// machine), in commit order; a commit measured again gets the median of all its values.
    /// The result equals the series read anew with these points among the rest.
    mutating func add(_ points: [SeriesPoint]) {
        guard !points.isEmpty else { return }
        var lineOfKey = Dictionary(all.indices.map { (all[$0].key, $0) }) { first, _ in first }
        for point in points {
            let machine = point.machine
            let key = SeriesLine.key(machine)
            if let index = lineOfKey[key] {
                all[index].add(point)
            } else {
                lineOfKey[key] = all.count
                all.append(SeriesLine(machine: machine, points: [point]))
            }
        }
        Self.arrange(&all)
        tracked = all.compactMap { $0.trackedOnly() }
    }

    /// Runners by name, then by fingerprint key: the same order on every request. The same
    /// runner on two machines gets a number after its name.
    private static func arrange(_ lines: inout [SeriesLine]) {
        lines.sort { ($0.baseRunner, $0.key) < ($1.baseRunner, $1.key) }
        var seen: [String: Int] = [:]
        for index in lines.indices {
            let count = seen[lines[index].baseRunner, default: 0] + 1
            seen[lines[index].baseRunner] = count
            lines[index].runner = count > 1 ? "\(lines[index].baseRunner) (\(count))" : lines[index].baseRunner
        }
    }
}

/// One machine's values of a metric: parallel columns ordered by (time, commit).
struct SeriesLine: Sendable, Equatable {
    /// The runner's name as its runs gave it, numbered when one runner name has several machines.
    var runner: String
    /// The runner's name as its first run gave it.
    private(set) var baseRunner: String
    /// A short stable key of the fingerprint, to tell machines apart in URLs and legends.
    var key: String
    var time: [Int64] = []
    var commitID: [Int64] = []
    var tracked: [Bool] = []
    var value: [Double] = []
    /// Every value of each commit measured more than once: a further value changes its median.
    private var repeated: [Int64: [Double]] = [:]
    /// How many values `repeated` keeps, for the cache's memory budget.
    var repeatedValueCount: Int { repeated.values.reduce(0) { $0 + $1.count } }

    init(machine: MachineKey, points: [SeriesPoint]) {
        runner = points.first?.runnerName ?? "submitted"
        baseRunner = runner
        key = Self.key(machine)
        let sorted = points.sorted { ($0.time, $0.commitID) < ($1.time, $1.commitID) }
        var start = 0
        while start < sorted.count {
            var end = start + 1
            while end < sorted.count && sorted[end].commitID == sorted[start].commitID { end += 1 }
            time.append(sorted[start].time)
            commitID.append(sorted[start].commitID)
            tracked.append(sorted[start].tracked)
            if end - start > 1 {
                let values = sorted[start..<end].map(\.value)
                repeated[sorted[start].commitID] = values
                value.append(RobustStatistics.median(values))
            } else {
                value.append(sorted[start].value)
            }
            start = end
        }
    }

    /// Adds one value in commit order; a commit already on the line gets the median of all its values.
    mutating func add(_ point: SeriesPoint) {
        var low = 0, high = time.count
        while low < high {
            let middle = (low + high) / 2
            if (time[middle], commitID[middle]) < (point.time, point.commitID) { low = middle + 1 } else { high = middle }
        }
        if low < time.count, commitID[low] == point.commitID {
            var values = repeated[point.commitID] ?? [value[low]]
            values.append(point.value)
            repeated[point.commitID] = values
            value[low] = RobustStatistics.median(values)
        } else {
            time.insert(point.time, at: low)
            commitID.insert(point.commitID, at: low)
            tracked.insert(point.tracked, at: low)
            value.insert(point.value, at: low)
        }
    }

    /// The short key of a machine: of its fingerprint text, so a fingerprinted machine's
    /// key stays what it was before lines of runs without one were told apart by runner.
    static func key(_ machine: MachineKey) -> String {
        SHA256.hash(data: Data(machine.text.utf8)).prefix(4).map { String(format: "%02x", $0) }.joined()
    }

    /// Lines are equal when they show the same: the values behind a median are not compared.
    static func == (lhs: SeriesLine, rhs: SeriesLine) -> Bool {
        (lhs.runner, lhs.key) == (rhs.runner, rhs.key) && lhs.time == rhs.time && lhs.commitID == rhs.commitID
            && lhs.tracked == rhs.tracked && lhs.value == rhs.value
    }

    private init(runner: String, baseRunner: String, key: String) {
        self.runner = runner
        self.baseRunner = baseRunner
        self.key = key
    }

    /// The same line over commits reachable from tracked refs; nil when none are.
    func trackedOnly() -> SeriesLine? {
        var line = SeriesLine(runner: runner, baseRunner: baseRunner, key: key)
        for index in time.indices where tracked[index] {
            line.time.append(time[index])
            line.commitID.append(commitID[index])
            line.tracked.append(true)
            line.value.append(value[index])
        }
        return line.time.isEmpty ? nil : line
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
