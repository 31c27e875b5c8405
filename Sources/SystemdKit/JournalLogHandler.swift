public import Logging
internal import CSystemd
internal import Synchronization
#if canImport(Glibc)
internal import Glibc
#endif

/// A swift-log `LogHandler` that writes structured entries to the systemd journal, or
/// `<N>`-prefixed lines to stderr when there is no journal.
///
/// Journal entries carry `MESSAGE`, `PRIORITY`, `SYSLOG_IDENTIFIER`, a field naming the
/// logger's label (`<IDENTIFIER>_COMPONENT`, for example `REMINDD_COMPONENT`), `CODE_FILE`,
/// `CODE_LINE`, `CODE_FUNC`, and one field per metadata key (see
/// ``fieldName(forMetadataKey:reserved:)``): `message_id` becomes `MESSAGE_ID`, so the
/// catalog explains the entry under `journalctl -x`. Values are binary-safe (line breaks
/// survive). When the journal refuses an entry it is written to stderr instead.
///
/// Console lines follow systemd's `SyslogLevelPrefix=` format (see
/// ``consoleLine(level:message:metadata:)``), so even then journald assigns the right
/// priority. The corresponding C function is `sd_journal_sendv`.
public struct JournalLogHandler: LogHandler {
    /// The minimum level logged.
    public var logLevel: Logger.Level
    /// Metadata added to every entry of this handler.
    public var metadata: Logger.Metadata
    /// Adds contextual metadata (task locals) to every entry.
    public var metadataProvider: Logger.MetadataProvider?

    /// The logger's label, written to ``labelField``.
    public let label: String
    /// `SYSLOG_IDENTIFIER`.
    public let identifier: String
    /// The journal field naming the logger's label: `<IDENTIFIER>_COMPONENT`.
    public let labelField: String
    /// `.journal` or `.console` (never `.auto`: resolved at creation).
    public let target: LogTarget

    /// Creates a handler. `.auto` is resolved here (see ``LogTarget/resolved()``).
    public init(
        label: String, identifier: String, target: LogTarget = .auto, level: Logger.Level = .info,
        metadataProvider: Logger.MetadataProvider? = nil
    ) {
        self.label = label
        self.identifier = identifier
        self.labelField = Self.fieldName(forMetadataKey: identifier + "_component")
        self.target = target.resolved()
        self.logLevel = level
        self.metadata = [:]
        self.metadataProvider = metadataProvider
    }

    /// Bootstraps swift-log with this handler for every logger of the process; call it
    /// once, first thing in `main`. `.auto` is resolved once, here.
    /// - Returns: the resolved target (`.journal` or `.console`).
    @discardableResult
    public static func bootstrap(
        identifier: String, target: LogTarget = .auto, level: Logger.Level = .info,
        metadataProvider: Logger.MetadataProvider? = nil
    ) -> LogTarget {
        let resolved = target.resolved()
        LoggingSystem.bootstrap(
            { label, provider in
                JournalLogHandler(
                    label: label, identifier: identifier, target: resolved, level: level, metadataProvider: provider)
            }, metadataProvider: metadataProvider)
        return resolved
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let explicit = event.metadata { merged.merge(explicit) { _, new in new } }
        if let error = event.error, merged["error"] == nil { merged["error"] = "\(error)" }
        let message = event.message.description
        switch target {
        case .journal:
            let fields = journalFields(
                level: event.level, message: message, metadata: merged,
                file: event.file, function: event.function, line: event.line)
            if Self.sendToJournal(fields) { return }
            Self.writeToStderr(Self.consoleLine(level: event.level, message: message, metadata: merged))
        case .console, .auto:
            Self.writeToStderr(Self.consoleLine(level: event.level, message: message, metadata: merged))
        }
    }

    // MARK: Pure formatting

