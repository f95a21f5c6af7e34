// A small W3C WebDriver client: starts chromedriver on loopback and drives a headless
// chromium through it, so page tests can check what a user sees in a real browser.
import Foundation
@testable import TablejohnKit
import Testing
import TestSupport

/// A headless chromium at 1280×800 behind its own chromedriver. `quit()` (or releasing
/// the value) ends the session and both processes, also when a test fails half-way.
final class Browser: @unchecked Sendable {  // used by one test at a time
    static let chromium = "/usr/bin/chromium"
    static let chromedriver = "/usr/bin/chromedriver"
    static let viewport = (width: 1280, height: 800)

    /// Where `screenshot(named:)` writes: `$TABLEJOHN_SCREENSHOTS`, or `.build/screenshots/`
    /// in the package (ignored by git).
    static var screenshotFolder: String {
        if let explicit = ProcessInfo.processInfo.environment["TABLEJOHN_SCREENSHOTS"] { return explicit }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent(".build/screenshots").path
    }

    private let driver = Process()
    /// chromedriver's log and chromium's temporary files, removed by `quit()`.
    private let folder: String
    private let driverLogPath: String
    private var endpoint = ""
    private var browserPID: Int32?
    private var stopped = false

    /// Starts chromedriver on a free loopback port and opens a headless chromium session.
    /// Fails with a clear message when chromium or chromedriver is not installed.
    init() throws {
        for (path, package) in [(Self.chromium, "chromium"), (Self.chromedriver, "chromium-driver")]
        where !FileManager.default.isExecutableFile(atPath: path) {
            throw TestFailure("browser tests need Debian's \(package) (\(path) is missing): run contrib/setup.sh")
        }
        let port = try FreePort.find()
        folder = try TemporaryFolder.make(prefix: "tj-browser")
        driverLogPath = folder + "/chromedriver.log"
        driver.executableURL = URL(fileURLWithPath: Self.chromedriver)
        driver.arguments = ["--port=\(port)", "--log-path=\(driverLogPath)"]
        var environment = ProcessInfo.processInfo.environment
        environment["TMPDIR"] = folder
        driver.environment = environment
        driver.standardOutput = FileHandle.nullDevice
        driver.standardError = FileHandle.nullDevice
        try driver.run()
        do {
            try start(port: port)
        } catch {
            quit()
            throw error
        }
    }

    deinit { quit() }

