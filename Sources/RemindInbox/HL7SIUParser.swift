import RemindCore

/// Reads HL7 v2 SIU (scheduling) messages, v2.3 to v2.5.1: S12 new, S13 reschedule, S14
/// modify, S15 cancel, S17 delete, S26 no-show.
///
/// **Files.** Several messages per file, plain or MLLP-framed (0x0B … 0x1C 0x0D, see
/// ``MLLP``); segments end at CR, LF or CRLF; batch envelopes (FHS, BHS, BTS, FTS) are
/// skipped. Each message is parsed with its own encoding characters (MSH-1, MSH-2) and
/// escapes (`\F\ \S\ \T\ \R\ \E\`, `\Xhh\`, `\.br\`). The text is decoded with
/// ``encoding`` (by default UTF-8, else CP1252; MSH-18 is not consulted). MSH-12 (the
/// version) is not checked: v2.3 to v2.5.1, and later versions, name these fields alike.
///
/// **Fields.** Appointment id: SCH-2 (filler), else SCH-1 (placer), first component.
/// Start: TQ1-7, else SCH-11.4, else AIS-4, else AIP-6; a TS with an offset is exact,
/// one without is read in the practice's zone (``AppointmentMapping/timeZone``). Status:
/// S15, S17 and S26 impose `cancelled`, `deleted` and `noshow`; otherwise SCH-25 (its
/// identifier, else its text) through ``AppointmentMapping/statusMap``, then the words
/// every format shares (``StatusWords``: Booked and Pending → `scheduled`, Noshow →
/// `noshow`, Arrived → `attended` …), then HL7 table 0278 (Overbook → `scheduled`, Dc →
/// `cancelled`, Cancelled, Deleted, Waitlist, Complete, Started, Blocked → their own
/// word), and empty →
/// ``AppointmentMapping/defaultStatus``. Patient: PID-5, the first repetition with a name
/// (family^given). Phone: the first PID-13 repetition whose equipment type (XTN-3) is
/// `CP`, number from XTN-1, else XTN-12, else XTN-5/6/7 (`+` country, area without its
/// trunk zero, local). Provider: the first AIP-3 with an id or name, else PV1-7 (XCN
/// id^family^given^…^prefix), shown as "prefix given family" with `Dr` when XCN-6 is
/// empty ("Dr Jane Smith"); the parts are also in `extra` as `provider_id`,
/// `provider_family` and `provider_given` for templates that want another form. Room:
/// AIL-3.2 into ``RemindCore/Appointment/office``; location: AIL-3.1 (point of care), else
/// AIL-3.4 (facility), else AIL-3.9 (description) into `extra["location"]`; with
/// ``AppointmentMapping/locationComponent`` 4 (`location_component = 4`), AIL-3.4 first.
///
/// **Rejections.** A message that cannot be used is rejected alone, on the line of its
/// MSH segment or of the segment at fault: not SIU or another trigger, no SCH, no id, no
/// start or a start that is not a date and time, invalid encoding
/// characters, or a line that is not a segment. Text before the first MSH is rejected
/// as one rejection. A file with text but no MSH at all throws ``InputError/Code/notHL7``.
/// A message without a usable mobile in PID-13 (or without PID) is valid: it is accepted
/// with ``ParsedAppointment/unremindable`` saying why (ACK `AA`), and the pipeline rejects
/// the row with that reason unless it withdraws (a cancellation needs only the id).
///
/// Records come in file order with their ``ParsedAppointment/event``; the last record per
/// appointment id is the net effect (``SIUReconciliation``). ``messages(_:file:)`` gives
/// each message's header too, for ``HL7Acknowledgement``.
///
/// Line numbers count CR, LF and CRLF as one line end each, as editors that show
/// CR-only files (Notepad++, VS Code) count them; for an HL7 file with CR endings that is
/// the segment's position in the file. An MLLP frame's 0x0B and its 0x1C CR trailer end no
/// line, so a framed file numbers its lines as the same messages unframed.
public struct HL7SIUParser: InputParser {
    public var mapping: AppointmentMapping
    /// The text encoding of files without a byte-order mark.
    public var encoding: InputEncoding

    public init(mapping: AppointmentMapping, encoding: InputEncoding = .auto) {
        self.mapping = mapping
        self.encoding = encoding
    }

