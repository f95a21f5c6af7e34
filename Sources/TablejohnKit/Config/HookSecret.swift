// The shared secret of the push hook (`[repo] hook-secret`) and the checks of a forge's signature against it.
import Crypto
import Foundation

/// A push hook secret of at least 16 characters; only such a secret can be made.
/// It accepts GitHub's `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the body>`
/// and GitLab's `X-Gitlab-Token: <secret>`, both compared in constant time.
public struct HookSecret: Sendable, Equatable {
    /// The fewest characters a secret may have.
    static let minimumLength = 16

    private let text: String

    /// nil when the secret is shorter than `minimumLength` bytes.
    init?(_ text: String) {
        guard text.utf8.count >= Self.minimumLength else { return nil }
        self.text = text
    }

    /// What a delivery carries as its credential.
    enum Credential: Equatable {
        /// GitHub: the header's value, such as `sha256=0a1b…`.
        case githubSignature(String)
        /// GitLab: the secret itself.
        case gitlabToken(String)
    }

    /// Whether the credential proves the sender knows the secret, for this body.
    func accepts(_ credential: Credential, body: some Sequence<UInt8>) -> Bool {
        switch credential {
        case .githubSignature(let header):
            let expected = Self.signature(of: Data(body), key: text)
            // A well-formed header is "sha256=" and 64 hex digits; GitHub writes them in lower case.
            let given = header.utf8.count == expected.utf8.count ? header.lowercased() : expected + "x"
            return RunnerToken.equalInConstantTime(Data(given.utf8), Data(expected.utf8))
        case .gitlabToken(let token):
            // Digests first, so the comparison takes as long whatever the token's length.
            return RunnerToken.equalInConstantTime(RunnerToken.digest(token), RunnerToken.digest(text))
        }
    }

    /// GitHub's `X-Hub-Signature-256` value for a body: `sha256=` and the HMAC in lower-case hex.
    static func signature(of body: Data, key: String) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Data(key.utf8)))
        return "sha256=" + code.map { String(format: "%02x", $0) }.joined()
    }
}