    private func start(port: Int) throws {
        let base = "http://127.0.0.1:\(port)"
        var ready = false
        for _ in 0..<100 where !ready {
            ready = (try? Self.call("GET", base + "/status", timeout: 2))?["ready"]?.boolValue == true
            if !ready { usleep(100_000) }
        }
        guard ready else { throw TestFailure("chromedriver did not become ready within 10 s:\n\(driverLog)") }
        let capabilities: JSONValue = ["capabilities": ["alwaysMatch": [
            "browserName": "chrome",
            "goog:chromeOptions": [
                "binary": .string(Self.chromium),
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                         "--disable-extensions", .string("--window-size=\(Self.viewport.width),\(Self.viewport.height)")],
            ],
            "goog:loggingPrefs": ["browser": "ALL"],
            "timeouts": ["pageLoad": 30000, "script": 10000, "implicit": 0],
        ]]]
        let session = try Self.call("POST", base + "/session", capabilities, timeout: 60)
        guard let id = session["sessionId"]?.stringValue else {
            throw TestFailure("chromedriver opened no session: \(session)\n\(driverLog)")
        }
        endpoint = base + "/session/" + id
        browserPID = session["capabilities"]?["goog:processID"]?.intValue.map { Int32($0) }
        // --window-size sizes the window, not the page; pin the page itself to 1280×800.
        try command("POST", "/goog/cdp/execute", ["cmd": "Emulation.setDeviceMetricsOverride", "params": [
            "width": JSONValue(Self.viewport.width), "height": JSONValue(Self.viewport.height), "deviceScaleFactor": 1, "mobile": false,
        ]])
    }

    /// Ends the session, chromedriver and chromium. Safe to call more than once.
    func quit() {
        guard !stopped else { return }
        stopped = true
        if !endpoint.isEmpty { _ = try? Self.call("DELETE", endpoint, timeout: 10) }
        if driver.isRunning {
            driver.terminate()
            for _ in 0..<50 where driver.isRunning { usleep(100_000) }
            if driver.isRunning { kill(driver.processIdentifier, SIGKILL) }
        }
        // chromium outlives a chromedriver that died without closing its session.
        if let browserPID, kill(browserPID, 0) == 0 { kill(browserPID, SIGKILL) }
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// chromedriver's own log, for failure messages.
    var driverLog: String { (try? String(contentsOfFile: driverLogPath, encoding: .utf8)) ?? "" }

    // MARK: Pages

    /// Opens `url` and returns once the page has loaded.
    func navigate(to url: String) throws { try command("POST", "/url", ["url": .string(url)]) }

    var currentURL: String { get throws { try command("GET", "/url").stringValue ?? "" } }

    var title: String { get throws { try command("GET", "/title").stringValue ?? "" } }

    /// The page's HTML as the browser holds it now.
    var pageSource: String { get throws { try command("GET", "/source").stringValue ?? "" } }

    func back() throws { try command("POST", "/back", [:]) }

    func refresh() throws { try command("POST", "/refresh", [:]) }

    // MARK: Elements

    /// The first element matching the CSS `selector`; fails if there is none.
    func element(_ selector: String) throws -> BrowserElement {
        let found = try command("POST", "/element", ["using": "css selector", "value": .string(selector)])
        return try BrowserElement(reference: found, in: self)
    }

    /// Every element matching the CSS `selector`, in document order (none is no error).
    func elements(_ selector: String) throws -> [BrowserElement] {
        let found = try command("POST", "/elements", ["using": "css selector", "value": .string(selector)])
        return try (found.arrayValue ?? []).map { try BrowserElement(reference: $0, in: self) }
    }

    /// The rendered text of the page's body, as a user reads it.
    var bodyText: String { get throws { try element("body").text } }

    // MARK: Scripts

    /// Runs `script` (a function body; `arguments[0]`… are `arguments`) and returns what it returns.
    @discardableResult
    func execute(_ script: String, _ arguments: [JSONValue] = []) throws -> JSONValue {
        try command("POST", "/execute/sync", ["script": .string(script), "args": .array(arguments)])
    }

    /// Runs `script`, which calls its last argument with the result (up to 10 s).
    @discardableResult
    func executeAsync(_ script: String, _ arguments: [JSONValue] = []) throws -> JSONValue {
        try command("POST", "/execute/async", ["script": .string(script), "args": .array(arguments)])
    }

    /// Polls `condition` every 100 ms until it holds; fails after `seconds` naming `what`.
    func waitUntil(_ what: String, seconds: Double = 10, _ condition: () throws -> Bool) async throws {
        let deadline = Date().addingTimeInterval(seconds)
        var lastError: (any Error)?
        while Date() < deadline {
            do {
                if try condition() { return }
            } catch {
                lastError = error
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw TestFailure("waited \(seconds) s for \(what)" + (lastError.map { "; last error: \($0)" } ?? "")
                          + "; page \((try? currentURL) ?? "?")")
    }

    // MARK: Console

    /// One line of the browser's console (console.* calls, uncaught errors, failed loads).
    struct ConsoleEntry: CustomStringConvertible {
        var level: String
        var source: String
        var message: String
        var description: String { "\(level) \(source): \(message)" }
    }

    /// The console lines since the previous call (the driver hands each line out once).
    func consoleLog() throws -> [ConsoleEntry] {
        let entries = try command("POST", "/se/log", ["type": "browser"]).arrayValue ?? []
        return entries.map {
            ConsoleEntry(level: $0["level"]?.stringValue ?? "", source: $0["source"]?.stringValue ?? "", message: $0["message"]?.stringValue ?? "")
        }
    }

    /// The errors among the console lines since the previous call: uncaught exceptions,
    /// `console.error` and resources that failed to load.
    func consoleErrors() throws -> [ConsoleEntry] { try consoleLog().filter { $0.level == "SEVERE" } }

    /// Expects no console errors since the previous check (a missing /favicon.ico counts too).
    func expectNoConsoleErrors(sourceLocation: SourceLocation = #_sourceLocation) throws {
        let errors = try consoleErrors()
        #expect(errors.isEmpty, "console errors on \((try? currentURL) ?? "?"): \(errors)",
                sourceLocation: sourceLocation)
    }

    // MARK: Cookies

    /// Sets a cookie on the current page's site.
    func setCookie(name: String, value: String, path: String = "/", httpOnly: Bool = false) throws {
        try command("POST", "/cookie", ["cookie": ["name": .string(name), "value": .string(value), "path": .string(path), "httpOnly": .bool(httpOnly)]])
    }

    /// The current page's cookies by name, HttpOnly ones included.
    func cookies() throws -> [String: String] {
        var cookies: [String: String] = [:]
        for cookie in try command("GET", "/cookie").arrayValue ?? [] {
            if let name = cookie["name"]?.stringValue { cookies[name] = cookie["value"]?.stringValue ?? "" }
        }
        return cookies
    }

    /// The current page's cookies with their flags, as the driver reports them.
    func cookieDetails() throws -> [JSONValue] { try command("GET", "/cookie").arrayValue ?? [] }

    func deleteCookies() throws { try command("DELETE", "/cookie") }

    // MARK: Screenshots

    /// Saves the visible page (1280×800) as `<screenshotFolder>/<name>.png`, prints and returns the path.
    @discardableResult
    func screenshot(named name: String) throws -> String {
        let encoded = try command("GET", "/screenshot").stringValue ?? ""
        guard let png = Data(base64Encoded: encoded), !png.isEmpty else { throw TestFailure("the screenshot was not base64 PNG data") }
        try FileManager.default.createDirectory(atPath: Self.screenshotFolder, withIntermediateDirectories: true)
        let safe = String(name.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "_" })
        let path = URL(fileURLWithPath: Self.screenshotFolder).appendingPathComponent(safe + ".png").path
        try png.write(to: URL(fileURLWithPath: path))
        print("screenshot: \(path)")
        return path
    }

    // MARK: Wire

    /// Sends one command of the session and returns its `value`.
    @discardableResult
    func command(_ method: String, _ path: String, _ body: JSONValue? = nil, timeout: Double = 60) throws -> JSONValue {
        guard !endpoint.isEmpty, !stopped else { throw TestFailure("the browser session is closed") }
        return try Self.call(method, endpoint + path, body, timeout: timeout)
    }

    /// One WebDriver request through curl (URLSession on Linux is unreliable here);
    /// a WebDriver error reply becomes a `WebDriverError`.
    private static func call(_ method: String, _ url: String, _ body: JSONValue? = nil, timeout: Double) throws -> JSONValue {
        let curl = Process()
        curl.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        curl.arguments = ["curl", "-s", "--max-time", "\(Int(timeout))", "-X", method, "-H", "Content-Type: application/json; charset=utf-8"]
            + (body == nil ? [] : ["--data-binary", "@-"]) + [url]
        let input = Pipe()
        let output = Pipe()
        curl.standardInput = input
        curl.standardOutput = output
        try curl.run()
        if let body { input.fileHandleForWriting.write(Data(try body.jsonString().utf8)) }
        try input.fileHandleForWriting.close()
        let reply = output.fileHandleForReading.readDataToEndOfFile()
        curl.waitUntilExit()
        guard curl.terminationStatus == 0 else {
            throw WebDriverError(command: "\(method) \(url)", name: "no reply", message: "curl exited with status \(curl.terminationStatus)")
        }
        let value = try JSONValue.parse(reply, limits: JSONLimits(maximumBytes: 64 << 20, maximumDepth: 64))["value"] ?? .null
        if let name = value["error"]?.stringValue {
            let message = (value["message"]?.stringValue ?? "").split(separator: "\n").first.map(String.init) ?? ""
            throw WebDriverError(command: "\(method) \(url)", name: name, message: message)
        }
        return value
    }
}

