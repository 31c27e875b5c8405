/// Which inbox names are inputs. Writers create files under a temporary name and
/// rename them when complete; those temporary names are never read.
enum InboxNames {
    static func isCandidate(_ name: String) -> Bool {
        !(name.isEmpty || name.hasPrefix(".") || name.hasSuffix(".tmp") || name.hasSuffix(".part")
            || name.hasSuffix("~") || name.contains("/"))
    }
}
