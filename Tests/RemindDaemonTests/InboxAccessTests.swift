import Foundation
@testable import RemindDaemon
import Testing

/// Start-up's check that a group can still drop exports into the inbox, on real
/// directories with a group this host has (`daemon`, gid 1, in Debian's base system).
@Suite struct InboxAccessTests {
    @Test func aModeOrGroupThatShutsThePracticeSystemOutIsNamed() throws {
        let root = NSTemporaryDirectory() + "remindd-inbox-access-\(UUID().uuidString)"
        let inbox = root + "/inbox"
        try FileManager.default.createDirectory(atPath: inbox, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let group = "daemon"
        let gid = try #require(getgrnam(group)).pointee.gr_gid
        #expect(chown(root, 0, gid) == 0 && chown(inbox, 0, gid) == 0)

        // As packaged: root 0710, inbox 2770, both in the group.
        #expect(chmod(root, 0o710) == 0 && chmod(inbox, 0o2770) == 0)
        #expect(InboxAccess.problem(inbox: inbox, root: root, group: group) == nil)

        // What every start used to do to it: 0700.
        #expect(chmod(inbox, 0o700) == 0)
        let closed = try #require(InboxAccess.problem(inbox: inbox, root: root, group: group))
        #expect(closed.contains("mode 0700") && closed.contains("cannot write"), "\(closed)")

        // Writable, but the spool root does not let the group through.
        #expect(chmod(inbox, 0o2770) == 0 && chmod(root, 0o700) == 0)
        let root700 = try #require(InboxAccess.problem(inbox: inbox, root: root, group: group))
        #expect(root700.contains("cannot reach the inbox"), "\(root700)")

        // Another group.
        #expect(chmod(root, 0o710) == 0 && chown(inbox, 0, 0) == 0)
        let other = try #require(InboxAccess.problem(inbox: inbox, root: root, group: group))
        #expect(other.contains("not daemon"), "\(other)")

        // A host without the group (a run outside the packaging): nothing to check.
        #expect(InboxAccess.problem(inbox: inbox, root: root, group: "no-such-group-remindd") == nil)
    }
}
