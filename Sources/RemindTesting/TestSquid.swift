public import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Debian's squid on 127.0.0.1 with Basic authentication (basic_ncsa_auth over a password
/// file made with `openssl passwd -apr1`), in the foreground (`-N`), no cache, its access
/// log in a scratch directory. Unlike tinyproxy it answers a wrong password with 407. A
/// missing squid fails the test (used by RemindHTTPGatewayTests and the daemon's end-to-end
/// tests).
public final class TestSquid: @unchecked Sendable {
    public static let binary = "/usr/sbin/squid"
    public static let helper = "/usr/lib/squid/basic_ncsa_auth"
    public let port: Int
    public let user = "clinic"
    public let password = "squid-pass-31"
    public let directory: String
    private var process: Process?

    /// `refusingCONNECT`: its rules deny every CONNECT (403), as a site's proxy that allows
    /// only port 443 does for other ports.
    public init(refusingCONNECT: Bool = false) async throws {
        for binary in [Self.binary, Self.helper] where !FileManager.default.isExecutableFile(atPath: binary) {
            throw TestKannel.Failure(description: "\(binary) is missing: install Debian's squid (make deps)")
        }
        port = try TestSMSC.freePort()
        directory = NSTemporaryDirectory() + "remindd-squid-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        // Run as root, squid becomes its cache_effective_user (proxy): it must write here.
        try FileManager.default.setAttributes([.posixPermissions: 0o777], ofItemAtPath: directory)
        try "\(user):\(try await Self.apr1(password))\n".write(toFile: directory + "/passwd", atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: directory + "/passwd")
        try """
            http_port 127.0.0.1:\(port)
            visible_hostname remindd-test
            pid_filename \(directory)/squid.pid
            cache_log \(directory)/cache.log
            access_log stdio:\(directory)/access.log
            coredump_dir \(directory)
            cache deny all
            cache_mem 8 MB
            netdb_filename none
            shutdown_lifetime 0 seconds
            auth_param basic program \(Self.helper) \(directory)/passwd
            auth_param basic realm remindd-test
            auth_param basic children 2 startup=1 idle=1
            acl local src 127.0.0.1/32
            acl authenticated proxy_auth REQUIRED
            acl CONNECT method CONNECT
            \(refusingCONNECT ? "http_access deny CONNECT" : "")
            http_access allow local authenticated
            http_access deny all
            """.write(toFile: directory + "/squid.conf", atomically: true, encoding: .utf8)
        let p = try TestKannel.launch(Self.binary, ["-N", "-f", directory + "/squid.conf"], output: directory + "/squid.out")
        process = p
        let directory = self.directory
        try await TestServer.waitUntilListening("squid", p, port: port) {
            (try? String(contentsOfFile: directory + "/cache.log", encoding: .utf8)) ?? ""
        }
    }

    deinit {
        TestServer.kill(process)
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// squid's access log (one line per request: the status it answered, the method, the URL).
    public var log: String { (try? String(contentsOfFile: directory + "/access.log", encoding: .utf8)) ?? "" }

    /// `openssl passwd -apr1 PASSWORD`: the MD5 crypt basic_ncsa_auth reads.
    public static func apr1(_ password: String) async throws -> String {
        let r = try await runCommand("/usr/bin/openssl", ["passwd", "-apr1", password])
        guard r.status == 0 else { throw TestKannel.Failure(description: "openssl passwd exited with \(r.status): \(r.stderr)") }
        return r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
