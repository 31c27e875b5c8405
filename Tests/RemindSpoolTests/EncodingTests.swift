import Foundation
import RemindCore
import RemindSpool
import Testing

/// A message's encoding survives the spool as a type (``SMSEncoding``): in its own file,
/// in a batch record, after a restart and in the move out of its batch; files written
/// before (no `Encoding:` line, or another spelling) still read.
@Suite struct EncodingTests {
    let start = Date(timeIntervalSince1970: 1_795_000_000)

    @Test(arguments: SMSEncoding.allCases)
    func aMessageFileKeepsItsEncoding(encoding: SMSEncoding) throws {
        var m = try TemporarySpool().message("A-1", start: start)
        m.encoding = encoding
        let bytes = MessageFile.encode(m)
        #expect(String(decoding: bytes, as: UTF8.self).contains("\nEncoding: \(encoding.name)\n"))
        #expect(try MessageFile.decode(bytes, path: "x").encoding == encoding)
    }

    /// The old format: a file without `Encoding:` was GSM-7; another spelling of a known
    /// encoding is that encoding; an unknown value is UCS-2, which carries any text.
    @Test(arguments: [
        (nil, SMSEncoding.gsm7), ("gsm7", .gsm7), ("ucs2", .ucs2), ("UCS-2", .ucs2), ("GSM-7", .gsm7), ("utf-16", .ucs2),
    ] as [(String?, SMSEncoding)])
    func anOlderFileReads(value: String?, expected: SMSEncoding) throws {
        var m = try TemporarySpool().message("A-1", start: start)
        m.encoding = .gsm7
        var lines = String(decoding: MessageFile.encode(m), as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        let at = try #require(lines.firstIndex(of: "Encoding: gsm7"))
        if let value { lines[at] = "Encoding: \(value)"[...] } else { lines.remove(at: at) }
        let old = Array(lines.joined(separator: "\n").utf8)
        #expect(try MessageFile.decode(old, path: "x").encoding == expected)
    }

    /// Through a batch, a restart (with and without the checkpoint) and the move to
    /// `active/` (its own file), a UCS-2 message stays UCS-2 and a GSM-7 one GSM-7.
    @Test(arguments: [false, true])
    func theEncodingSurvivesABatchARestartAndARelease(checkpointed: Bool) throws {
        let t = try TemporarySpool()
        var ucs2 = t.message("A-1", start: start, text: "Grüße, Zoë 😀")
        ucs2.encoding = .ucs2
        let gsm7 = t.message("A-2", start: start)
        let queued = try t.spool.commit(t.spool.plan(candidates: [ucs2, gsm7]), input: nil)
        #expect(queued.count == 2)
        if checkpointed { try t.spool.checkpoint() }
        let fresh = Spool(paths: t.spool.paths)
        _ = try fresh.recover()
        #expect(try fresh.message(ucs2.id).encoding == .ucs2)
        #expect(try fresh.message(gsm7.id).encoding == .gsm7)
        _ = try fresh.transition(ucs2.id, to: .active, what: "active")
        #expect(try fresh.message(ucs2.id).encoding == .ucs2)
        let again = Spool(paths: t.spool.paths)
        _ = try again.recover()
        #expect(try again.message(ucs2.id).encoding == .ucs2)
        #expect(try again.message(gsm7.id).encoding == .gsm7)
    }
}