/// A WebDriver command the browser refused, with its error name ("no such element", …).
struct WebDriverError: Error, CustomStringConvertible {
    var command: String
    var name: String
    var message: String
    var description: String { "\(command): \(name): \(message)" }
}

/// One element of the page the browser shows.
struct BrowserElement: @unchecked Sendable {
    static let key = "element-6066-11e4-a52e-4f735466cecf"
    let id: String
    let browser: Browser

    init(reference: JSONValue, in browser: Browser) throws {
        guard let id = reference[Self.key]?.stringValue else { throw TestFailure("not an element reference: \(reference)") }
        self.id = id
        self.browser = browser
    }

    /// The element as a script argument.
    var reference: JSONValue { [Self.key: .string(id)] }

    /// The rendered text, as a user reads it (markup characters appear literally).
    var text: String { get throws { try browser.command("GET", "/element/\(id)/text").stringValue ?? "" } }

    /// The HTML attribute `name`, or nil when it is absent.
    func attribute(_ name: String) throws -> String? {
        try browser.command("GET", "/element/\(id)/attribute/\(name)").stringValue
    }

    /// The DOM property `name` (`value`, `checked`, `href` resolved, …).
    func property(_ name: String) throws -> JSONValue { try browser.command("GET", "/element/\(id)/property/\(name)") }

    var tagName: String { get throws { try browser.command("GET", "/element/\(id)/name").stringValue ?? "" } }

    var isDisplayed: Bool { get throws { try browser.command("GET", "/element/\(id)/displayed").boolValue ?? false } }

    func click() throws { try browser.command("POST", "/element/\(id)/click", [:]) }

    /// Types `text` into the element as key presses.
    func sendKeys(_ text: String) throws { try browser.command("POST", "/element/\(id)/value", ["text": .string(text)]) }

    func clear() throws { try browser.command("POST", "/element/\(id)/clear", [:]) }

    /// The first descendant matching the CSS `selector`.
    func element(_ selector: String) throws -> BrowserElement {
        try BrowserElement(reference: try browser.command("POST", "/element/\(id)/element", ["using": "css selector", "value": .string(selector)]), in: browser)
    }

    /// Every descendant matching the CSS `selector`.
    func elements(_ selector: String) throws -> [BrowserElement] {
        let found = try browser.command("POST", "/element/\(id)/elements", ["using": "css selector", "value": .string(selector)])
        return try (found.arrayValue ?? []).map { try BrowserElement(reference: $0, in: browser) }
    }
}
