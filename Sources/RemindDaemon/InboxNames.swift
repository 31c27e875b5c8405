import FileSystemKit

/// Which inbox names are inputs. Writers create files under a temporary name and
/// rename them when complete; those temporary names are never read. The rule is the
/// watcher's (``DirectoryWatcher/NameFilter/partialFiles``), so a file the watcher
/// ignores is ignored by the start-up scan too.
enum InboxNames {
    /// A name directly in the inbox, or a path relative to it (`recalls/r.csv`) whose every
    /// part is a plain name: no dotfile or dot-directory, no empty part, and a last part
    /// that is not a partial file.
    static func isCandidate(_ path: String) -> Bool {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        guard let name = parts.last, !parts.contains(where: { $0.isEmpty || $0.hasPrefix(".") }) else { return false }
        return !DirectoryWatcher.NameFilter.partialFiles.ignores(String(name))
    }
}
