extension DirectoryWatcher {
    /// Turns raw inotify events into ``Event``s and the watch changes they call for.
    ///
    /// A plain state machine (which watch descriptor is which subdirectory), so that the
    /// decoding of overflow, removal and subdirectory moves is tested without a kernel;
    /// the watcher's thread performs the actions it returns, in order.
    struct Translator {
        enum Action: Hashable {
            /// Report this event.
            case emit(Event)
            /// Add a watch for this subdirectory (relative path) and every directory under it,
            /// and call ``added(watch:path:)`` for each.
            case watch(String)
            /// Remove these watch descriptors (a subtree that was moved away).
            case unwatch([Int32])
            /// The watched directory is gone: stop after the events before this one.
            case finish
        }

        let includeSubdirectories: Bool
        let filter: NameFilter
        /// Report ``Kind/created`` for entries other than directories.
        var reportCreations = false
        /// Relative path by watch descriptor; "" is the watched directory itself.
        private(set) var paths: [Int32: String] = [:]
        private var finished = false

        init(includeSubdirectories: Bool, filter: NameFilter, reportCreations: Bool = false) {
            self.includeSubdirectories = includeSubdirectories
            self.filter = filter
            self.reportCreations = reportCreations
        }

        /// Records a watch the thread added: "" for the watched directory, else a relative path.
        mutating func added(watch: Int32, path: String) {
            paths[watch] = path
        }

        mutating func handle(_ event: InotifyEvent) -> [Action] {
            if finished { return [] }
            if event.mask.contains(.queueOverflow) {
                return [.emit(Event(name: "", subdirectory: nil, kind: .overflow))]
            }
            guard let directory = paths[event.watch] else { return [] }  // a watch already removed
            let isRoot = directory.isEmpty

            if event.mask.contains(.ignored) {
                paths[event.watch] = nil
                return isRoot ? finish() : []
            }
            if event.mask.contains(.deleteSelf) || event.mask.contains(.unmount)
                || (isRoot && event.mask.contains(.moveSelf))
            {
                return isRoot ? finish() : []
            }
            guard !event.name.isEmpty else { return [] }
            let name = String(decoding: event.name, as: UTF8.self)
            let entryName: EntryName? = String(validating: event.name, as: UTF8.self) == nil ? EntryName(bytes: Array(event.name)) : nil
            let subdirectory: String? = isRoot ? nil : directory
            let childPath = isRoot ? name : directory + "/" + name

            if event.mask.contains(.isDirectory) {
                guard includeSubdirectories else { return [] }
                if event.mask.contains(.movedFrom) {
                    let gone = paths.filter { $0.value == childPath || $0.value.hasPrefix(childPath + "/") }
                    for watch in gone.keys { paths[watch] = nil }
                    return gone.isEmpty ? [] : [.unwatch(gone.keys.sorted())]
                }
                if event.mask.contains(.create) || event.mask.contains(.movedTo) {
                    guard !filter.ignores(name) else { return [] }
                    return [.watch(childPath), .emit(Event(name: name, subdirectory: subdirectory, kind: .subdirectoryAdded))]
                }
                return []
            }
            guard !filter.ignores(name) else { return [] }
            if event.mask.contains(.closeWrite) {
                return [.emit(Event(name: name, subdirectory: subdirectory, kind: .written, entryName: entryName))]
            }
            if event.mask.contains(.movedTo) {
                return [.emit(Event(name: name, subdirectory: subdirectory, kind: .movedIn, entryName: entryName))]
            }
            if reportCreations && event.mask.contains(.create) {
                return [.emit(Event(name: name, subdirectory: subdirectory, kind: .created, entryName: entryName))]
            }
            return []
        }

        private mutating func finish() -> [Action] {
            finished = true
            return [.emit(Event(name: "", subdirectory: nil, kind: .directoryRemoved)), .finish]
        }
    }
}
