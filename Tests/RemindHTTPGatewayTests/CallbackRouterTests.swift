import Foundation
import RemindDelivery
@testable import RemindHTTPGateway
import Testing

@Suite struct CallbackRouterTests {
    let router = CallbackRouter(token: CallbackToken(key: Array("callback-secret-0123456789".utf8)), sharedSecret: "callback-secret-0123456789")
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    var token: String { router.token.token(for: "k7") }

    @Test(arguments: [(1, "delivered"), (2, "undeliverable"), (16, "undeliverable"), (4, "ack"), (8, "ack")])
    func kannelReportTypes(type: Int, expected: String) {
        let route = router.route(method: "GET", uri: "/kannel/dlr?id=k7&token=\(token)&type=\(type)", now: now)
        switch route {
        case .event(.receipt(let r)):
            #expect(r.reference == "k7" && r.outcome.rawValue == expected && r.code == "dlr=\(type)")
        case .acknowledge: #expect(expected == "ack")
        default: Issue.record("\(route)")
        }
    }

    @Test func aWrongMissingOrBorrowedTokenIsForbidden() {
        let other = router.token.token(for: "k8")
        for uri in ["/kannel/dlr?id=k7&type=1", "/kannel/dlr?id=k7&token=00&type=1", "/kannel/dlr?id=k7&token=\(other)&type=1",
                    "/kannel/dlr?token=\(token)&type=1", "/http/receipt?id=k7"] {
            guard case .forbidden(let reason) = router.route(method: "GET", uri: uri, now: now) else {
                Issue.record("\(uri) was not refused")
                continue
            }
            #expect(!reason.contains(token) && !reason.contains("k7"))
        }
    }

    @Test func kannelMORequiresTheSharedSecret() {
        let ok = router.route(method: "GET", uri: "/kannel/mo?secret=callback-secret-0123456789&from=%2B61400000009&text=STOP+please", now: now)
        #expect(ok == .event(.inbound(InboundMessage(sender: "+61400000009", text: "STOP please", time: now))))
        #expect(router.route(method: "GET", uri: "/kannel/mo?secret=nope&from=1&text=STOP", now: now) == .forbidden("no valid shared secret"))
        #expect(router.route(method: "GET", uri: "/kannel/mo?from=1&text=STOP", now: now) == .forbidden("no valid shared secret"))
        let header = router.route(method: "GET", uri: "/kannel/mo?from=1&text=STOP", headers: [("X-Remindd-Secret", "callback-secret-0123456789")], now: now)
        #expect(header == .event(.inbound(InboundMessage(sender: "1", text: "STOP", time: now))))
    }

    @Test func restWebhooksAreReadByTheirPointers() {
        var r = router
        r.webhooks.receiptStatus = "/data/state"
        r.webhooks.replyFrom = "/msisdn"
        r.webhooks.replyText = "/message/body"
        let delivered = r.route(method: "POST", uri: "/http/receipt?id=k7&token=\(token)", body: Array(#"{"data": {"state": "DELIVRD"}}"#.utf8), now: now)
        #expect(delivered == .event(.receipt(DeliveryReceipt(reference: "k7", outcome: .delivered, code: "DELIVRD", time: now))))
        let failed = r.route(method: "POST", uri: "/http/receipt?id=k7&token=\(token)", body: Array(#"{"data": {"state": "EXPIRED"}}"#.utf8), now: now)
        #expect(failed == .event(.receipt(DeliveryReceipt(reference: "k7", outcome: .undeliverable, code: "EXPIRED", time: now))))
        let pending = r.route(method: "POST", uri: "/http/receipt?id=k7&token=\(token)", body: Array(#"{"data": {"state": "ENROUTE"}}"#.utf8), now: now)
        #expect(pending == .acknowledge)
        let reply = r.route(method: "POST", uri: "/http/reply", headers: [("x-remindd-secret", "callback-secret-0123456789")],
                            body: Array(#"{"msisdn": "61400000009", "message": {"body": "Stop"}}"#.utf8), now: now)
        #expect(reply == .event(.inbound(InboundMessage(sender: "61400000009", text: "Stop", time: now))))
        #expect(r.route(method: "POST", uri: "/http/reply?secret=x", body: [], now: now) == .forbidden("no valid shared secret"))
        #expect(r.route(method: "GET", uri: "/elsewhere", now: now) == .notFound)
    }
}
