// One CSV text field as tablejohn writes them everywhere (exports, tjctl sql --csv).

/// CSV text fields for callers outside the export stream, by the export's own rule.
public enum CSVField {
    /// `value` as a CSV field: quoted when it holds a comma, quote or line break, and
    /// prefixed with `'` when it starts like a spreadsheet formula (numbers are not text).
    public static func text(_ value: String) -> String {
        var output: [UInt8] = []
        CSVRowWriter.appendField(&output, Array(value.utf8))
        return String(decoding: output, as: UTF8.self)
    }
}
