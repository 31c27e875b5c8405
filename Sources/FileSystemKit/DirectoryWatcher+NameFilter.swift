extension DirectoryWatcher {
    /// Which entry names a ``DirectoryWatcher`` does not report: names of files still being
    /// written by convention (dotfiles, `*.tmp`, `*.part`).
    ///
    /// The watcher applies its filter itself, to files and to subdirectories alike, so a
    /// caller never sees an ignored name. A caller that scans the directory (at start-up,
    /// after ``Kind/overflow``) should apply the same filter with ``ignores(_:)``.
    public struct NameFilter: Hashable, Sendable {
        /// Ignore names that begin with a dot (hidden files, `.inprogress` conventions).
        public var ignoresHidden: Bool
        /// Ignore names ending with one of these, compared without regard to ASCII case
        /// (`.tmp` also matches `REPORT.TMP`). An empty suffix matches nothing.
        public var ignoredSuffixes: [String]

        public init(ignoresHidden: Bool, ignoredSuffixes: [String]) {
            self.ignoresHidden = ignoresHidden
            self.ignoredSuffixes = ignoredSuffixes
        }

        /// Dotfiles, `*.tmp`, `*.part` and `*~` (any case): what writers and editors use for
        /// files not yet complete. The one rule for a partial file: the watcher and the
        /// inbox's start-up scan both use it.
        public static let partialFiles = NameFilter(ignoresHidden: true, ignoredSuffixes: [".tmp", ".part", "~"])

        /// Reports every name.
        public static let none = NameFilter(ignoresHidden: false, ignoredSuffixes: [])

        /// Whether `name` (one path component) is to be left alone.
        public func ignores(_ name: String) -> Bool {
            if ignoresHidden && name.utf8.first == UInt8(ascii: ".") { return true }
            let lowered = Self.asciiLowercased(name)
            for suffix in ignoredSuffixes where !suffix.isEmpty && lowered.hasSuffix(Self.asciiLowercased(suffix)) {
                return true
            }
            return false
        }

        private static func asciiLowercased(_ text: String) -> String {
            String(decoding: text.utf8.map { (0x41...0x5A).contains($0) ? $0 + 0x20 : $0 }, as: UTF8.self)
        }
    }
}
