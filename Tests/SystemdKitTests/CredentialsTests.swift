import Foundation
import SystemdKit
import Testing

/// Credentials read from a real directory, as systemd lays it out (one file each).
@Suite struct CredentialsTests {
    let directory: String
    let credentials: Credentials

    init() throws {
        directory = NSTemporaryDirectory() + "credentials-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        credentials = Credentials(directory: directory)
    }

    func write(_ name: String, _ bytes: [UInt8]) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: directory + "/" + name))
    }

    @Test func readsBytesExactlyAndTextWithoutOneTrailingLineBreak() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try write("api-key", Array("key with spaces\n\n".utf8))
        try write("blob", [0, 1, 2, 0xFF, 0x0A])
        try write("crlf", Array("windows\r\n".utf8))
        #expect(try credentials.bytes("blob") == [0, 1, 2, 0xFF, 0x0A])
        #expect(try credentials.string("api-key") == "key with spaces\n")
        #expect(try credentials.string("crlf") == "windows")
        #expect(credentials.contains("api-key"))
        #expect(!credentials.contains("nope"))
    }

    @Test func aLargeCredentialIsReadWhole() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let big = (0..<20_000).map { UInt8(truncatingIfNeeded: $0) }
        try write("certificate", big)
        #expect(try credentials.bytes("certificate") == big)
    }

    @Test func aMissingCredentialNamesItselfButNoValue() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let error = #expect(throws: SystemdError.self) { try credentials.string("smpp-password") }
        #expect(error?.code == .credentialMissing)
        #expect(error?.path == directory + "/smpp-password")
        #expect(error?.message.contains("smpp-password") == true)
        #expect(error?.errno == ENOENT)
    }

    @Test func notUTF8IsAnErrorThatDoesNotLeakTheValue() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try write("binary", [0x68, 0x69, 0xC3, 0x28])
        let error = #expect(throws: SystemdError.self) { try credentials.string("binary") }
        #expect(error?.code == .credentialNotUTF8)
        #expect(error.map { !"\($0)".contains("hi") } == true)
    }

    @Test(arguments: ["", ".", "..", "../etc/passwd", "a/b"])
    func invalidNamesAreRejected(name: String) throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let error = #expect(throws: SystemdError.self) { try credentials.bytes(name) }
        #expect(error?.code == .invalidCredentialName)
    }

    @Test func anUnreadableCredentialIsReportedAsSuch() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // A directory where a file should be: open succeeds, read fails with EISDIR.
        try FileManager.default.createDirectory(atPath: directory + "/odd", withIntermediateDirectories: false)
        let error = #expect(throws: SystemdError.self) { try credentials.bytes("odd") }
        #expect(error?.code == .credentialUnreadable)
        #expect(error?.errno == EISDIR)
    }
}
