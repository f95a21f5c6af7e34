// How ref names are shown to people.

public enum RefName {
    /// The short form of a ref name: `main` for `refs/heads/main`, `v1.0` for
    /// `refs/tags/v1.0`, `origin/main` for `refs/remotes/origin/main`.
    public static func short(_ name: String) -> String {
        for prefix in ["refs/heads/", "refs/tags/", "refs/remotes/"] where name.hasPrefix(prefix) {
            return String(name.dropFirst(prefix.count))
        }
        return name
    }
}
