import RemindCore

extension HL7SIUParser: StreamingInputParser {
    public func stream(file: String) -> any RecordStream {
        HL7SIUStream(parser: self, file: file)
    }
}

/// ``HL7SIUParser`` reading a file in pieces, whole messages at a time, so memory holds a
/// piece's messages and not the file's (a 64 MB file of SIU messages took about 8 times
/// its size read whole).
///
/// The bytes so far are cut before the last MSH segment that starts after a segment end
/// (CR, LF, or an MLLP block character): everything before it is whole messages (and
/// batch segments or stray text), parsed as the whole-file parser would, with line numbers
/// counted on from the pieces before; the last message waits for the next piece, or for
/// the end of the file. Each piece's ``ParsedInput/hl7Messages`` carry what its ACKs need.
///
/// A file in UTF-16 (a byte-order mark, or `encoding = "utf-16le"`/`"utf-16be"`) is read
/// whole: its line ends are not single bytes. A piece after the first that is not text in
/// the file's encoding (a `utf-8` source with an invalid byte) rejects each of its
/// messages, at its MSH line, instead of refusing the file.
struct HL7SIUStream: RecordStream {
    let parser: HL7SIUParser
    let file: String
    private var raw: [UInt8] = []
    /// Physical lines before `raw`.
    private var linesBefore = 0
    private var pieces = 0
    private var whole: Bool?

    init(parser: HL7SIUParser, file: String) {
        self.parser = parser
        self.file = file
    }

    mutating func feed(_ bytes: [UInt8], final: Bool) throws(InputError) -> ParsedInput {
        raw += bytes
        if whole == nil {
            guard raw.count >= 2 || final else { return ParsedInput() }
            let utf16 = raw.starts(with: [0xFF, 0xFE]) || raw.starts(with: [0xFE, 0xFF])
                || parser.encoding == .utf16LE || parser.encoding == .utf16BE
                || (parser.encoding == .auto && raw.count >= 2 && ((raw[0] != 0 && raw[1] == 0) || (raw[0] == 0 && raw[1] != 0)))
            whole = utf16
        }
        var cut = final ? raw.count : (whole == true ? 0 : Self.lastMessageStart(raw))
        // The first piece must hold a message: text before the file's first MSH waits with it.
        if pieces == 0 && !final && cut > 0 && cut == Self.firstMessageStart(raw) { cut = 0 }
        guard cut > 0 else { return ParsedInput() }
        let chunk = cut == raw.count ? raw : Array(raw[..<cut])
        raw = cut == raw.count ? [] : Array(raw[cut...])
        pieces += 1
        let messages: [HL7MessageResult]
        do {
            messages = try parser.messages(chunk, file: file)
        } catch let error where pieces > 1 && error.code == .undecodable {
            // Only the first piece may refuse the file: later, each message is rejected alone.
            messages = Self.mshLines(chunk).map { line in
                HL7MessageResult(
                    line: line, header: nil,
                    outcome: .rejected(RowRejection(position: SourcePosition(file: file, line: line), reason: error.message)))
            }
        }
        let offset = linesBefore
        linesBefore += Self.lineCount(chunk)
        var result = ParsedInput()
        result.hl7Messages = messages.map { $0.shifted(by: offset) }
        for message in result.hl7Messages ?? [] {
            switch message.outcome {
            case .accepted(let record): result.records.append(record)
            case .rejected(let rejection): result.rejections.append(rejection)
            }
        }
        return result
    }

    /// Where the last message of `bytes` starts: the offset of the last `MSH` that follows a
    /// segment end (CR, LF, or an MLLP block character); 0 when there is none after the start.
    static func lastMessageStart(_ bytes: [UInt8]) -> Int {
        var i = bytes.count - 3
        while i >= 1 {
            if bytes[i] == 0x4D, bytes[i + 1] == 0x53, bytes[i + 2] == 0x48 {
                let before = bytes[i - 1]
                if before == 0x0D || before == 0x0A || before == 0x0B || before == 0x1C { return i }
            }
            i -= 1
        }
        return 0
    }

    /// Where the first message of `bytes` starts (an `MSH` at the start or after a segment end).
    static func firstMessageStart(_ bytes: [UInt8]) -> Int? {
        var i = 0
        while i + 3 <= bytes.count {
            if bytes[i] == 0x4D, bytes[i + 1] == 0x53, bytes[i + 2] == 0x48 {
                if i == 0 { return 0 }
                let before = bytes[i - 1]
                if before == 0x0D || before == 0x0A || before == 0x0B || before == 0x1C { return i }
            }
            i += 1
        }
        return nil
    }

    /// The physical lines `chunk` holds, counted as ``HL7Scanner`` counts them: the line of
    /// a segment put right after it, less one (the chunk ends where a segment starts).
    static func lineCount(_ chunk: [UInt8]) -> Int {
        (HL7Scanner.segments(chunk + [0x58]).last?.line ?? 1) - 1
    }

    /// The lines of the MSH segments in `chunk` (its raw bytes; the line ends are ASCII in
    /// every encoding read in pieces).
    static func mshLines(_ chunk: [UInt8]) -> [Int] {
        HL7Scanner.segments(chunk).filter { $0.bytes.starts(with: [0x4D, 0x53, 0x48]) }.map(\.line)
    }
}

extension HL7MessageResult {
    /// The result with every line moved `offset` lines on (a piece's lines in its file).
    func shifted(by offset: Int) -> HL7MessageResult {
        guard offset != 0 else { return self }
        var copy = self
        copy.line += offset
        switch outcome {
        case .accepted(var record):
            record.position.line += offset
            copy.outcome = .accepted(record)
        case .rejected(var rejection):
            rejection.position.line += offset
            copy.outcome = .rejected(rejection)
        }
        return copy
    }
}
