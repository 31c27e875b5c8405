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
        let fd = open(dir, O_RDONLY | O_DIRECTORY)  // no O_CLOEXEC
        try #require(fd >= 0)
        let high = dup2(fd, 57)
        close(fd)
        defer { close(high) }
        try #require(high == 57)
        let child = ChildProcess(
            arguments: ["/bin/sh", "-c", "ls /proc/$$/fd | tr '\\n' ' '; [ -e /proc/$$/fd/57 ] && echo inherited; exit 0"],
            environment: ChildProcess.baseEnvironment, timeout: .seconds(30))
        let outcome = try await child.run(input: [])
        let listed = String(decoding: outcome.standardOutput, as: UTF8.self)
        #expect(outcome.termination == .exited(0))
        #expect(!listed.contains("inherited"), "\(listed)")
        // Beyond 0, 1 and 2 only what the shell opens for itself (the `ls` pipeline's ends, at 10 and up).
        let fds = listed.split(separator: " ").compactMap { Int($0) }.filter { $0 > 2 }
        #expect(fds.isEmpty || fds.allSatisfy { $0 >= 10 && $0 != 57 }, "\(listed)")
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
