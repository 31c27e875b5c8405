import Foundation
import Synchronization

/// A tiny lock for test helpers.
final class NSLockLike: Sendable {
    private let mutex = Mutex(())
    func locked<T>(_ body: () -> T) -> T { mutex.withLock { _ in body() } }
}

/// A fresh directory under /tmp, removed by `remove()`.
struct TemporaryDirectory {
    let path: String
    init() throws {
        var template = Array("/tmp/remindd-recipients-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw POSIXError(.EIO) }
        path = String(cString: made)
    }
    func remove() { try? FileManager.default.removeItem(atPath: path) }
}
