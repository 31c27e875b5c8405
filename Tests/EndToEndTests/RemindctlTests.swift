import Foundation
import SandboxSupport
import Testing

/// remindctl as a sysadmin runs it: the real binary, real files.
@Suite struct RemindctlTests {
    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static func remindctl(_ args: [String]) throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try Sandbox.product("remindctl"))
        process.arguments = args
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Output(status: process.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }

    func scratchConfig(_ toml: String) throws -> (dir: String, path: String) {
        let dir = try Sandbox.scratchDirectory("remindctl")
        try FileManager.default.createDirectory(atPath: dir + "/templates", withIntermediateDirectories: true)
        let examples = Sandbox.repositoryRoot + "/spool.example/templates"
        for name in try FileManager.default.contentsOfDirectory(atPath: examples) where name.hasSuffix(".mustache") {
            try FileManager.default.copyItem(atPath: examples + "/" + name, toPath: dir + "/templates/" + name)
        }
        try toml.write(toFile: dir + "/remindd.toml", atomically: true, encoding: .utf8)
        return (dir, dir + "/remindd.toml")
    }

    @Test func checkConfigAcceptsAGoodFile() throws {
        let (dir, path) = try scratchConfig("""
            [practice]
            time_zone = "Australia/Sydney"
            [spool]
            root = "spool"
            [templates]
            directory = "templates"
            """)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try Self.remindctl(["check-config", "--config", path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("OK"))
        #expect(r.stdout.contains("Australia/Sydney"))
    }

    @Test func checkConfigNamesEveryBadKeyAndFails() throws {
        let (dir, path) = try scratchConfig("""
            [practice]
            time_zone = "Mars/Olympus"
            [schedule]
            stager = "2m"
            [templates]
            directory = "templates"
            """)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try Self.remindctl(["check-config", "--config", path])
        #expect(r.status == 78)
        #expect(r.stderr.contains("\(path): schedule.stager: unknown key"))
        #expect(r.stderr.contains("\(path): practice.time_zone: 'Mars/Olympus' is not a time zone"))
    }

    @Test func checkConfigRejectsABadTemplate() throws {
        let (dir, path) = try scratchConfig("""
            [practice]
            time_zone = "UTC"
            [templates]
            directory = "templates"
            """)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "Hi {{frist_name}}".write(toFile: dir + "/templates/appointment.mustache", atomically: true, encoding: .utf8)
        let r = try Self.remindctl(["check-config", "--config", path])
        #expect(r.status == 78)
        #expect(r.stderr.contains("appointment.mustache"))
        #expect(r.stderr.contains("frist_name"))
    }

    @Test func statusReadsTheSpoolWhenTheDaemonIsDown() throws {
        let (dir, path) = try scratchConfig("""
            [practice]
            time_zone = "UTC"
            [spool]
            root = "\(Sandbox.repositoryRoot)/spool.example"
            [control]
            socket = "/nonexistent/remindd.sock"
            """)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try Self.remindctl(["status", "--config", path])
        #expect(r.status == 3)
        #expect(r.stdout.contains("remindd is not running"))
        #expect(r.stdout.contains("queued     1"))
        #expect(r.stdout.contains("inbox      1 file(s) waiting"))
    }
}
