import Foundation
import RemindControl
import Testing

/// The `optout-*` commands on the wire, and over a real Unix socket.
@Suite struct OptOutProtocolTests {
    @Test(arguments: [
        (ControlRequest.Command.optOutAdd, "optout-add"), (.optOutRemove, "optout-remove"), (.optOutList, "optout-list"),
    ])
    func commandsHaveStableWireNames(command: ControlRequest.Command, name: String) throws {
        let request = ControlRequest(command, arguments: ["number": "+61412345678"])
        let json = String(decoding: try ControlCoding.encoder().encode(request), as: UTF8.self)
        #expect(json.contains("\"command\":\"\(name)\""))
        #expect(try ControlCoding.decoder().decode(ControlRequest.self, from: Data(json.utf8)) == request)
    }

    @Test func aReportAndAnErrorCodeSurviveTheRoundTrip() throws {
        let report = OptOutReport(
            number: "+61412345678", changed: true, withdrawn: ["0000019a1b2c3d4e"],
            entries: [.init(number: "+61412345678", date: Date(timeIntervalSince1970: 1_795_000_000), source: "remindctl")],
            timeZone: "Australia/Sydney")
        let ok = ControlResponse(ok: true, optOut: report)
        #expect(try ControlCoding.decoder().decode(ControlResponse.self, from: ControlCoding.encoder().encode(ok)) == ok)
        let refused = ControlResponse.failure("not a phone number for AU: the phone number is too short", code: .badArgument)
        let decoded = try ControlCoding.decoder().decode(ControlResponse.self, from: ControlCoding.encoder().encode(refused))
        #expect(decoded.errorCode == .badArgument)
        #expect(!decoded.ok)
        // A code this client does not know still decodes (a newer daemon).
        let newer = try ControlCoding.decoder().decode(ControlResponse.self, from: Data(#"{"ok":false,"error":"x","errorCode":"later-code"}"#.utf8))
        #expect(newer.errorCode?.rawValue == "later-code")
        // An answer without the new fields (an older daemon) still decodes.
        let older = try ControlCoding.decoder().decode(ControlResponse.self, from: Data(#"{"ok":true}"#.utf8))
        #expect(older.optOut == nil && older.errorCode == nil)
    }

    @Test func anOptOutRequestOverARealUnixSocket() async throws {
        let path = NSTemporaryDirectory() + "remindd-ctl-\(UUID().uuidString.prefix(8)).sock"
        let server = ControlServer(path: path) { request in
            guard request.command == .optOutAdd, let number = request.arguments["number"] else { return .failure("unexpected") }
            return ControlResponse(ok: true, optOut: OptOutReport(number: number, changed: true, withdrawn: [], entries: []))
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.run() }
            for _ in 0..<200 where access(path, F_OK) != 0 { try await Task.sleep(for: .milliseconds(10)) }
            let response = try await ControlClient(path: path).send(ControlRequest(.optOutAdd, arguments: ["number": "+61412345678", "reason": "desk"]))
            #expect(response.ok)
            #expect(response.optOut?.number == "+61412345678")
            #expect(response.optOut?.changed == true)
            group.cancelAll()
        }
    }
}
