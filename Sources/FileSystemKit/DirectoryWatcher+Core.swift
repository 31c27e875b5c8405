import CLinux
import SystemPackage

#if canImport(Glibc)
import Glibc
#endif

extension DirectoryWatcher {
    /// The watcher's machinery: the inotify and stop descriptors, the thread that reads the
    /// one and polls both, and the bounded buffer between that thread and the consumer.
    ///
    /// Everything mutable is guarded by `mutex`, except `translator` and the inotify
    /// descriptor, which only the thread touches once it runs.
    final class Core: @unchecked Sendable {
        /// `IN_NONBLOCK` and `IN_CLOEXEC` for `inotify_init1` (`O_NONBLOCK`, `O_CLOEXEC`).
        private static let initFlags: Int32 = 0o4000 | 0o2000000

        let directory: FilePath
        private let watchMask: UInt32
        private let inotifyFD: Int32
        private let stopFD: Int32
        private var translator: Translator
        private let capacity: Int

        private let mutex: UnsafeMutablePointer<pthread_mutex_t>
        /// Signalled when buffer space frees up, on stop, and when the thread exits.
        private let condition: UnsafeMutablePointer<pthread_cond_t>
        private var buffer: [Event] = []
        private var head = 0
        private var waiter: CheckedContinuation<Result<Event?, DirectoryWatcherError>, Never>?
        /// The thread has delivered its last event (directory removed, or a failure).
        private var finished = false
        private var failure: DirectoryWatcherError?
        /// The consumer side ended it: close(), cancellation, or deinit.
        private var stopped = false
        private var threadStarted = false
        private var threadExited = false
        private var thread: pthread_t?

        init(directory: FilePath, includeSubdirectories: Bool, filter: NameFilter, bufferCapacity: Int, reportCreations: Bool = false)
            throws(DirectoryWatcherError)
        {
            self.directory = directory
            self.capacity = bufferCapacity
            var mask: InotifyEvent.Mask = [
                .closeWrite, .movedTo, .deleteSelf, .moveSelf, .onlyDirectory, .dontFollow, .excludeUnlinked,
            ]
            if includeSubdirectories { mask.formUnion([.create, .movedFrom]) }
            if reportCreations { mask.formUnion([.create]) }
            self.watchMask = mask.rawValue
            self.translator = Translator(includeSubdirectories: includeSubdirectories, filter: filter, reportCreations: reportCreations)
            mutex = .allocate(capacity: 1)
            pthread_mutex_init(mutex, nil)
            condition = .allocate(capacity: 1)
            pthread_cond_init(condition, nil)

            let inotify = inotify_init1(Self.initFlags)
            let inotifyErrno = Errno(rawValue: errno)
            let stop = clinux_eventfd(0)
            let stopErrno = Errno(rawValue: clinux_errno())
            inotifyFD = inotify
            stopFD = stop
            guard inotify >= 0 else {
                throw Self.error(for: inotifyErrno, path: directory, doing: "cannot create an inotify instance")
            }
            guard stop >= 0 else {
                throw Self.error(for: stopErrno, path: directory, doing: "cannot create the watcher's eventfd")
            }
            let rootWatch = inotify_add_watch(inotify, directory.string, watchMask)
            guard rootWatch >= 0 else {
                throw Self.error(for: Errno(rawValue: errno), path: directory, doing: "cannot watch the directory")
            }
            translator.added(watch: rootWatch, path: "")
            if includeSubdirectories {
                try watchSubdirectories(of: "")
            }
        }

        deinit {
            if !threadStarted && inotifyFD >= 0 { Glibc.close(inotifyFD) }
            if stopFD >= 0 { Glibc.close(stopFD) }
            pthread_cond_destroy(condition)
            condition.deallocate()
            pthread_mutex_destroy(mutex)
            mutex.deallocate()
        }

        // MARK: Watches

        private func absolute(_ relative: String) -> String {
            relative.isEmpty ? directory.string : directory.string + "/" + relative
        }

