/// Turns the bytes of one input file into appointments. Each format (CSV, JSON Lines,
/// HL7 v2 SIU) implements it; the inbox picks one per source from the configuration.
///
/// A parser is a pure function of its configuration and the bytes: no file system, no
/// clock, no logging. It must not trap on any byte sequence: malformed input is either a
/// ``RowRejection`` (one row or message) or an ``InputError`` (the whole file).
public protocol InputParser: Sendable {
    /// Parses a whole file.
    ///
    /// - Parameters:
    ///   - bytes: The file's contents, exactly as read.
    ///   - file: The file's name as dropped, for ``SourcePosition``s and error messages.
    /// - Returns: The records and the rejected rows, in file order.
    /// - Throws: ``InputError`` when nothing of the file can be read (undecodable text, no
    ///   header, a required column missing).
    func parse(_ bytes: [UInt8], file: String) throws(InputError) -> ParsedInput
}
