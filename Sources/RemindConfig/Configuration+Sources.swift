public import Foundation
public import RemindInbox
public import RemindSchedule
#if canImport(Glibc)
import Glibc
#endif

extension Configuration {
    /// One input source (`[[source]]`): what its files are, how they are recognised in the
    /// inbox, how they are read and which rules make messages of their records.
    ///
    /// The top-level `[input]` is the default source: an appointment CSV source named
    /// `input.source` that takes every file directly in the inbox no `[[source]]` claims.
    public struct Source: Sendable, Hashable {
        /// The file format.
        public enum Format: String, Sendable, Hashable, CaseIterable {
            case csv
            case jsonl
            case hl7
        }

        /// How a snapshot source tells the date range its file covers.
        public enum SnapshotRange: Sendable, Hashable {
            /// From the first local day of the file's earliest appointment to the end of the
            /// last local day of its latest one.
            case fileDates
            /// From the date in column `from` to the end of the date in column `to` (the
            /// values of the first row that has both).
            case columns(from: String, to: String)
        }

        /// One rule of a source: a stable name (the rule part of each message's key) and when.
        public struct Rule: Sendable, Hashable {
            public enum Timing: Sendable, Hashable {
                /// A reminder rule: appointment reminders, birthdays (`.birthday(at:)`),
                /// broadcasts at a set time (`.at`) or at once (`.onArrival`), private
                /// messages (`.onArrival`, `.afterArrival`).
                case reminder(ReminderRule)
                /// A recall: from `daysAfterDue` days after the due date (at `at`, local,
                /// or from midnight), as soon as a window allows; it expires `lifetime` later.
                case recall(daysAfterDue: Int, at: LocalTime?, lifetime: Duration)
            }

            public var name: String
            public var timing: Timing

            public init(name: String, timing: Timing) {
                self.name = name
                self.timing = timing
            }
        }

        /// The source's name: the source part of every message's key; keep it stable.
        public var name: String
        public var kind: SourceKind
        public var format: Format
        /// Files in this inbox subdirectory (relative, `recalls` or `site-a/recalls`) are this source's.
        public var subdirectory: String?
        /// Files whose name matches one of these globs (`recall*.csv`; `["*.hl7", "*.mllp"]`)
        /// are this source's (with `subdirectory`: those in it; without: those directly in
        /// the inbox). Empty: every file of `subdirectory`.
        public var patterns: [String] = []
        /// Encoding, delimiter, columns, date formats, status words (``InputSettings/source`` is ``name``).
        public var input: InputSettings
        /// Snapshot mode: a file lists every appointment of its range; those it no longer
        /// lists lose their pending reminders. Nil: files only add, move and cancel.
        public var snapshot: SnapshotRange?
        /// Write an HL7 ACK per message into `ack/` under the spool root (HL7 sources).
        public var ack: Bool = false
        public var rules: [Rule]
        /// The template variant of a broadcast (`flu-clinic` → `broadcast.flu-clinic.mustache`).
        public var template: String?
        /// A broadcast goes only to rows whose column (by header) holds one of the values
        /// (compared trimmed, without case); every listed column must match.
        public var filter: [String: [String]] = [:]
        /// True for the source `[input]` describes.
        public var isDefault: Bool = false

        public init(name: String, kind: SourceKind, format: Format = .csv, input: InputSettings = .init(), rules: [Rule]) {
            self.name = name
            self.kind = kind
            self.format = format
            self.input = input
            self.input.source = name
            self.rules = rules
        }

        /// The rules a kind has when its source lists none.
        public static func defaultRules(for kind: SourceKind) -> [Rule] {
            switch kind {
            case .appointment: [Rule(name: "reminder", timing: .reminder(.before(.seconds(86400))))]
            case .recall: [Rule(name: "recall", timing: .recall(daysAfterDue: 0, at: nil, lifetime: .seconds(30 * 86400)))]
            case .patient: [Rule(name: "birthday", timing: .reminder(.birthday(at: LocalTime(hour: 9))))]
            case .broadcast: [Rule(name: "broadcast", timing: .reminder(.onArrival))]
            case .private: [Rule(name: "private", timing: .reminder(.onArrival))]
            }
        }

        /// Whether a file (its path relative to the inbox) is this source's.
        public func matches(relativePath path: String) -> Bool {
            let (directory, name) = Self.split(path)
            if let subdirectory {
                guard directory == subdirectory else { return false }
            } else if directory != nil {
                return false
            }
            if !patterns.isEmpty { return patterns.contains { fnmatch($0, name, 0) == 0 } }
            return subdirectory != nil
        }

        static func split(_ path: String) -> (directory: String?, name: String) {
            guard let slash = path.lastIndex(of: "/") else { return (nil, path) }
            return (String(path[..<slash]), String(path[path.index(after: slash)...]))
        }
    }

    /// How the inbox is read: settle time and size limit.
    public struct InboxSettings: Sendable, Hashable {
        public init() {}
        /// A file is claimed only once it has been unchanged this long (writers that
        /// close and reopen, like Samba clients); zero claims on close or rename.
        public var settle: Duration = .zero
        /// Files larger than this are refused (moved to `rejected/` with the reason).
        public var maxSize: Int = 64 << 20
        /// The longest line (or quoted CSV record) read from a CSV or JSON Lines file; a
        /// longer one is skipped unread and its row rejected, so memory stays bounded.
        public var maxLine: Int = 1 << 20
    }

    /// The default source `[input]` describes: appointments in CSV, every file directly in
    /// the inbox that no `[[source]]` claims, with the reminders of `[schedule]`.
    public var defaultSource: Source {
        var s = Source(
            name: input.source, kind: .appointment, format: .csv, input: input,
            rules: schedule.effectiveReminders.map { Source.Rule(name: $0.name, timing: .reminder($0.rule)) })
        s.isDefault = true
        return s
    }

    /// Every source: the `[[source]]` tables in order, then the default one.
    public var allSources: [Source] { sources + [defaultSource] }

    /// The source whose files include `path` (relative to the inbox): the first
    /// `[[source]]` that matches, else the default source for a file directly in the
    /// inbox; nil for a file in a subdirectory no source names.
    public func source(forInboxPath path: String) -> Source? {
        if let found = sources.first(where: { $0.matches(relativePath: path) }) { return found }
        return path.contains("/") ? nil : defaultSource
    }

    /// Whether any source reads a subdirectory of the inbox (the watcher then watches them).
    public var watchesSubdirectories: Bool { sources.contains { $0.subdirectory != nil } }
}
