import Logging
@testable import SystemdKit
import Testing

/// The pure parts of the journal handler: field names, priorities, console lines, the
/// journal-or-console decision, and the fields of an entry.
@Suite struct JournalLogHandlerTests {
    @Test(arguments: [
        ("message_id", "MESSAGE_ID"),
        ("spool_id", "SPOOL_ID"),
        ("inbox_file", "INBOX_FILE"),
        ("inbox.line", "INBOX_LINE"),
        ("Provider-Name", "PROVIDER_NAME"),
        ("9lives", "X9LIVES"),
        ("_private", "X_PRIVATE"),
        ("", "X"),
        ("état", "X_TAT"),
        ("a b/c", "A_B_C"),
        ("message", "X_MESSAGE"),
        ("priority", "X_PRIORITY"),
        ("syslog_identifier", "X_SYSLOG_IDENTIFIER"),
        ("code_line", "X_CODE_LINE"),
    ])
    func metadataKeysMapToJournalFieldNames(key: String, field: String) {
        #expect(JournalLogHandler.fieldName(forMetadataKey: key) == field)
    }

    @Test func fieldNamesAreCutTo64Characters() {
        let name = JournalLogHandler.fieldName(forMetadataKey: String(repeating: "k", count: 100))
        #expect(name == String(repeating: "K", count: 64))
        let prefixed = JournalLogHandler.fieldName(forMetadataKey: "1" + String(repeating: "k", count: 70))
        #expect(prefixed.utf8.count == 64)
        #expect(prefixed.hasPrefix("X1KKK"))
    }

    @Test func mappedNamesAreValidJournalFieldNames() {
        for key in ["a", "A.b", "ü", "0", "__x", "message_id", "x-y-z", String(repeating: "é", count: 80)] {
            let name = JournalLogHandler.fieldName(forMetadataKey: key)
            #expect(!name.isEmpty && name.utf8.count <= 64)
            #expect(name.first!.isLetter && name.first!.isUppercase)
            #expect(name.unicodeScalars.allSatisfy { ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "_" })
        }
    }

    @Test(arguments: [
        (Logger.Level.trace, 7), (.debug, 7), (.info, 6), (.notice, 5), (.warning, 4), (.error, 3), (.critical, 2),
    ])
    func levelsMapToSyslogPriorities(level: Logger.Level, priority: Int) {
        #expect(JournalLogHandler.priority(of: level) == priority)
    }

    @Test func consoleLinesUseTheSyslogLevelPrefixAndSortedQuotedMetadata() {
        #expect(JournalLogHandler.consoleLine(level: .info, message: "started", metadata: [:]) == "<6>started")
        #expect(
            JournalLogHandler.consoleLine(
                level: .warning, message: "row rejected",
                metadata: ["reason": "no phone number", "inbox_line": "12", "inbox_file": "appts.csv"])
                == #"<4>row rejected inbox_file=appts.csv inbox_line=12 reason="no phone number""#)
        #expect(
            JournalLogHandler.consoleLine(
                level: .error, message: "a\nb", metadata: ["q": "say \"hi\"\\", "e": "", "eq": "a=b", "nl": "x\ny"])
                == #"<3>a\nb e="" eq="a=b" nl="x\ny" q="say \"hi\"\\""#)
        #expect(
            JournalLogHandler.consoleLine(level: .critical, message: "m", metadata: ["list": ["a", "b"]])
                == #"<2>m list="[\"a\", \"b\"]""#)
    }

    @Test func autoChoosesTheJournalOnlyWhenStderrIsTheJournalStreamAndTheSocketExists() {
        let stderr = (device: UInt64(64769), inode: UInt64(123456))
        #expect(LogTarget.decide(journalStream: "64769:123456", stderrIdentity: stderr, journalSocketExists: true) == .journal)
        #expect(LogTarget.decide(journalStream: "64769:123456", stderrIdentity: stderr, journalSocketExists: false) == .console)
        #expect(LogTarget.decide(journalStream: "64769:999", stderrIdentity: stderr, journalSocketExists: true) == .console)
        #expect(LogTarget.decide(journalStream: nil, stderrIdentity: stderr, journalSocketExists: true) == .console)
        #expect(LogTarget.decide(journalStream: "garbage", stderrIdentity: stderr, journalSocketExists: true) == .console)
        #expect(LogTarget.decide(journalStream: "64769:123456", stderrIdentity: nil, journalSocketExists: true) == .console)
        #expect(LogTarget.journal.resolved() == .journal)
        #expect(LogTarget.console.resolved() == .console)
    }

    @Test func anEntryHasItsFixedFieldsThenOneFieldPerMetadataKey() {
        let handler = JournalLogHandler(label: "spool", identifier: "remindd", target: .journal, level: .debug)
        #expect(handler.labelField == "REMINDD_COMPONENT")
        let fields = handler.journalFields(
            level: .notice, message: "two\nlines",
            metadata: ["message_id": "68e58909ccb2b416525a56c9a30f4300", "spool_id": "ABC", "remindd_component": "x"],
            file: "RemindSpool/Spool.swift", function: "f()", line: 42)
        #expect(
            fields == [
                "MESSAGE=two\nlines", "PRIORITY=5", "SYSLOG_IDENTIFIER=remindd", "REMINDD_COMPONENT=spool",
                "CODE_FILE=RemindSpool/Spool.swift", "CODE_LINE=42", "CODE_FUNC=f()",
                "MESSAGE_ID=68e58909ccb2b416525a56c9a30f4300", "X_REMINDD_COMPONENT=x", "SPOOL_ID=ABC",
            ])
    }

    @Test func handlerMetadataIsAValue() {
        var a = JournalLogHandler(label: "l", identifier: "i", target: .console)
        a[metadataKey: "k"] = "1"
        var b = a
        b[metadataKey: "k"] = "2"
        #expect(a[metadataKey: "k"] == "1")
        #expect(b.metadata["k"] == "2")
        #expect(a.target == .console)
    }
}
