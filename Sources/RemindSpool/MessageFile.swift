import Foundation
import RemindCore

/// The on-disk form of a ``SpoolMessage``: UTF-8 lines of `Name: value`, one field per
/// line, readable with `cat` and greppable. `Text:` is escaped (`\\`, `\n`, `\r`) so the
/// file stays line-oriented, and history is appended as `Event:` lines at the end, so a
/// transition appends one line instead of rewriting the file.
///
/// ```
/// Id: 0196A3F2C0000001
/// Key: pracsoft/A-1001/24h
/// Kind: appointment
/// Recipient: +61412345678
/// Due: 2026-11-24T09:00:00Z
/// Expires: 2026-11-24T23:30:00Z
/// Expiry-Cause: appointment-start
/// Appointment: 2026-11-24T23:30:00Z
/// Source: appointments.csv:2
/// Created: 2026-11-23T09:00:00Z
/// Encoding: gsm7
/// Segments: 1
/// Text: Hi Ann, …
/// Event: 2026-11-23T09:00:00Z queued
/// ```
public enum MessageFile {
    public static func encode(_ m: SpoolMessage) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(320 + m.text.utf8.count)
        encode(m, into: &out)
        return out
    }

    /// Appends the file's bytes to `out`: written byte by byte, as ingest encodes every
    /// message of an export this way. A message without events gets `eventIfNone`'s line.
    public static func encode(_ m: SpoolMessage, into out: inout [UInt8], eventIfNone: SpoolEvent? = nil) {
        func line(_ name: StaticString, _ body: (inout [UInt8]) -> Void) {
            out.append(contentsOf: UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
            body(&out)
            out.append(10)
        }
        line("Id: ") { appendHex(m.id.rawValue, to: &$0) }
        line("Key: ") { out in
            appendKeyPart(m.key.source, to: &out); out.append(47)
            appendKeyPart(m.key.recordID, to: &out); out.append(47)
            appendKeyPart(m.key.rule, to: &out)
        }
        line("Kind: ") { $0.append(contentsOf: m.kind.rawValue.utf8) }
        line("Recipient: ") { $0.append(contentsOf: m.recipient.utf8) }
        line("Due: ") { Timestamp.append(m.due, to: &$0) }
        if let e = m.expires { line("Expires: ") { Timestamp.append(e, to: &$0) } }
        if let c = m.expiryCause { line("Expiry-Cause: ") { $0.append(contentsOf: c.name.utf8) } }
        if let a = m.appointmentStart { line("Appointment: ") { Timestamp.append(a, to: &$0) } }
        if let src = m.source {
            line("Source: ") { out in
                appendEscaped(src.file, to: &out); out.append(58); appendDecimal(src.line, to: &out)
            }
        }
        line("Created: ") { Timestamp.append(m.created, to: &$0) }
        line("Encoding: ") { $0.append(contentsOf: m.encoding.name.utf8) }
        line("Segments: ") { appendDecimal(m.segments, to: &$0) }
        line("Text: ") { appendEscaped(m.text, to: &$0) }
        if m.events.isEmpty, let e = eventIfNone { appendEventLine(e, to: &out) }
        for e in m.events { appendEventLine(e, to: &out) }
    }

    /// One `Event:` line, newline-terminated, for appending.
    public static func eventLine(_ e: SpoolEvent) -> String {
        var out: [UInt8] = []
        appendEventLine(e, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    static func appendEventLine(_ e: SpoolEvent, to out: inout [UInt8]) {
        out.append(contentsOf: "Event: ".utf8)
        Timestamp.append(e.time, to: &out)
        out.append(32)
        out.append(contentsOf: e.what.utf8)
        if !e.detail.isEmpty { out.append(32); appendEscaped(e.detail, to: &out) }
        out.append(10)
    }

    static func appendHex(_ value: UInt64, to out: inout [UInt8]) {
        var shift = 60
        while shift >= 0 {
            let nibble = UInt8((value >> UInt64(shift)) & 0xF)
            out.append(nibble < 10 ? 48 + nibble : 55 + nibble)
            shift -= 4
        }
    }

    static func appendDecimal(_ value: Int, to out: inout [UInt8]) {
        guard value >= 0 && value < 1_000_000_000 else {
            out.append(contentsOf: String(value).utf8)
            return
        }
        var divisor = 1
        while divisor * 10 <= value { divisor *= 10 }
        var v = value
        while divisor > 0 {
            out.append(UInt8(48 + v / divisor))
            v %= divisor
            divisor /= 10
        }
    }

    static func appendEscaped(_ s: String, to out: inout [UInt8]) {
        if s.utf8.contains(where: { $0 == 92 || $0 == 10 || $0 == 13 }) {
            out.append(contentsOf: escape(s).utf8)
        } else {
            out.append(contentsOf: s.utf8)
        }
    }

    /// A part of `Key:`, percent-escaped like ``MessageKey/description`` when it must be.
    static func appendKeyPart(_ part: String, to out: inout [UInt8]) {
        if MessageKey.needsEscape(part) {
            out.append(contentsOf: MessageKey.escape(part).utf8)
        } else {
            out.append(contentsOf: part.utf8)
        }
    }

    /// Decodes a message file. A trailing partial line (a torn append) is ignored; a
    /// missing required field is an error naming it.
    public static func decode(_ bytes: [UInt8], path: String) throws -> SpoolMessage {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw SpoolError(code: .corruptFile, message: "message file is not UTF-8", path: path)
        }
        var fields: [Substring: Substring] = [:]
        var events: [SpoolEvent] = []
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        if let last = lines.last, !text.hasSuffix("\n") || last.isEmpty { lines.removeLast() }
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else {
                throw SpoolError(code: .corruptFile, message: "malformed line in message file", path: path)
            }
            let name = line[..<colon]
            var value = line[line.index(after: colon)...]
            if value.first == " " { value = value.dropFirst() }
            if name == "Event" {
                let parts = value.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
                guard parts.count >= 2, let time = Timestamp.parse(parts[0]) else {
                    throw SpoolError(code: .corruptFile, message: "malformed Event line in message file", path: path)
                }
                events.append(SpoolEvent(time: time, what: String(parts[1]), detail: parts.count > 2 ? unescape(parts[2]) : ""))
            } else {
                fields[name] = value
            }
        }
        func required(_ name: Substring) throws -> Substring {
            guard let v = fields[name] else {
                throw SpoolError(code: .corruptFile, message: "message file lacks \(name):", path: path)
            }
            return v
        }
        func date(_ name: Substring) throws -> Date {
            guard let d = Timestamp.parse(try required(name)) else {
                throw SpoolError(code: .corruptFile, message: "message file has a bad \(name): time", path: path)
            }
            return d
        }
        guard let id = MessageID(try required("Id")) else {
            throw SpoolError(code: .corruptFile, message: "message file has a bad Id:", path: path)
        }
        guard let key = MessageKey(String(try required("Key"))) else {
            throw SpoolError(code: .corruptFile, message: "message file has a bad Key:", path: path)
        }
        guard let kind = MessageKind(rawValue: String(try required("Kind"))) else {
            throw SpoolError(code: .corruptFile, message: "message file has a bad Kind:", path: path)
        }
        var source: SourcePosition?
        if let s = fields["Source"], let colon = s.lastIndex(of: ":"), let line = Int(s[s.index(after: colon)...]) {
            source = SourcePosition(file: unescape(s[..<colon]), line: line)
        }
        return SpoolMessage(
            id: id, key: key, kind: kind,
            recipient: String(try required("Recipient")),
            text: unescape(try required("Text")),
            due: try date("Due"),
            expires: fields["Expires"] == nil ? nil : try date("Expires"),
            appointmentStart: fields["Appointment"] == nil ? nil : try date("Appointment"),
            source: source,
            created: try date("Created"),
            encoding: encoding(fields["Encoding"]),
            segments: Int(fields["Segments"] ?? "1") ?? 1,
            events: events,
            expiryCause: fields["Expiry-Cause"].flatMap { ExpiryCause(name: $0) }
        )
    }

    static func escape(_ s: String) -> String {
        guard s.utf8.contains(where: { $0 == 92 || $0 == 10 || $0 == 13 }) else { return s }
        var out = ""
        for ch in s.unicodeScalars {
            switch ch {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            default: out.unicodeScalars.append(ch)
            }
        }
        return out
    }

    /// The `Encoding:` value as a type. A file that does not say (written before the field
    /// existed) was GSM-7, as remindd then assumed; a value other than GSM-7's or UCS-2's
    /// is read as UCS-2, the encoding that carries any text.
    static func encoding(_ value: Substring?) -> SMSEncoding {
        guard let value else { return .gsm7 }
        return SMSEncoding(name: value) ?? .ucs2
    }

    static func unescape(_ s: Substring) -> String {
        guard s.contains("\\") else { return String(s) }
        var out = ""
        var escaping = false
        for ch in s.unicodeScalars {
            if escaping {
                switch ch {
                case "n": out += "\n"
                case "r": out += "\r"
                default: out.unicodeScalars.append(ch)
                }
                escaping = false
            } else if ch == "\\" {
                escaping = true
            } else {
                out.unicodeScalars.append(ch)
            }
        }
        return out
    }
}
