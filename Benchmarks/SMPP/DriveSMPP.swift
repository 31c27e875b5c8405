// DriveSMPP: Kannel's own test SMSC, `/usr/lib/kannel/test/drive_smpp` (Debian's
// kannel-extras), in C, as SMPPBenchmark's default SMSC. Facts it is run by:
// - it listens on `-p PORT` and serves *one* ESME connection: when that connection ends it
//   quits, so it is started afresh for each sender and window;
// - it answers bind_transmitter and bind_receiver (never bind_transceiver: it ignores it),
//   submit_sm (submit_sm_resp ESME_ROK with an *empty* message_id), enquire_link, unbind;
//   both senders bind as transmitters, so it sends no deliver_sm;
// - after its first accept it connects to localhost:13001 as an "smsbox" and panics when
//   nothing listens there within ~3 s: ``SmsboxStub`` listens there for the whole run;
// - `-v 2` (warnings): its default level logs every PDU, which would slow it.
// It logs nothing per submit (and only with second resolution), so the senders are timed
// by their own clocks (see main.swift and KannelRun.swift).
import Foundation
import RemindTesting
#if canImport(Glibc)
import Glibc
#endif

final class DriveSMPP {
    static let binary = "/usr/lib/kannel/test/drive_smpp"

    let port: Int
    private let logPath: String
    private(set) var process: Process?

    init() throws {
        port = try TestSMSC.freePort()
        logPath = NSTemporaryDirectory() + "remindd-drive-smpp-\(UUID().uuidString).log"
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(atPath: logPath)
    }

    /// Starts it and waits (at most 10 s) until it listens.
    func start() async throws {
        guard FileManager.default.isExecutableFile(atPath: Self.binary) else {
            throw KannelRun.Failure(description: "\(Self.binary) is missing: install Debian's kannel-extras (make deps)")
        }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Self.binary)
        p.arguments = ["-p", "\(port)", "-v", "2"]
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let out = FileHandle(forWritingAtPath: logPath)
        p.standardOutput = out
        p.standardError = out
        p.standardInput = FileHandle.nullDevice
        try p.runWithSignalsUnblocked()
        process = p
        try await KannelRun.waitForPort(port, "drive_smpp's SMPP port", connect: false)
    }

    /// Its user + system CPU so far.
    var cpuSeconds: Double { process.map { KannelRun.cpuSeconds($0.processIdentifier) } ?? 0 }

    /// Whatever it logged (warnings and worse).
    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// SIGKILL: it keeps nothing (its SIGTERM handler panics).
    func stop() {
        guard let p = process else { return }
        if p.isRunning { kill(p.processIdentifier, SIGKILL) }
        p.waitUntilExit()
        process = nil
    }
}

/// A listener on 127.0.0.1:13001 that accepts and holds whatever connects, for
/// drive_smpp's "smsbox" thread. If the port is taken, whatever holds it listens already.
final class SmsboxStub: @unchecked Sendable {
    static let port: UInt16 = 13001
    private let fd: Int32

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.fd = fd
        guard fd >= 0 else { throw KannelRun.Failure(description: "socket: errno \(errno)") }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = Self.port.bigEndian
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
        guard bound, listen(fd, 16) == 0 else {
            FileHandle.standardError.write(Data("note: 127.0.0.1:13001 is taken (errno \(errno)); drive_smpp's smsbox thread connects to its holder\n".utf8))
            close(fd)
            return
        }
        Thread.detachNewThread {
            var held: [Int32] = []
            while true {
                let c = accept(fd, nil, nil)
                if c < 0 { break }
                held.append(c)  // never read, never closed: drive_smpp only waits on it
                if held.count > 64 { close(held.removeFirst()) }
            }
        }
    }
}