    public func parse(_ bytes: [UInt8], file: String) throws(InputError) -> ParsedInput {
        var result = ParsedInput()
        for message in try messages(bytes, file: file) {
            switch message.outcome {
            case .accepted(let record): result.records.append(record)
            case .rejected(let rejection): result.rejections.append(rejection)
            }
        }
        return result
    }

    /// Every message of the file (and every run of stray text) with its outcome, in file order.
    public func messages(_ bytes: [UInt8], file: String) throws(InputError) -> [HL7MessageResult] {
        let text: [UInt8]
        switch encoding.decodeToUTF8(bytes) {
        case .success(let decoded): text = decoded
        case .failure(let failure):
            throw InputError(
                code: .undecodable, message: "the file \(failure.reason) (encoding \(encoding))", file: file,
                line: failure.line)
        }
        let reader = SIUAppointmentReader(mapping: mapping)
        var results: [HL7MessageResult] = []
        var current: Pending?
        var sawMessage = false
        var strayOpen = false

        func finish() {
            guard let message = current else { return }
            current = nil
            results.append(message.result(reader: reader, file: file))
        }

        for raw in HL7Scanner.segments(text) {
            let bytes = raw.bytes
            let id = Self.segmentID(bytes)
            if id == Self.msh {
                finish()
                sawMessage = true
                strayOpen = false
                current = Pending(msh: raw)
            } else if Self.batchIDs.contains(id) {
                finish()
                strayOpen = false
            } else if current != nil {
                current?.append(raw)
            } else if !strayOpen {
                strayOpen = true
                results.append(
                    HL7MessageResult(
                        line: raw.line, header: nil,
                        outcome: .rejected(
                            RowRejection(
                                position: SourcePosition(file: file, line: raw.line),
                                reason: "the text is not part of an HL7 message (no MSH segment before it)"))))
            }
        }
        finish()
        if !sawMessage && !results.isEmpty {
            throw InputError(code: .notHL7, message: "the file holds no HL7 message (no MSH segment)", file: file)
        }
        return results
    }

    /// The first three bytes of a segment as one number, for quick comparisons.
    private static func segmentID(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        guard bytes.count >= 3 else { return 0 }
        let s = bytes.startIndex
        return UInt32(bytes[s]) << 16 | UInt32(bytes[s + 1]) << 8 | UInt32(bytes[s + 2])
    }

    private static let msh = segmentID(Array("MSH".utf8)[...])
    /// The batch envelope: file and batch header and trailer segments.
    private static let batchIDs = ["FHS", "BHS", "BTS", "FTS"].map { segmentID(Array($0.utf8)[...]) }

    /// A message being collected: its MSH and the segments after it, or what is wrong.
    private struct Pending {
        let line: Int
        let delimiters: HL7Delimiters?
        var segments: [HL7Segment] = []
        /// The first line that is not a segment.
        var badLine: Int?

        init(msh: HL7Scanner.Segment) {
            line = msh.line
            delimiters = HL7Delimiters(msh: msh.bytes)
            if let delimiters {
                segments = [HL7Segment(name: "MSH", bytes: msh.bytes, line: msh.line, delimiters: delimiters)]
            }
        }

        mutating func append(_ raw: HL7Scanner.Segment) {
            guard let delimiters, badLine == nil else { return }
            if let name = HL7Segment.name(of: raw.bytes, delimiters: delimiters) {
                segments.append(HL7Segment(name: name, bytes: raw.bytes, line: raw.line, delimiters: delimiters))
            } else {
                badLine = raw.line
            }
        }

        func result(reader: SIUAppointmentReader, file: String) -> HL7MessageResult {
            func rejected(_ line: Int, _ reason: String) -> HL7MessageResult.Outcome {
                .rejected(RowRejection(position: SourcePosition(file: file, line: line), reason: reason))
            }
            guard let msh = segments.first else {
                return HL7MessageResult(
                    line: line, header: nil,
                    outcome: rejected(
                        line,
                        "MSH-1 or MSH-2 (the encoding characters) is not valid: each must be a distinct "
                            + "printable character other than a letter, digit or space"))
            }
            let header = HL7MessageHeader(msh: msh)
            if let badLine {
                return HL7MessageResult(
                    line: line, header: header,
                    outcome: rejected(
                        badLine,
                        "the line is not an HL7 segment (a three-character segment id and the field separator)"))
            }
            return HL7MessageResult(line: line, header: header, outcome: reader.read(segments, file: file))
        }
    }
}
