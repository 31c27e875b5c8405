public import Foundation
import RemindCore

/// Builds the ACK an interface engine expects for each message, as bytes the daemon can
/// write into `ack/` (a pure function: the time and the ACK's own control id are given).
///
/// The ACK uses the original's delimiters and echoes its fields raw:
///
///     MSH|^~\&|<MSH-5>|<MSH-6>|<MSH-3>|<MSH-4>|<time>||ACK^<MSH-9.2>^ACK|<control id>|<MSH-11>|<MSH-12>
///     MSA|AE|<MSH-10>|<reason>
///     ERR|||207^Application internal error^HL70357|E||||<reason>
///
/// Sending and receiving application and facility are swapped; MSH-9.3 is left out for
/// v2.3 and earlier; MSA-3 carries the reason (at most 80 characters, its v2.3 length) and,
/// for v2.5 and later, an ERR segment carries it in full. Segments end with CR; wrap the
/// bytes with ``MLLP/frame(_:)`` for a sender that wants framed files.
public enum HL7Acknowledgement {
    /// The ACK of one message.
    ///
    /// - Parameters:
    ///   - header: The acknowledged message's header.
    ///   - code: AA, AE or AR.
    ///   - reason: Why the message was not taken (for AE and AR); no patient data.
    ///   - controlID: MSH-10 of the ACK; by default `A` followed by the original's control
    ///     id, cut to 20 characters (MSH-10's v2.3 length).
    ///   - time: MSH-7, written in `timeZone` with its offset.
    public static func make(
        for header: HL7MessageHeader, code: HL7AcknowledgementCode, reason: String? = nil, controlID: String? = nil,
        time: Date, timeZone: TimeZone
    ) -> [UInt8] {
        let delimiters = header.delimiters
        let component = delimiters.component ?? 0x20
        let reason = reason.map(\.trimmed).flatMap { $0.isEmpty ? nil : $0 }
        var ownID = Array(([UInt8(ascii: "A")] + header.controlID).prefix(20))
        if let controlID { ownID = delimiters.escape(controlID) }
        var messageType = Array("ACK".utf8)
        messageType.append(component)
        messageType += delimiters.escape(header.triggerEvent)
        if !isBefore231(header.version) {
            messageType.append(component)
            messageType += Array("ACK".utf8)
        }

        var out: [UInt8] = []
        func segment(_ name: String, _ fields: [[UInt8]]) {
            out += Array(name.utf8)
            for field in fields {
                out.append(delimiters.field)
                out += field
            }
            out.append(0x0D)
        }
        let msh: [[UInt8]] = [
            header.encodingCharacters, header.receivingApplication, header.receivingFacility,
            header.sendingApplication, header.sendingFacility, timestamp(time, timeZone), [], messageType, ownID,
            header.processingID, header.version,
        ]
        segment("MSH", msh)
        var msa: [[UInt8]] = [Array(code.rawValue.utf8), header.controlID]
        if let reason { msa.append(delimiters.escape(String(reason.prefix(80)))) }
        segment("MSA", msa)
        if let reason, code != .accept, !isBefore25(header.version) {
            let errorCode = ["207", "Application internal error", "HL70357"].map { Array($0.utf8) }
                .joined(separator: [component])
            segment("ERR", [[], [], Array(errorCode), Array("E".utf8), [], [], [], delimiters.escape(reason)])
        }
        return out
    }

    /// The ACK of a parsed message: AA when accepted, AE with the rejection's reason when
    /// not; nil for stray text and for a message whose MSH could not be read.
    public static func make(for result: HL7MessageResult, time: Date, timeZone: TimeZone) -> [UInt8]? {
        guard let header = result.header else { return nil }
        switch result.outcome {
        case .accepted: return make(for: header, code: .accept, time: time, timeZone: timeZone)
        case .rejected(let rejection):
            return make(for: header, code: .error, reason: rejection.reason, time: time, timeZone: timeZone)
        }
    }

    /// `YYYYMMDDHHMMSS+ZZZZ` in `zone`.
    static func timestamp(_ time: Date, _ zone: TimeZone) -> [UInt8] {
        let offset = zone.secondsFromGMT(for: time)
        let seconds = Int64(time.timeIntervalSince1970.rounded(.down)) + Int64(offset)
        let (days, secondOfDay) = CivilCalendar.split(secondsSince1970: seconds)
        let (year, month, day) = CivilCalendar.date(daysSince1970: days)
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        let sign = offset < 0 ? "-" : "+"
        let magnitude = abs(offset)
        let text = "\(year)" + two(month) + two(day) + two(secondOfDay / 3600) + two(secondOfDay / 60 % 60)
            + two(secondOfDay % 60) + sign + two(magnitude / 3600) + two(magnitude / 60 % 60)
        return Array(text.utf8)
    }

    /// The version's (major, minor, patch) from `2.5.1`; nil when not a version.
    private static func version(_ raw: [UInt8]) -> [Int]? {
        let text = String(decoding: raw.prefix { $0 != UInt8(ascii: "^") }, as: UTF8.self)
        let parts = text.split(separator: ".").map { Int($0) }
        guard !parts.isEmpty, parts.allSatisfy({ $0 != nil }) else { return nil }
        return parts.compactMap { $0 }
    }

    private static func isBefore231(_ raw: [UInt8]) -> Bool {
        guard let v = version(raw) else { return false }
        return v.lexicographicallyPrecedes([2, 3, 1])
    }

    private static func isBefore25(_ raw: [UInt8]) -> Bool {
        guard let v = version(raw) else { return false }
        return v.lexicographicallyPrecedes([2, 5])
    }
}