        /// Watches every subdirectory under `relative`, depth first, skipping ignored names.
        /// A subdirectory that vanished meanwhile is skipped; running out of watches throws.
        private func watchSubdirectories(of relative: String) throws(DirectoryWatcherError) {
            for name in Self.subdirectoryNames(of: absolute(relative)) where !translator.filter.ignores(name) {
                let child = relative.isEmpty ? name : relative + "/" + name
                try watchTree(child)
            }
        }

        private func watchTree(_ relative: String) throws(DirectoryWatcherError) {
            let watch = inotify_add_watch(inotifyFD, absolute(relative), watchMask)
            if watch < 0 {
                let code = Errno(rawValue: errno)
                if code == .noSuchFileOrDirectory || code == .notDirectory { return }
                throw Self.error(for: code, path: FilePath(absolute(relative)), doing: "cannot watch a subdirectory")
            }
            translator.added(watch: watch, path: relative)
            try watchSubdirectories(of: relative)
        }

        /// The names of the directories directly inside `path` (not following links).
        private static func subdirectoryNames(of path: String) -> [String] {
            guard let stream = opendir(path) else { return [] }
            defer { closedir(stream) }
            var names: [String] = []
            while let entry = readdir(stream) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
                }
                if name == "." || name == ".." { continue }
                let type = entry.pointee.d_type
                if type == UInt8(DT_DIR) {
                    names.append(name)
                } else if type == UInt8(DT_UNKNOWN) {
                    var info = stat()
                    if lstat(path + "/" + name, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR {
                        names.append(name)
                    }
                }
            }
            return names.sorted()
        }

        static func error(for code: Errno, path: FilePath, doing what: String) -> DirectoryWatcherError {
            switch code {
            case .noSuchFileOrDirectory, .notDirectory:
                DirectoryWatcherError(code: .notADirectory, message: "\(what): no such directory", path: path, errno: code)
            case .noSpace, .tooManyOpenFiles, .tooManyOpenFilesInSystem:
                DirectoryWatcherError(code: .resourceLimit, message: "\(what): an inotify or descriptor limit was reached", path: path, errno: code)
            default:
                DirectoryWatcherError(code: .watchFailed, message: what, path: path, errno: code)
            }
        }

        // MARK: Thread

        func start() throws(DirectoryWatcherError) {
            var handle = pthread_t()
            let box = Unmanaged.passRetained(self).toOpaque()
            let result = pthread_create(&handle, nil, { raw in
                guard let raw else { return nil }
                let core = Unmanaged<Core>.fromOpaque(raw).takeRetainedValue()
                core.run()
                return nil
            }, box)
            guard result == 0 else {
                Unmanaged<Core>.fromOpaque(box).release()
                throw DirectoryWatcherError(
                    code: .threadFailed, message: "cannot start the watcher thread", path: directory,
                    errno: Errno(rawValue: result))
            }
            lock()
            threadStarted = true
            thread = handle
            unlock()
        }

        /// The thread's body: poll, read, translate, deliver; until stopped or finished.
        private func run() {
            let bytes = UnsafeMutableRawBufferPointer.allocate(
                byteCount: InotifyEvent.readBufferSize, alignment: MemoryLayout<UInt32>.alignment)
            defer { bytes.deallocate() }
            var descriptors = [
                pollfd(fd: inotifyFD, events: Int16(POLLIN), revents: 0),
                pollfd(fd: stopFD, events: Int16(POLLIN), revents: 0),
            ]
            running: while true {
                descriptors[0].revents = 0
                descriptors[1].revents = 0
                let ready = poll(&descriptors, 2, -1)
                if ready < 0 {
                    let code = Errno(rawValue: errno)
                    if code == .interrupted { continue }
                    fail(code, doing: "cannot poll the inotify descriptor")
                    break
                }
                if descriptors[1].revents != 0 { break }
                let revents = descriptors[0].revents
                if revents & Int16(POLLIN) != 0 {
                    let count = read(inotifyFD, bytes.baseAddress, bytes.count)
                    if count < 0 {
                        let code = Errno(rawValue: errno)
                        if code == .interrupted || code == .wouldBlock { continue }
                        fail(code, doing: "cannot read the inotify descriptor")
                        break
                    }
                    let events = InotifyEvent.decode(UnsafeRawBufferPointer(rebasing: bytes[0..<count]))
                    for event in events {
                        for action in translator.handle(event) {
                            switch action {
                            case .emit(let event):
                                guard deliver(event) else { break running }
                            case .watch(let relative):
                                do {
                                    try watchTree(relative)
                                } catch {
                                    finish(with: error)
                                    break running
                                }
                            case .unwatch(let watches):
                                for watch in watches { inotify_rm_watch(inotifyFD, watch) }
                            case .finish:
                                finish(with: nil)
                                break running
                            }
                        }
                    }
                } else if revents != 0 {
                    fail(.ioError, doing: "the inotify descriptor reported an error")
                    break
                }
            }
            Glibc.close(inotifyFD)
            lock()
            finished = true
            threadExited = true
            if let waiter, head == buffer.count {
                self.waiter = nil
                let result = failure.map { Result<Event?, DirectoryWatcherError>.failure($0) } ?? .success(nil)
                failure = nil
                waiter.resume(returning: result)
            }
            pthread_cond_broadcast(condition)
            unlock()
        }

