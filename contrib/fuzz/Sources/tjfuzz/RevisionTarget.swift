// Fuzz target "revision": what a user types for a commit, as public routes and the socket read it.
@testable import TablejohnKit

/// Parses the input as a public revision (a pure function) and checks what it accepts, then
/// resolves it as public routes do and with git's full syntax as the control socket does.
final class RevisionTarget: FuzzTarget {
    private let repository = FuzzRepository()
    private let resolver: RevisionResolver

    init() {
        resolver = RevisionResolver(store: repository.importedStore(), repository: repository.git)
    }

    func run(_ input: [UInt8]) {
        let text = String(decoding: input, as: UTF8.self)
        if let parsed = try? PublicRevision.parse(text) {
            // What the public syntax accepts stays inside its bounds and prints back to itself.
            guard parsed.steps.count <= PublicRevision.maximumSteps, text.utf8.count <= PublicRevision.maximumLength,
                  !text.contains(":/"), !text.contains("^{"), !text.contains("@{"), !text.contains("..") else {
                fatalError("\(text.debugDescription) was accepted as a public revision: \(parsed)")
            }
            if (try? PublicRevision.parse(parsed.description)) != parsed {
                fatalError("\(parsed.description.debugDescription) does not parse back to what \(text.debugDescription) gave")
            }
        }
        for hash in [try? resolver.commit(public: text), try? resolver.commit(text)].compactMap({ $0 })
        where hash.count != 40 || !hash.allSatisfy(\.isHexDigit) {
            fatalError("\(text.debugDescription) resolved to \(hash.debugDescription), not a full hash")
        }
        _ = try? resolver.commits(text, limit: 100)
        _ = try? resolver.ref(text)
    }
}
