import Foundation
import RemindControl
import RemindCore
import Testing

/// The queue commands' protocol: the query's filters and order, the operator's rules,
/// what a history says, and the payloads on the wire.
@Suite struct QueueProtocolTests {
    static let t0 = Date(timeIntervalSince1970: 1_795_000_000)

    static func candidate(_ raw: UInt64, _ state: MessageState, _ kind: MessageKind = .appointment, source: String = "pracsoft", due offset: TimeInterval) -> QueueQuery.Candidate {
        .init(id: MessageID(rawValue: raw), state: state, kind: kind, source: source, due: t0.addingTimeInterval(offset))
    }

    static let candidates: [QueueQuery.Candidate] = [
        candidate(5, .queued, due: 300),
        candidate(4, .held, .recall, source: "exact", due: 100),
        candidate(3, .sent, due: 0),
        candidate(2, .deferred, due: 100),
        candidate(1, .uncertain, .broadcast, due: 200),
        candidate(6, .cancelled, due: 50),
    ]

    @Test func withoutFiltersEveryUnfinishedMessageIsListedOldestDueFirstTiesByID() {
        let (selected, total) = QueueQuery().select(Self.candidates)
        #expect(selected.map(\.id.rawValue) == [2, 4, 1, 5])
        #expect(total == 4)
    }

