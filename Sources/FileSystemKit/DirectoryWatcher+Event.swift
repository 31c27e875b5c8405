extension DirectoryWatcher {
    /// What happened in the watched directory.
    public enum Kind: Hashable, Sendable {
        /// A file opened for writing was closed (`IN_CLOSE_WRITE`). A file written in
        /// several writes is reported once, when its writer closes it.
        case written
        /// A file was renamed into the directory (`IN_MOVED_TO`), the atomic way to deliver one.
        case movedIn
        /// An entry other than a directory was created in place (`IN_CREATE`; only with
        /// `reportCreations`). Symbolic links, FIFOs, devices and sockets appear only this
        /// way; a regular file created in place is still being written: it is reported
        /// again as ``written`` when its writer closes it.
        case created
        /// A subdirectory appeared (created or moved in) and is now watched as well
        /// (only with `includeSubdirectories`). Files may have landed in it before its
        /// watch was added: scan it, and everything under it.
        case subdirectoryAdded
        /// The kernel's event queue overflowed (`IN_Q_OVERFLOW`): events were lost.
        /// Rescan the whole tree. `name` is empty and `subdirectory` nil.
        case overflow
        /// The watched directory itself was deleted, renamed or unmounted. It is the
        /// last event: the sequence ends after it. `name` is empty and `subdirectory` nil.
        case directoryRemoved
    }

    /// One change in the watched directory.
    public struct Event: Hashable, Sendable, CustomStringConvertible {
        /// The entry's name inside its directory (one path component); empty for
        /// ``Kind/overflow`` and ``Kind/directoryRemoved``. A name that is not valid
        /// UTF-8 is repaired with U+FFFD, and so can no longer be opened by it: its bytes
        /// are in ``entryName``.
        public var name: String
        /// The entry's name as bytes, when they are not valid UTF-8 (nil otherwise).
        public var entryName: EntryName?
        /// The path of the entry's directory relative to the watched directory
        /// (`recalls` or `site-a/recalls`); nil for the watched directory itself.
        public var subdirectory: String?
        public var kind: Kind

        public init(name: String, subdirectory: String? = nil, kind: Kind, entryName: EntryName? = nil) {
            self.name = name
            self.entryName = entryName
            self.subdirectory = subdirectory
            self.kind = kind
        }

        /// The entry's path relative to the watched directory.
        public var relativePath: String {
            guard let subdirectory else { return name }
            return name.isEmpty ? subdirectory : subdirectory + "/" + name
        }

        public var description: String { "\(kind) \(relativePath)" }
    }
}
