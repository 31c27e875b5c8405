import Foundation
import ProcessKit
import Testing

@Suite struct ChildProcessTests {
    func scratch() throws -> String {
        let dir = NSTemporaryDirectory() + "remindd-processkit-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    /// A descriptor the parent opened without close-on-exec does not reach the child.
    @Test func noDescriptorsBeyondTheStandardThree() async throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let opened = open(dir, O_RDONLY | O_DIRECTORY)  // no O_CLOEXEC
        try #require(opened >= 0)
        // Moved to the lowest free number from 100 up (F_DUPFD never closes a descriptor in use).
        let fd = fcntl(opened, F_DUPFD, 100)
        close(opened)
        try #require(fd >= 100)
        defer { close(fd) }
        // The shell lists its own descriptors with builtins only; the directory it reads for
        // the glob is closed again once the list is made, so `[ -e ]` leaves it out.
        let child = ChildProcess(
            arguments: ["/bin/sh", "-c", "for f in /proc/$$/fd/*; do [ -e \"$f\" ] && echo ${f##*/}; done; exit 0"],
            environment: ChildProcess.baseEnvironment, timeout: .seconds(30))
        let outcome = try await child.run(input: [])
        #expect(outcome.termination == .exited(0))
        let fds = String(decoding: outcome.standardOutput, as: UTF8.self).split(separator: "\n").compactMap { Int($0) }
        #expect(!fds.contains(Int(fd)), "descriptor \(fd) was inherited: \(fds)")
        #expect(Set(fds).isSuperset(of: [0, 1, 2]))
        #expect(fds.filter { $0 > 2 }.isEmpty, "more than 0, 1 and 2: \(fds)")
    }

    @Test func outputIsBoundedHeadAndErrorTail() async throws {
        let child = ChildProcess(
            arguments: ["/bin/sh", "-c", "seq 1 100000; seq 1 100000 >&2; exit 4"],
            environment: ChildProcess.baseEnvironment, timeout: .seconds(60), outputLimit: 8, errorLimit: 13)
        let outcome = try await child.run(input: [])
        #expect(outcome.termination == .exited(4))
        #expect(String(decoding: outcome.standardOutput, as: UTF8.self) == "1\n2\n3\n4\n")
        #expect(String(decoding: outcome.standardError, as: UTF8.self) == "99999\n100000\n")
        #expect(!outcome.timedOut)
    }

    @Test func aMissingProgramIsNotStarted() async {
        let child = ChildProcess(arguments: ["/nonexistent/prog"], environment: [:], timeout: .seconds(5))
        await #expect { _ = try await child.run(input: []) } throws: { ($0 as? ChildProcessError)?.code == .notStarted }
    }

    @Test func executableProblems() throws {
        #expect(ChildProcess.executableProblem("/bin/sh") == nil)
        #expect(ChildProcess.executableProblem("sh")?.contains("not an absolute path") == true)
        #expect(ChildProcess.executableProblem("/nonexistent/x")?.contains("does not exist") == true)
        #expect(ChildProcess.executableProblem("/etc")?.contains("not a regular file") == true)
        #expect(ChildProcess.executableProblem("/etc/hostname")?.contains("not executable") == true || getuid() == 0)
    }
}
