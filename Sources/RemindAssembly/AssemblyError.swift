/// Why a configuration cannot run: the configuration's problems or the templates', one line
/// each (`FILE: KEY: REASON`), as `remindctl check-config` prints them and the daemon logs them.
public struct AssemblyError: Error, CustomStringConvertible, Sendable {
    public let lines: [String]

    public init(lines: [String]) {
        self.lines = lines
    }

    public var description: String { lines.joined(separator: "\n") }
}
