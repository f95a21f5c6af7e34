// Files served under /static/: our own CSS and JS, embedded at build time, and the system's dygraphs.
import Crypto
import Foundation
import Hummingbird
import NIOCore

/// One file ready to send.
struct StaticAsset: Sendable {
    var body: ByteBuffer
    var contentType: String
    /// A strong validator: the first 16 hex digits of the file's SHA-256, quoted.
    var etag: String

    init(_ bytes: [UInt8], name: String) {
        body = ByteBuffer(bytes: bytes)
        contentType = StaticAsset.contentType(name)
        etag = "\"" + SHA256.hash(data: bytes).prefix(8).map { String(format: "%02x", $0) }.joined() + "\""
    }

    static func contentType(_ name: String) -> String {
        switch name.split(separator: ".").last {
        case "css": "text/css; charset=utf-8"
        case "js": "text/javascript; charset=utf-8"
        case "svg": "image/svg+xml"
        case "png": "image/png"
        default: "application/octet-stream"
        }
    }
}

enum StaticAssets {
    /// Our own assets, from Sources/TablejohnKit/Web/Assets.
    static let embedded: [String: StaticAsset] = EmbeddedAssetData.base64.reduce(into: [:]) { assets, entry in
        assets[entry.key] = StaticAsset(Array(Data(base64Encoded: entry.value) ?? Data()), name: entry.key)
    }

    /// Where Debian's `libjs-dygraphs` puts its files.
    static let dygraphsFolder = "/usr/share/javascript/dygraphs"
    static let dygraphsFiles = ["dygraph.min.js", "dygraph.min.css"]

    /// The system's dygraphs files, read once; empty when the package is not installed.
    static let dygraphs: [String: StaticAsset] = dygraphsFiles.reduce(into: [:]) { assets, name in
        if let data = FileManager.default.contents(atPath: dygraphsFolder + "/" + name) {
            assets[name] = StaticAsset(Array(data), name: name)
        }
    }

    static var dygraphsInstalled: Bool { dygraphs.count == dygraphsFiles.count }

    /// The address of one of our assets (or `dygraphs/NAME`), versioned by its content so browsers may cache it for good.
    static func url(_ name: String) -> String {
        guard let asset = embedded[name] else { return URLPath.href("/static/\(name)") }
        return URLPath.href("/static/\(name)?v=\(asset.etag.dropFirst().prefix(8))")
    }

    static func add(to router: some RouterMethods<WebRequestContext>) {
        router.get("/static/dygraphs/:name") { request, context in
            response(dygraphs[context.parameters.get("name") ?? ""], request: request,
                     missing: "dygraphs is not installed on the server: install Debian's libjs-dygraphs")
        }
        router.get("/static/:name") { request, context in
            response(embedded[context.parameters.get("name") ?? ""], request: request, missing: "no such file")
        }
    }

    private static func response(_ asset: StaticAsset?, request: Request, missing: String) -> Response {
        guard let asset else { return .plainText(.notFound, missing) }
        var headers: HTTPFields = [.contentType: asset.contentType, .eTag: asset.etag]
        // A versioned address never changes its content; an unversioned one is revalidated.
        headers[.cacheControl] = request.uri.queryParameters["v"] == nil ? "no-cache" : "public, max-age=31536000, immutable"
        if request.headers[.ifNoneMatch] == asset.etag {
            return Response(status: .notModified, headers: headers)
        }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: asset.body))
    }
}
