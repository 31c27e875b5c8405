public import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Debian's stunnel4 as a TLS server on 127.0.0.1 in front of a plain TCP port (a test
/// SMSC), with a throw-away self-signed certificate for `localhost` and 127.0.0.1.
/// A missing stunnel4 or openssl is an error: the TLS tests fail, they never skip.
public final class TestTLSFront {
    public let port: Int
    public let directory: String
    /// The certificate (PEM), to trust as the CA.
    public var certificate: String { directory + "/cert.pem" }
    private var process: Process?

    public init(forwardingTo target: Int) throws {
        port = try TestSMSC.freePort()
        directory = NSTemporaryDirectory() + "remindd-tls-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try """
            foreground = yes
            pid =
            debug = 4
            output = \(directory)/stunnel.log
            [smpp]
            accept = 127.0.0.1:\(port)
            connect = 127.0.0.1:\(target)
            cert = \(directory)/cert.pem
            key = \(directory)/key.pem
            """.write(toFile: directory + "/stunnel.conf", atomically: true, encoding: .utf8)
        self.target = target
    }

    private let target: Int

    deinit {
        TestServer.kill(process)
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Makes the certificate and starts stunnel; waits (at most 10 s) until it listens.
    public func start() async throws {
        for tool in ["/usr/bin/openssl", "/usr/bin/stunnel4"] where !FileManager.default.isExecutableFile(atPath: tool) {
            throw TestSMSC.Missing(description: "the TLS test needs \(tool): `make deps` installs stunnel4 and openssl")
        }
        let openssl = try await runCommand("/usr/bin/openssl", [
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
            "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", directory + "/key.pem", "-out", directory + "/cert.pem",
        ])
        guard openssl.status == 0 else { throw TestSMSC.Missing(description: "openssl could not make a certificate: \(openssl.stderr)") }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/stunnel4")
        p.arguments = [directory + "/stunnel.conf"]
        p.standardInput = FileHandle.nullDevice
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.runWithSignalsUnblocked()
        process = p
        try await TestServer.waitUntilListening("stunnel4", p, port: port)
    }
}
