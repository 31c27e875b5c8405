import FileSystemKit
import Foundation
import Testing

/// `makeDirectory` creates with the mode asked for, and never changes a directory that
/// exists: the packaging's modes (an inbox 2770 for the practice system's group) stay.
@Suite struct MakeDirectoryTests {
    func mode(_ path: String) -> UInt32 {
        var st = stat()
        stat(path, &st)
        return UInt32(st.st_mode) & 0o7777
    }

    @Test func aNewDirectoryGetsExactlyItsMode() throws {
        let root = NSTemporaryDirectory() + "remindd-mkdir-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileOperations.makeDirectory(root, mode: 0o700)
        #expect(mode(root) == 0o700)
        try FileOperations.makeDirectory(root + "/outbox", mode: 0o750)
        #expect(mode(root + "/outbox") == 0o750)
    }

    @Test func anExistingDirectoryKeepsItsMode() throws {
        let root = NSTemporaryDirectory() + "remindd-mkdir-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: root) }
        mkdir(root, 0o700)
        chmod(root, 0o2770)
        try FileOperations.makeDirectory(root, mode: 0o700)
        #expect(mode(root) == 0o2770)
    }

    @Test func aFileInTheWayIsAnError() throws {
        let path = NSTemporaryDirectory() + "remindd-mkdir-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: path) }
        FileManager.default.createFile(atPath: path, contents: Data())
        #expect(throws: FileSystemError.self) { try FileOperations.makeDirectory(path) }
    }
}