    @Test func everyFilterMustMatchAndTheLimitCutsButTheTotalCountsAll() {
        #expect(QueueQuery(states: [.held, .queued]).select(Self.candidates).selected.map(\.id.rawValue) == [4, 5])
        #expect(QueueQuery(kind: .recall).select(Self.candidates).selected.map(\.id.rawValue) == [4])
        #expect(QueueQuery(source: "pracsoft").select(Self.candidates).selected.map(\.id.rawValue) == [2, 1, 5])
        #expect(QueueQuery(dueBefore: Self.t0.addingTimeInterval(200)).select(Self.candidates).selected.map(\.id.rawValue) == [2, 4],
                "strictly before")
        #expect(QueueQuery(states: Set(MessageState.allCases), kind: .appointment).select(Self.candidates).selected.map(\.id.rawValue) == [3, 6, 2, 5])
        let (cut, total) = QueueQuery(limit: 2).select(Self.candidates)
        #expect(cut.map(\.id.rawValue) == [2, 4])
        #expect(total == 4)
    }

    @Test func theQueryCrossesTheWireIntactAndBadArgumentsAreNamed() throws {
        let query = QueueQuery(states: [.held, .deferred], kind: .recall, source: "exact", dueBefore: Self.t0, limit: 20)
        #expect(try QueueQuery(arguments: query.arguments) == query)
        #expect(try QueueQuery(arguments: [:]) == QueueQuery())
        #expect(QueueQuery.defaultStates == [.queued, .held, .active, .deferred, .uncertain])
        for (arguments, name) in [(["states": "queued,bogus"], "states"), (["kind": "sms"], "kind"), (["due-before": "tomorrow"], "due-before"),
                                  (["limit": "0"], "limit"), (["limit": "x"], "limit"), (["states": ""], "states")] {
            #expect(throws: ControlArgumentError.self) { try QueueQuery(arguments: arguments) }
            do { _ = try QueueQuery(arguments: arguments) } catch { #expect(error.argument == name) }
        }
    }

    @Test(arguments: [
        // action, from, force, expected
        (OperatorAction.hold, MessageState.queued, false, OperatorAction.Outcome.move(to: .held)),
        (.hold, .deferred, false, .move(to: .held)),
        (.hold, .held, false, .unchanged),
        (.release, .held, false, .move(to: .queued)),
        (.cancel, .queued, false, .move(to: .cancelled)),
        (.cancel, .deferred, false, .move(to: .cancelled)),
        (.cancel, .held, false, .move(to: .cancelled)),
        (.cancel, .uncertain, false, .move(to: .cancelled)),
        (.cancel, .cancelled, false, .unchanged),
        (.retry, .queued, false, .move(to: .queued)),
        (.retry, .deferred, false, .move(to: .queued)),
        (.retry, .held, false, .move(to: .queued)),
        (.retry, .uncertain, true, .move(to: .queued)),
    ])
    func theOperatorsRulesMove(action: OperatorAction, from: MessageState, force: Bool, expected: OperatorAction.Outcome) {
        #expect(action.outcome(from: from, force: force) == expected)
    }

    @Test func whatTheRulesRefuse() {
        // Nothing in flight or final is ever moved, and an uncertain message is sent again only with force.
        for action in OperatorAction.allCases {
            for state in MessageState.allCases where state == .active || (state.isFinal && !(action == .cancel && state == .cancelled)) {
                guard case .refused = action.outcome(from: state, force: true) else {
                    Issue.record("\(action) of a \(state) message is not refused")
                    continue
                }
            }
        }
        guard case .refused(let why) = OperatorAction.retry.outcome(from: .uncertain) else { Issue.record("retry without force"); return }
        #expect(why.contains("--force"))
        for (action, state) in [(OperatorAction.release, MessageState.queued), (.release, .deferred), (.hold, .uncertain), (.release, .uncertain)] {
            guard case .refused = action.outcome(from: state, force: true) else { Issue.record("\(action) of \(state)"); continue }
        }
        #expect(OperatorAction.allCases.map(\.eventName) == ["held", "queued", "cancelled", "queued"])
    }

    @Test func theReasonAndTheRetryTimeComeFromTheLastEvent() {
        func e(_ what: String, _ detail: String) -> MessageReport.Event { .init(time: Self.t0, what: what, detail: detail) }
        #expect(MessageHistory.reason(of: []) == nil)
        #expect(MessageHistory.reason(of: [e("queued", "")]) == nil)
        #expect(MessageHistory.reason(of: [e("queued", ""), e("active", "provider=outbox"), e("sent", "provider=outbox reference=r1")]) == nil)
        #expect(MessageHistory.reason(of: [e("held", "reason=operator")]) == "operator")
        #expect(MessageHistory.reason(of: [e("cancelled", "reason=operator: patient rang")]) == "operator: patient rang")
        #expect(MessageHistory.reason(of: [e("deferred", "retry=2026-11-24T09:00:00Z reason=gateway timeout")]) == "gateway timeout")
        #expect(MessageHistory.reason(of: [e("expired", "the appointment started while it waited for a release slot")])
                == "the appointment started while it waited for a release slot")
        #expect(MessageHistory.reason(of: [e("uncertain", "interrupted while active")]) == "interrupted while active")
        #expect(MessageHistory.retryTime(of: [e("deferred", "retry=2026-11-24T09:00:00Z reason=x")]) == ISO8601DateFormatter().date(from: "2026-11-24T09:00:00Z"))
        #expect(MessageHistory.retryTime(of: [e("deferred", "reason=x retry=2026-11-24T09:00:00Z")]) != nil)
        #expect(MessageHistory.retryTime(of: [e("deferred", "retry=2026-11-24T09:00:00Z"), e("held", "reason=operator")]) == nil)
    }

    @Test func reportsSurviveTheRoundTripAndOlderAnswersStillDecode() throws {
        let key = MessageKey(source: "pracsoft", recordID: "A-1001", rule: "24h")
        let item = QueueReport.Item(id: MessageID(rawValue: 0x32A9C4E1F200001), state: .held, kind: .appointment, due: Self.t0,
                                    expires: nil, recipient: "+614******78", key: key, reason: "operator")
        #expect(item.source == "pracsoft" && item.appointmentID == "A-1001" && item.rule == "24h")
        let message = MessageReport(
            id: item.id, state: .deferred, kind: .appointment, key: key, recipient: "+614******78", text: nil, due: Self.t0,
            expires: Self.t0, appointmentStart: Self.t0, sourceFile: "a.csv", sourceLine: 2, created: Self.t0, encoding: "gsm7",
            segments: 1, events: [.init(time: Self.t0, what: "deferred", detail: "retry=2026-11-24T09:00:00Z reason=timeout")],
            timeZone: "Australia/Sydney")
        #expect(message.reason == "timeout")
        let changes = OperatorReport(action: .hold, changes: [
            .init(id: "\(item.id)", ok: true, changed: true, from: .queued, to: .held),
            .init(id: "zz", ok: false, changed: false, from: nil, to: nil, error: "is not a message id", errorCode: .badID),
        ], timeZone: "Australia/Sydney")
        for response in [
            ControlResponse(ok: true, queue: QueueReport(items: [item], total: 7, timeZone: "Australia/Sydney")),
            ControlResponse(ok: true, message: message),
            ControlResponse(ok: true, changes: changes),
        ] {
            let json = try ControlCoding.encoder().encode(response)
            #expect(try ControlCoding.decoder().decode(ControlResponse.self, from: json) == response)
        }
        let wire = String(decoding: try ControlCoding.encoder().encode(ControlResponse(ok: true, changes: changes)), as: UTF8.self)
        #expect(wire.contains(#""errorCode":"bad-id""#) && wire.contains(#""from":"queued""#) && wire.contains(#""action":"hold""#))
        let older = try ControlCoding.decoder().decode(ControlResponse.self, from: Data(#"{"ok":true}"#.utf8))
        #expect(older.queue == nil && older.message == nil && older.changes == nil)
    }

    @Test func statsCountFinalMessagesPerLocalDayAndKind() throws {
        let zone = try #require(TimeZone(identifier: "Australia/Sydney"))
        // 2026-11-23 12:00 UTC is 23:00 in Sydney; an hour later is the 24th there.
        let now = try #require(ISO8601DateFormatter().date(from: "2026-11-23T12:00:00Z"))
        var tally = StatsReport.Tally(days: 2, zone: zone, now: now)
        #expect(tally.since == ISO8601DateFormatter().date(from: "2026-11-21T13:00:00Z"), "midnight of the day before, in Sydney")
        tally.add(state: .sent, kind: .recall, ended: now, segments: 2)
        tally.add(state: .delivered, kind: .recall, ended: now, segments: 1)
        tally.add(state: .failed, kind: .recall, ended: now, segments: 1)
        tally.add(state: .cancelled, kind: .appointment, ended: now, segments: 1)
        tally.add(state: .expired, kind: .appointment, ended: now.addingTimeInterval(3600), segments: 1)
        tally.add(state: .sent, kind: .appointment, ended: now.addingTimeInterval(-86400), segments: 1)
        tally.add(state: .sent, kind: .appointment, ended: now.addingTimeInterval(-2 * 86400), segments: 1)  // before the window
        tally.add(state: .queued, kind: .appointment, ended: now, segments: 1)  // not final
        let rows = tally.sortedRows
        #expect(rows.map { "\($0.day) \($0.kind)" } == ["2026-11-22 appointment", "2026-11-23 appointment", "2026-11-23 recall", "2026-11-24 appointment"])
        #expect(rows.map(\.sent) == [1, 0, 2, 0])
        #expect(rows.map(\.segments) == [1, 0, 3, 0])
        #expect(rows.map(\.failed) == [0, 0, 1, 0])
        #expect(rows.map(\.cancelled) == [0, 1, 0, 0])
        #expect(rows.map(\.expired) == [0, 0, 0, 1])
        let response = ControlResponse(ok: true, stats: StatsReport(rows: rows, days: 2, timeZone: zone.identifier))
        #expect(try ControlCoding.decoder().decode(ControlResponse.self, from: ControlCoding.encoder().encode(response)) == response)
    }

    @Test(arguments: ["2026-11-23T12:58:30Z", "2026-11-23T12:59:59Z", "2026-11-23T13:00:31Z", "2026-04-04T13:30:00Z", "2026-10-03T16:30:00Z"])
    func aMessageThatEndedJustBeforeIsCountedWhateverTheHour(nowText: String) throws {
        let zone = try #require(TimeZone(identifier: "Australia/Sydney"))
        let now = try #require(ISO8601DateFormatter().date(from: nowText))
        var tally = StatsReport.Tally(days: 1, zone: zone, now: now)
        tally.add(state: .sent, kind: .recall, ended: now.addingTimeInterval(-30), segments: 1)
        #expect(tally.sortedRows.count == 1, "since \(tally.since)")
    }

    @Test(arguments: [
        (ControlRequest.Command.queue, "queue"), (.show, "show"), (.hold, "hold"), (.release, "release"), (.cancel, "cancel"), (.retry, "retry"),
    ])
    func commandsHaveStableWireNamesAndCarryTheirIDs(command: ControlRequest.Command, name: String) throws {
        let request = ControlRequest(command, arguments: ["ids": ControlRequest.idsArgument(["032A9C4E1F200001", "032A9C4E1F200002"])])
        let json = String(decoding: try ControlCoding.encoder().encode(request), as: UTF8.self)
        #expect(json.contains("\"command\":\"\(name)\""))
        let decoded = try ControlCoding.decoder().decode(ControlRequest.self, from: Data(json.utf8))
        #expect(decoded.ids == ["032A9C4E1F200001", "032A9C4E1F200002"])
        if let action = OperatorAction(rawValue: name) { #expect(action.rawValue == command.rawValue) }
    }

    @Test func aHoldRequestOverARealUnixSocket() async throws {
        let path = NSTemporaryDirectory() + "remindd-ctl-\(UUID().uuidString.prefix(8)).sock"
        let server = ControlServer(path: path) { request in
            guard request.command == .hold else { return .failure("unexpected") }
            return ControlResponse(ok: true, changes: OperatorReport(
                action: .hold, changes: request.ids.map { .init(id: $0, ok: true, changed: true, from: .queued, to: .held) },
                timeZone: "UTC"))
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.run() }
            var response: ControlResponse?
            for _ in 0..<200 where response == nil {
                response = try? await ControlClient(path: path).send(ControlRequest(.hold, arguments: ["ids": "032A9C4E1F200001"]))
                if response == nil { try await Task.sleep(for: .milliseconds(20)) }
            }
            let changes = try #require(response?.changes)
            #expect(changes.changes.map(\.id) == ["032A9C4E1F200001"])
            #expect(changes.changes.first?.to == .held)
            group.cancelAll()
        }
    }
}
