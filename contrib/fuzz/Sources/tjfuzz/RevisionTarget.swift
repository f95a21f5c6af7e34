// Fuzz target "revision": what a user types for a commit or a range, resolved against a real repository.
import TablejohnKit

/// Resolves the input as a revision and as an `A..B` range with `RevisionResolver`,
/// the check every route and RPC method applies to names of commits.
final class RevisionTarget: FuzzTarget {
    private let repository = FuzzRepository()
    private let resolver: RevisionResolver

    init() {
        resolver = RevisionResolver(store: repository.importedStore(), repository: repository.git)
    }

    func run(_ input: [UInt8]) {
        let text = String(decoding: input, as: UTF8.self)
        if let hash = try? resolver.commit(text), hash.count != 40 || !hash.allSatisfy(\.isHexDigit) {
            fatalError("\(text.debugDescription) resolved to \(hash.debugDescription), not a full hash")
        }
        _ = try? resolver.commits(text, limit: 100)
        _ = try? resolver.ref(text)
    }
}
