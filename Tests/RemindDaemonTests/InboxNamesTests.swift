import FileSystemKit
@testable import RemindDaemon
import Testing

/// The start-up scan and the inotify watcher read one rule for partial files, so a file
/// the watcher would never report is never claimed by a scan either.
@Suite struct InboxNamesTests {
    @Test(arguments: ["A.TMP", "b.csv~", "c.csv.Part", ".d.csv", "export.part", "x.tmp"])
    func partialFilesAreNoInputForTheScanNorTheWatcher(name: String) {
        #expect(!InboxNames.isCandidate(name))
        #expect(DirectoryWatcher.NameFilter.partialFiles.ignores(name))
        #expect(!InboxNames.isCandidate("recalls/" + name))
    }

    @Test(arguments: ["e.csv", "E.CSV", "appointments-2026-12-03.hl7", "tmp", "a.tmp.csv"])
    func completeFilesAreInputsForBoth(name: String) {
        #expect(InboxNames.isCandidate(name))
        #expect(!DirectoryWatcher.NameFilter.partialFiles.ignores(name))
        #expect(InboxNames.isCandidate("recalls/" + name))
        #expect(!InboxNames.isCandidate(".hidden/" + name))
    }
}
