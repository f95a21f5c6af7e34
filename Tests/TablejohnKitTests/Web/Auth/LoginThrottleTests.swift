import Testing
@testable import TablejohnKit

@Suite("Login throttle: waits after failures, per name and per address")
struct LoginThrottleTests {
    let keys = LoginThrottle.keys(user: "Admin", client: "192.0.2.7")

    @Test("five failures are free; then each failure doubles the wait from 1 s up to 15 min")
    func doublingWaits() {
        var throttle = LoginThrottle()
        for second in 0..<5 {
            throttle.failed(keys, now: Int64(second) * 1000)
            #expect(throttle.wait(keys, now: Int64(second) * 1000) == nil)
        }
        var waits: [Int64] = []
        var now: Int64 = 10_000
        for _ in 0..<14 {
            throttle.failed(keys, now: now)
            let wait = throttle.wait(keys, now: now) ?? 0
            waits.append(wait)
            now += wait
        }
        #expect(Array(waits.prefix(5)) == [1000, 2000, 4000, 8000, 16000])
        #expect(waits.last == LoginThrottle.longestWaitMilliseconds)
        #expect(throttle.wait(keys, now: now) == nil)
    }

    @Test("a name counts whatever its case and address; an address counts across names")
    func keysShareCounts() {
        var throttle = LoginThrottle()
        for index in 0..<6 {
            throttle.failed(LoginThrottle.keys(user: index % 2 == 0 ? "admin" : "ADMIN", client: "198.51.100.\(index)"), now: 0)
        }
        #expect(throttle.wait(LoginThrottle.keys(user: "admin", client: "203.0.113.1"), now: 0) == 1000)
        #expect(throttle.wait(LoginThrottle.keys(user: "reader", client: "203.0.113.1"), now: 0) == nil)

        var byAddress = LoginThrottle()
        for index in 0..<6 { byAddress.failed(LoginThrottle.keys(user: "user\(index)", client: "192.0.2.9"), now: 0) }
        #expect(byAddress.wait(LoginThrottle.keys(user: "someone", client: "192.0.2.9"), now: 0) == 1000)
    }

    @Test("a success clears the count; quiet keys are forgotten; the table stays bounded")
    func forgetting() {
        var throttle = LoginThrottle(capacity: 100)
        for _ in 0..<6 { throttle.failed(keys, now: 0) }
        throttle.succeeded(keys)
        #expect(throttle.wait(keys, now: 0) == nil)

        for index in 0..<1000 { throttle.failed(LoginThrottle.keys(user: "made-up-\(index)", client: nil), now: Int64(index)) }
        #expect(throttle.entries.count == 100)
        #expect(throttle.entries["user:made-up-999"] != nil)

        throttle.failed(keys, now: 2 * LoginThrottle.forgetAfterMilliseconds)
        #expect(throttle.entries.count == 2)
    }

    @Test("the gate refuses checks past its bound and gives slots back")
    func gateBound() {
        let gate = LoginGate(maximumChecks: 2)
        #expect(gate.begin(["user:a"], now: 0) == .proceed)
        #expect(gate.begin(["user:b"], now: 0) == .proceed)
        #expect(gate.begin(["user:c"], now: 0) == .busy)
        gate.finish(["user:a"], succeeded: true, now: 0)
        #expect(gate.begin(["user:c"], now: 0) == .proceed)
    }
}
