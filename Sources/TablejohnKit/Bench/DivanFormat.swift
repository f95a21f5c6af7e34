// placeholder
enum DivanFormat: ResultAdapter {
    static let format = ResultFormat.divan
    static func recognizes(_ input: ResultInput) -> Bool { false }
    static func parse(_ input: ResultInput) throws(ResultFormatError) -> [Measurement] { throw ResultFormatError(format, "not yet") }
}