    /// The syslog priority of a level: trace and debug 7, info 6, notice 5, warning 4,
    /// error 3, critical 2.
    public static func priority(of level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: 7
        case .info: 6
        case .notice: 5
        case .warning: 4
        case .error: 3
        case .critical: 2
        }
    }

    /// The fields this handler writes itself; a metadata key mapping to one of them is
    /// prefixed with `X_` so it cannot overwrite or duplicate them.
    public static let ownFields: Set<String> = [
        "MESSAGE", "PRIORITY", "SYSLOG_IDENTIFIER", "CODE_FILE", "CODE_LINE", "CODE_FUNC",
    ]

    /// The journal field name for a metadata key.
    ///
    /// `message_id` becomes `MESSAGE_ID`. Otherwise the key is upper-cased and every
    /// character outside `[A-Z0-9_]` becomes `_`; a name that would start with a digit or
    /// `_` (or be empty) is prefixed with `X` (journal field names start with a letter, and a
    /// leading `_` is reserved for trusted fields); the name is cut to 64 characters. A name
    /// in `reserved` gets an `X_` prefix.
    public static func fieldName(forMetadataKey key: String, reserved: Set<String> = ownFields) -> String {
        if key == "message_id" { return "MESSAGE_ID" }
        var name = ""
        for scalar in key.unicodeScalars {
            switch scalar {
            case "a"..."z": name.unicodeScalars.append(Unicode.Scalar(scalar.value - 32)!)
            case "A"..."Z", "0"..."9", "_": name.unicodeScalars.append(scalar)
            default: name.append("_")
            }
        }
        if name.isEmpty || name.first == "_" || name.first!.isNumber { name = "X" + name }
        if reserved.contains(name) { name = "X_" + name }
        if name.utf8.count > 64 { name = String(name.prefix(64)) }
        return name
    }

    /// The console form of an entry: `<N>message key=value key=value`, keys sorted.
    ///
    /// Always one line: line breaks in the message are written as `\n` and `\r`. A value is
    /// quoted (`key="a value"`, with `\` `"` and line breaks escaped) when it is empty or
    /// contains a space, a tab, `"`, `=` or a line break.
    public static func consoleLine(level: Logger.Level, message: String, metadata: Logger.Metadata) -> String {
        var line = "<\(priority(of: level))>"
        for character in message.unicodeScalars {
            switch character {
            case "\n": line += "\\n"
            case "\r": line += "\\r"
            default: line.unicodeScalars.append(character)
            }
        }
        for key in metadata.keys.sorted() {
            line += " " + key + "=" + consoleValue(metadata[key]!.description)
        }
        return line
    }

    static func consoleValue(_ value: String) -> String {
        let needsQuotes =
            value.isEmpty
            || value.unicodeScalars.contains { $0 == " " || $0 == "\t" || $0 == "\"" || $0 == "=" || $0 == "\n" || $0 == "\r" }
        guard needsQuotes else { return value }
        var quoted = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\\": quoted += "\\\\"
            case "\"": quoted += "\\\""
            case "\n": quoted += "\\n"
            case "\r": quoted += "\\r"
            case "\t": quoted += "\\t"
            default: quoted.unicodeScalars.append(scalar)
            }
        }
        return quoted + "\""
    }

    /// The `FIELD=value` strings of a journal entry, in order.
    func journalFields(
        level: Logger.Level, message: String, metadata: Logger.Metadata, file: String, function: String, line: UInt
    ) -> [String] {
        var fields = [
            "MESSAGE=" + message,
            "PRIORITY=\(Self.priority(of: level))",
            "SYSLOG_IDENTIFIER=" + identifier,
            labelField + "=" + label,
            "CODE_FILE=" + file,
            "CODE_LINE=\(line)",
            "CODE_FUNC=" + function,
        ]
        var reserved = Self.ownFields
        reserved.insert(labelField)
        for key in metadata.keys.sorted() {
            fields.append(Self.fieldName(forMetadataKey: key, reserved: reserved) + "=" + metadata[key]!.description)
        }
        return fields
    }

    // MARK: Output

    /// Sends one entry; false when the journal refused it.
    static func sendToJournal(_ fields: [String]) -> Bool {
        // One buffer for all fields, one iovec per field into it.
        var buffer: [UInt8] = []
        var ranges: [Range<Int>] = []
        buffer.reserveCapacity(fields.reduce(0) { $0 + $1.utf8.count })
        for field in fields {
            let start = buffer.count
            buffer.append(contentsOf: field.utf8)
            ranges.append(start..<buffer.count)
        }
        let result = buffer.withUnsafeMutableBytes { bytes -> Int32 in
            var vectors = ranges.map { iovec(iov_base: bytes.baseAddress! + $0.lowerBound, iov_len: $0.count) }
            return vectors.withUnsafeMutableBufferPointer { sd_journal_sendv($0.baseAddress, Int32($0.count)) }
        }
        return result >= 0
    }

    private static let stderrLock = Mutex(())

    /// Writes `line` and a newline to stderr in one `write` where possible, whole lines only.
    static func writeToStderr(_ line: String) {
        var bytes = Array(line.utf8)
        bytes.append(0x0A)
        stderrLock.withLock { _ in
            bytes.withUnsafeBytes { raw in
                var offset = 0
                while offset < raw.count {
                    let written = write(STDERR_FILENO, raw.baseAddress! + offset, raw.count - offset)
                    if written < 0 {
                        if errno == EINTR { continue }
                        return
                    }
                    offset += written
                }
            }
        }
    }
}
