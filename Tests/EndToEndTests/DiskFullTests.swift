import Foundation
import SandboxSupport
import Testing

/// A full disk under the real daemon: its spool on a 4 MB tmpfs mounted in a private
/// mount namespace (`unshare -m`, gone with the process), the outbox outside it. The
/// test reaches the spool through `/proc/<pid>/root`.
@Suite(.serialized) struct DiskFullTests {
    /// Starts `d`'s remindd with its spool on a 4 MB tmpfs in a private mount namespace;
    /// returns the process and the spool's path as the test reaches it.
    static func launchOnTmpfs(_ d: HostDaemon) async throws -> (Process, String) {
        let unshare = "/usr/bin/unshare"
        try #require(FileManager.default.isExecutableFile(atPath: unshare), "util-linux's unshare is required")
        let mount = "mount -t tmpfs -o size=4m,mode=0700 remindd-test \(d.spool) && exec \"$0\" \"$@\""
        let daemon = try d.launch(prefix: [unshare, "-m", "--propagation", "private", "/bin/sh", "-c", mount])
        let inside = "/proc/\(daemon.processIdentifier)/root" + d.spool
        #expect(try await HostDaemon.waitUntil(timeout: .seconds(30)) { FileManager.default.fileExists(atPath: inside + "/queued") },
                "the daemon did not start: \(d.log())")
        #expect(!FileManager.default.fileExists(atPath: d.spool + "/queued"), "the tmpfs leaked into the host's namespace")
        return (daemon, inside)
    }

    @Test func ingestStopsCleanlyDeliveryGoesOnAndIngestResumesWhenSpaceReturns() async throws {
        let d = try HostDaemon(label: "diskfull", outbox: "")
        defer { d.cleanUp() }
        let (daemon, inside) = try await Self.launchOnTmpfs(d)
        defer { if daemon.isRunning { daemon.terminate() } }

        // Export A (rows 1-10) falls due 10-70 s from now (exports have whole minutes): queued
        // while the disk fills, delivered while it is full.
        try d.dropExport("a.csv", count: 10, start: Date().addingTimeInterval(86400 + 10), directory: inside + "/inbox")
        #expect(try await HostDaemon.waitUntil(timeout: .seconds(10)) { d.files(in: "queued", root: inside).count == 10 })

        // Export B is written (hidden) first, the disk filled, then B is published by a rename.
        try d.dropExport(".b.csv", count: 10, first: 11, directory: inside + "/inbox")
        let filler = inside + "/filler"
        FileManager.default.createFile(atPath: filler, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: filler))
        let chunk = Data(count: 64 * 1024)
        while (try? handle.write(contentsOf: chunk)) != nil {}
        try? handle.close()
        try FileManager.default.moveItem(atPath: inside + "/inbox/.b.csv", toPath: inside + "/inbox/b.csv")

        #expect(try await HostDaemon.waitUntil(timeout: .seconds(10)) { d.log().contains("disk full; ingest stopped") },
                "no disk-full error: \(d.log().suffix(2000))")
        let status = try await RemindctlTests.remindctl(["status", "--config", d.config])
        #expect(status.stdout.contains("ingest stopped: disk full"), "\(status.stdout) \(status.stderr)")
        // Nothing half-written: B's input kept (claimed in incoming/), no partial message anywhere.
        #expect(d.files(in: "incoming", root: inside).count == 1)
        #expect(d.files(in: "tmp", root: inside).isEmpty)
        #expect(d.files(in: "queued", root: inside).count + d.files(in: "sent", root: inside).count == 10)

        // Delivery of what was queued goes on with the disk full.
        #expect(try await HostDaemon.waitUntil(timeout: .seconds(100)) { d.files(in: "sent", root: inside).count == 10 },
                "A not delivered on a full disk: \(d.log().suffix(2000))")
        #expect(d.files(in: "incoming", root: inside).count == 1, "B stays stopped while the disk is full")

        // Space returns; ingest resumes by itself (the retry back-off, no event needed).
        try FileManager.default.removeItem(atPath: filler)
        #expect(try await HostDaemon.waitUntil(timeout: .seconds(60)) {
            d.files(in: "incoming", root: inside).isEmpty && d.files(in: "sent", root: inside).count == 20
        }, "ingest did not resume: \(d.log().suffix(2000))")
        #expect(Set(try d.outboxRecipients()).count == 20)
        let after = try await RemindctlTests.remindctl(["status", "--config", d.config])
        #expect(!after.stdout.contains("disk full"), "\(after.stdout)")

        daemon.terminate()
        try #require(try await HostDaemon.wait(daemon, timeout: .seconds(30)))
        #expect(daemon.terminationStatus == 0, "\(d.log().suffix(2000))")
    }

    /// With the reserve used up too, a message cannot leave `queued/`: it stays queued and
    /// scheduled, releases pause with one journal line and "release paused: disk full" in
    /// STATUS, and every message goes out by itself, once, when space returns.
    @Test func releasesPausedByAFullDiskResumeByThemselves() async throws {
        let d = try HostDaemon(label: "diskfull-release", outbox: "")
        defer { d.cleanUp() }
        let (daemon, inside) = try await Self.launchOnTmpfs(d)
        defer { if daemon.isRunning { daemon.terminate() } }

        // Ten messages due 20-80 s from now (exports have whole minutes), queued first.
        try d.dropExport("a.csv", count: 10, start: Date().addingTimeInterval(86400 + 20), directory: inside + "/inbox")
        #expect(try await HostDaemon.waitUntil(timeout: .seconds(10)) { d.files(in: "queued", root: inside).count == 10 })

        // The disk filled, the reserve taken away and its space filled too.
        func fill(_ path: String) throws {
            FileManager.default.createFile(atPath: path, contents: nil)
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            let chunk = Data(count: 16 * 1024)
            while (try? handle.write(contentsOf: chunk)) != nil {}
            try? handle.close()
        }
        try fill(inside + "/filler")
        try FileManager.default.removeItem(atPath: inside + "/state/reserve")
        try fill(inside + "/filler2")

        #expect(try await HostDaemon.waitUntil(timeout: .seconds(100)) { d.log().contains("releases pause") },
                "no release failure: \(d.log().suffix(2000))")
        let status = try await RemindctlTests.remindctl(["status", "--config", d.config])
        #expect(status.stdout.contains("release paused: disk full"), "\(status.stdout) \(status.stderr)")
        #expect(d.files(in: "queued", root: inside).count == 10, "nothing lost or half-moved")
        #expect(d.log().components(separatedBy: "releases pause").count == 2, "one journal line for the episode")

        // Space returns: everything goes by itself within the pause (15 s, then 30).
        try FileManager.default.removeItem(atPath: inside + "/filler2")
        try FileManager.default.removeItem(atPath: inside + "/filler")
        #expect(try await HostDaemon.waitUntil(timeout: .seconds(60)) { d.files(in: "sent", root: inside).count == 10 },
                "releases did not resume: \(d.log().suffix(2000))")
        #expect(d.log().contains("releases resumed"))
        #expect(try d.outboxRecipients().count == 10, "each message handed over once")
        #expect(Set(try d.outboxRecipients()).count == 10)
        let after = try await RemindctlTests.remindctl(["status", "--config", d.config])
        #expect(!after.stdout.contains("release paused"), "\(after.stdout)")

        daemon.terminate()
        try #require(try await HostDaemon.wait(daemon, timeout: .seconds(30)))
        #expect(daemon.terminationStatus == 0, "\(d.log().suffix(2000))")
    }
}
