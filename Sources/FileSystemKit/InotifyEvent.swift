/// One raw event as the kernel writes it into an inotify file descriptor
/// (`struct inotify_event` of `<sys/inotify.h>`), decoded from a read buffer.
///
/// ``DirectoryWatcher`` turns these into its own ``DirectoryWatcher/Event``s; this type
/// exists so the decoding of the kernel's byte layout can be tested without a kernel.
struct InotifyEvent: Hashable, Sendable {
    /// The watch descriptor the event belongs to; -1 for ``Mask/queueOverflow``.
    var watch: Int32
    var mask: Mask
    /// Pairs an `IN_MOVED_FROM` with its `IN_MOVED_TO`.
    var cookie: UInt32
    /// The name of the entry inside the watched directory, without the kernel's NUL
    /// padding; empty for events about the watched directory itself. The raw bytes are
    /// kept, as a file name need not be UTF-8.
    var name: [UInt8]

    /// The `mask` bits of `<sys/inotify.h>` that remindd uses. The values are the kernel's ABI.
    struct Mask: OptionSet, Hashable, Sendable {
        var rawValue: UInt32
        init(rawValue: UInt32) { self.rawValue = rawValue }

        /// `IN_CLOSE_WRITE`: a file opened for writing was closed.
        static let closeWrite = Mask(rawValue: 0x0000_0008)
        /// `IN_MOVED_FROM`: an entry was renamed out of the directory.
        static let movedFrom = Mask(rawValue: 0x0000_0040)
        /// `IN_MOVED_TO`: an entry was renamed into the directory.
        static let movedTo = Mask(rawValue: 0x0000_0080)
        /// `IN_CREATE`: an entry was created in the directory.
        static let create = Mask(rawValue: 0x0000_0100)
        /// `IN_DELETE_SELF`: the watched directory itself was deleted.
        static let deleteSelf = Mask(rawValue: 0x0000_0400)
        /// `IN_MOVE_SELF`: the watched directory itself was renamed.
        static let moveSelf = Mask(rawValue: 0x0000_0800)
        /// `IN_UNMOUNT`: the file system holding the watched directory was unmounted.
        static let unmount = Mask(rawValue: 0x0000_2000)
        /// `IN_Q_OVERFLOW`: the kernel's event queue overflowed and events were lost.
        static let queueOverflow = Mask(rawValue: 0x0000_4000)
        /// `IN_IGNORED`: the watch was removed (explicitly, or because its directory went away).
        static let ignored = Mask(rawValue: 0x0000_8000)
        /// `IN_ONLYDIR` (for `inotify_add_watch`): fail unless the path is a directory.
        static let onlyDirectory = Mask(rawValue: 0x0100_0000)
        /// `IN_DONT_FOLLOW` (for `inotify_add_watch`): do not follow a symbolic link.
        static let dontFollow = Mask(rawValue: 0x0200_0000)
        /// `IN_EXCL_UNLINK` (for `inotify_add_watch`): no events for entries already unlinked.
        static let excludeUnlinked = Mask(rawValue: 0x0400_0000)
        /// `IN_ISDIR`: the entry the event names is a directory.
        static let isDirectory = Mask(rawValue: 0x4000_0000)
    }

    /// The size of `struct inotify_event` without its name: wd, mask, cookie, len.
    static let headerSize = 16

    /// A read buffer large enough for at least one event with the longest name (`NAME_MAX` 255).
    static let readBufferSize = 64 * 1024

    /// Decodes every complete event in `buffer` (the bytes one `read` returned), in order.
    /// A truncated trailing event (which the kernel never produces) is ignored rather than
    /// trusted; a name is cut at its first NUL byte.
    static func decode(_ buffer: UnsafeRawBufferPointer) -> [InotifyEvent] {
        var events: [InotifyEvent] = []
        var offset = 0
        while buffer.count - offset >= headerSize {
            let watch = Int32(bitPattern: buffer.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
            let mask = buffer.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self)
            let cookie = buffer.loadUnaligned(fromByteOffset: offset + 8, as: UInt32.self)
            let length = Int(buffer.loadUnaligned(fromByteOffset: offset + 12, as: UInt32.self))
            let nameStart = offset + headerSize
            guard length <= buffer.count - nameStart else { break }
            var name: [UInt8] = []
            if length > 0 {
                let raw = UnsafeRawBufferPointer(rebasing: buffer[nameStart..<(nameStart + length)])
                let end = raw.firstIndex(of: 0) ?? raw.count
                name = Array(raw[0..<end])
            }
            events.append(InotifyEvent(watch: watch, mask: Mask(rawValue: mask), cookie: cookie, name: name))
            offset = nameStart + length
        }
        return events
    }

    /// Encodes events in the kernel's layout (names NUL-padded to a multiple of 4 bytes),
    /// the inverse of ``decode(_:)``; for tests.
    static func encode(_ events: [InotifyEvent]) -> [UInt8] {
        var bytes: [UInt8] = []
        func append(_ value: UInt32) {
            withUnsafeBytes(of: value) { bytes.append(contentsOf: $0) }
        }
        for event in events {
            let padded = event.name.isEmpty ? 0 : (event.name.count + 1 + 3) / 4 * 4
            append(UInt32(bitPattern: event.watch))
            append(event.mask.rawValue)
            append(event.cookie)
            append(UInt32(padded))
            bytes.append(contentsOf: event.name)
            bytes.append(contentsOf: repeatElement(0, count: padded - event.name.count))
        }
        return bytes
    }
}
