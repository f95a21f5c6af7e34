// Clients that keep posting runs to a daemon as a runner would, for tests of operations under load.
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
@testable import TablejohnKit

/// Starts `count` clients posting one-measurement runs to `POST /api/runs` on `port` (each
/// at most 2,000, cycling over `hashes`) until `ledger` is stopped; every run the daemon
/// acknowledges goes into `ledger`. Client `n` measures the metric `prefix` + `n` + `/time`.
func startSubmitting(_ count: Int, port: Int, authorization: String, hashes: [String], prefix: String,
                     ledger: Ledger) -> [Task<Void, Never>] {
    (0..<count).map { client in
        Task.detached {
            var sent = 0
            while await !ledger.stopped, sent < 2000 {
                sent += 1
                var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/api/runs?commit=\(hashes[sent % hashes.count])")!)
                request.httpMethod = "POST"
                request.setValue(authorization, forHTTPHeaderField: "Authorization")
                request.httpBody = Data(#"{"\#(prefix)\#(client)/time": {"value": \#(sent), "unit": "ms"}}"#.utf8)
                guard let (data, response) = try? await URLSession.shared.data(for: request),
                      (response as? HTTPURLResponse)?.statusCode == 200,
                      let id = (try? JSONValue.parse(String(decoding: data, as: UTF8.self)))?["id"]?.stringValue else { continue }
                await ledger.acknowledged(id)
            }
        }
    }
}
