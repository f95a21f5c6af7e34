// placeholder
enum VitestBenchFormat: ResultAdapter {
    static let format = ResultFormat.vitest
    static func recognizes(_ input: ResultInput) -> Bool { false }
    static func parse(_ input: ResultInput) throws(ResultFormatError) -> [Measurement] { throw ResultFormatError(format, "not yet") }
}