        private func fail(_ code: Errno, doing what: String) {
            finish(with: DirectoryWatcherError(code: .readFailed, message: what, path: directory, errno: code))
        }

        private func finish(with error: DirectoryWatcherError?) {
            lock()
            failure = error
            unlock()
        }

        /// Hands one event to the consumer or the buffer, waiting while the buffer is full.
        /// Returns false once the consumer side has stopped.
        private func deliver(_ event: Event) -> Bool {
            lock()
            defer { unlock() }
            while !stopped && waiter == nil && buffer.count - head >= capacity {
                pthread_cond_wait(condition, mutex)
            }
            if stopped { return false }
            if let waiter {
                self.waiter = nil
                waiter.resume(returning: .success(event))
            } else {
                buffer.append(event)
            }
            return true
        }

        // MARK: Consumer

        func next() async throws(DirectoryWatcherError) -> Event? {
            let result: Result<Event?, DirectoryWatcherError> = await withTaskCancellationHandler {
                await withCheckedContinuation { continuation in
                    lock()
                    defer { unlock() }
                    if let immediate = takeAvailable() {
                        continuation.resume(returning: immediate)
                    } else {
                        waiter = continuation
                    }
                }
            } onCancel: {
                stop()
            }
            return try result.get()
        }

        /// What `next()` can return without waiting, if anything. Call with the mutex held.
        private func takeAvailable() -> Result<Event?, DirectoryWatcherError>? {
            if stopped { return .success(nil) }
            if head < buffer.count {
                let event = buffer[head]
                head += 1
                if head == buffer.count {
                    buffer.removeAll(keepingCapacity: true)
                    head = 0
                }
                pthread_cond_signal(condition)
                return .success(event)
            }
            if finished {
                defer { failure = nil }
                return failure.map { .failure($0) } ?? .success(nil)
            }
            return nil
        }

        /// Ends the sequence from the consumer side and wakes the thread so it exits.
        func stop() {
            lock()
            let wasStopped = stopped
            stopped = true
            buffer.removeAll()
            head = 0
            let waiter = self.waiter
            self.waiter = nil
            pthread_cond_broadcast(condition)
            unlock()
            waiter?.resume(returning: .success(nil))
            if !wasStopped {
                var one: UInt64 = 1
                _ = write(stopFD, &one, MemoryLayout<UInt64>.size)
            }
        }

        /// Stops, then waits for the thread to exit (at most one caller joins it).
        func stopAndJoin() {
            stop()
            lock()
            let handle = thread
            thread = nil
            unlock()
            if let handle { pthread_join(handle, nil) }
        }

        /// Blocks until the thread has exited (for tests of cancellation without close()).
        func waitForThreadExit() {
            lock()
            while threadStarted && !threadExited { pthread_cond_wait(condition, mutex) }
            unlock()
        }

        var isThreadRunning: Bool {
            lock()
            defer { unlock() }
            return threadStarted && !threadExited
        }

        /// The inotify descriptor's number (for tests that check it is closed).
        var inotifyDescriptor: Int32 { inotifyFD }

        private func lock() { pthread_mutex_lock(mutex) }
        private func unlock() { pthread_mutex_unlock(mutex) }
    }
}
