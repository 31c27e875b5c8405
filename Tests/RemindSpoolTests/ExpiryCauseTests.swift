import Foundation
import RemindCore
import RemindSpool
import Testing

/// What a message's expiry stands for survives the spool as a type: in the message file,
/// in a batch record, in the checkpoint and after a restart, so an expired message says
/// "the appointment started" or "the rule's latest time passed", not a generic deadline.
@Suite struct ExpiryCauseTests {
    let start = Date(timeIntervalSince1970: 1_795_000_000)

    @Test(arguments: ExpiryCause.allCases)
    func aMessageFileKeepsItsCause(cause: ExpiryCause) throws {
        var m = try TemporarySpool().message("A-1", start: start)
        m.expiryCause = cause
        let bytes = MessageFile.encode(m)
        #expect(String(decoding: bytes, as: UTF8.self).contains("\nExpiry-Cause: \(cause.name)\n"))
        #expect(try MessageFile.decode(bytes, path: "x").expiryCause == cause)
    }

    /// A file written before causes were kept: an appointment reminder expiring at the
    /// appointment's start reads as such, anything else as a deadline.
    @Test func anOldFileWithoutACauseIsInferred() throws {
        let m = try TemporarySpool().message("A-1", start: start)
        #expect(m.expiryCause == nil)
        #expect(try MessageFile.decode(MessageFile.encode(m), path: "x").cause == .appointmentStart)
        var birthday = m
        birthday.kind = .birthday
        #expect(birthday.cause == .deadline)
        var early = m
        early.expires = start.addingTimeInterval(-3600)
        #expect(early.cause == .deadline)
    }

    @Test(arguments: [false, true])
    func theCauseSurvivesARestart(checkpointed: Bool) throws {
        let t = try TemporarySpool()
        var latest = t.message("A-1", start: start)
        latest.expires = start.addingTimeInterval(-3600)
        latest.expiryCause = .latestTime
        var atStart = t.message("A-2", start: start)
        atStart.expiryCause = .appointmentStart
        let queued = try t.spool.commit(t.spool.plan(candidates: [latest, atStart]), input: nil)
        #expect(queued.map(\.expiryCause) == [.latestTime, .appointmentStart])
        if checkpointed { try t.spool.checkpoint() }
        let fresh = Spool(paths: t.spool.paths)
        _ = try fresh.recover()
        var causes: [String: ExpiryCause] = [:]
        fresh.forEachPending { causes[$0.key.recordID] = $0.expiryCause }
        #expect(causes == ["A-1": .latestTime, "A-2": .appointmentStart])
    }
}

/// Start-up creates what is missing and keeps what the packaging made: the spool root
/// 0710 and an inbox 2770 (a practice system's group writes exports there) stay so.
@Suite struct SpoolPermissionsTests {
    @Test func prepareKeepsTheModesOfExistingDirectories() throws {
        let root = NSTemporaryDirectory() + "remindd-modes-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: root) }
        mkdir(root, 0o700)
        chmod(root, 0o710)
        mkdir(root + "/inbox", 0o700)
        chmod(root + "/inbox", 0o2770)
        let spool = Spool(paths: SpoolPaths(root: root))
        try spool.prepare()
        func mode(_ path: String) -> UInt32 {
            var st = stat()
            stat(path, &st)
            return UInt32(st.st_mode) & 0o7777
        }
        #expect(mode(root) == 0o710)
        #expect(mode(root + "/inbox") == 0o2770)
        #expect(mode(root + "/queued") == 0o700, "a directory start-up creates is 0700")
    }
}
