import Foundation
import RemindTesting
#if canImport(Glibc)
import Glibc
#endif

/// Debian's tinyproxy on 127.0.0.1 with Basic authentication, in the foreground, its log on
/// stderr captured to a file. A missing tinyproxy fails the test.
final class TestTinyproxy {
    static let binary = "/usr/bin/tinyproxy"
    let port: Int
    let user = "clinic"
    let password = "proxy-pass-77"
    let directory: String
    private var process: Process?

    init() async throws {
        guard FileManager.default.isExecutableFile(atPath: Self.binary) else {
            throw TestKannel.Failure(description: "\(Self.binary) is missing: install Debian's tinyproxy (make deps)")
        }
        port = try TestSMSC.freePort()
        directory = NSTemporaryDirectory() + "remindd-tinyproxy-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try """
            Port \(port)
            Listen 127.0.0.1
            Timeout 30
            Allow 127.0.0.1
            BasicAuth \(user) \(password)
            MaxClients 50
            LogLevel Connect
            """.write(toFile: directory + "/tinyproxy.conf", atomically: true, encoding: .utf8)
        let p = try TestKannel.launch(Self.binary, ["-d", "-c", directory + "/tinyproxy.conf"], output: directory + "/tinyproxy.log")
        process = p
        try await TestServer.waitUntilListening("tinyproxy", p, port: port)
    }

    deinit {
        TestServer.kill(process)
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// tinyproxy's log (its `Request` and `Connect` lines).
    var log: String { (try? String(contentsOfFile: directory + "/tinyproxy.log", encoding: .utf8)) ?? "" }
}
