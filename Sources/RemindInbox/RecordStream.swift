/// A parser's reading of one file, piece by piece, so memory does not grow with the file.
///
/// The caller feeds the file's bytes in order, in pieces of any size, and marks the last
/// one `final`; each call returns the records (and rejected rows) that the bytes so far
/// complete, in file order, with their physical lines counted from the file's start.
/// A record split between two pieces is returned once, with the piece that completes it.
///
/// Only the first pieces may throw (no header, a required column missing): once a record
/// has been returned, every later problem is a ``RowRejection`` of its own line, so a
/// caller that commits records piece by piece never has to take back a committed piece.
public protocol RecordStream {
    mutating func feed(_ bytes: [UInt8], final: Bool) throws(InputError) -> ParsedInput
}

/// A parser that can read a file in pieces (``RecordStream``). Its whole-file
/// ``InputParser/parse(_:file:)`` is the same stream fed once.
public protocol StreamingInputParser: InputParser {
    func stream(file: String) -> any RecordStream
}
