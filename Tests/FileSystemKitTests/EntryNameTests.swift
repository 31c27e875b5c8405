import FileSystemKit
import Foundation
import SystemPackage
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite struct EntryNameTests {
    static let cases: [([UInt8], String)] = [
        ([0x70, 0x25, 0x2E, 0x63], "p%.c"),  // valid UTF-8 stays as it is, % and all
        ([0x4D, 0xC3, 0xBC, 0x2E, 0x63], "Mü.c"),
        ([0x4D, 0xFC, 0x6C, 0x2E, 0x63], "M%FCl.c"),
        ([0x25, 0xFF, 0xC3, 0xBC, 0xC3], "%25%FFü%C3"),  // a cut sequence at the end
        ([0xED, 0xA0, 0x80, 0x41], "%ED%A0%80A"),  // a surrogate is not valid UTF-8
        ([0xC0, 0xAF], "%C0%AF"),  // nor an overlong '/'
    ]

    @Test(arguments: cases)
    func escapedFormIsReadableAndGivesTheBytesBack(bytes: [UInt8], escaped: String) {
        let name = EntryName(bytes: bytes)
        #expect(name.escaped == escaped)
        if name.text == nil { #expect(EntryName(escaped: escaped) == name) }
    }

    @Test func aDirectoryIsListedByBytesAndAnEntryRenamedByThem() throws {
        let directory = NSTemporaryDirectory() + "entry-names-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let raw: [UInt8] = [0x41, 0xE9, 0x2E, 0x63, 0x73, 0x76]  // "A\xE9.csv"
        let path = (Array((directory + "/").utf8) + raw + [0]).map { CChar(bitPattern: $0) }
        let fd = open(path, O_CREAT | O_WRONLY, 0o600)
        try #require(fd >= 0)
        close(fd)
        let listed = try FileOperations.listDirectoryEntries(directory)
        #expect(listed == [EntryName(bytes: raw)])
        #expect(try FileOperations.fileStatus(listed[0], in: directory)?.kind == .regular)
        try FileOperations.renameNoReplace(listed[0], in: directory, to: directory + "/" + listed[0].escaped)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["A%E9.csv"])
        #expect(try FileOperations.fileStatus(listed[0], in: directory) == nil)
    }

    /// A real inotify watch reports a name that is not UTF-8 with its bytes.
    @Test func theWatcherReportsTheBytesOfANameThatIsNotUTF8() async throws {
        let directory = NSTemporaryDirectory() + "entry-watch-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let watcher = try DirectoryWatcher(directory: .init(directory))
        defer { watcher.close() }
        let raw: [UInt8] = [0x42, 0xF6, 0x2E, 0x63, 0x73, 0x76]  // "B\xF6.csv"
        let path = (Array((directory + "/").utf8) + raw + [0]).map { CChar(bitPattern: $0) }
        let fd = open(path, O_CREAT | O_WRONLY, 0o600)
        try #require(fd >= 0)
        close(fd)
        var iterator = watcher.makeAsyncIterator()
        let event = try await iterator.next()
        #expect(event?.kind == .written)
        #expect(event?.entryName == EntryName(bytes: raw))
        #expect(event?.name == "B\u{FFFD}.csv")
    }
}
