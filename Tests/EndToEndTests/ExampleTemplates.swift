import Foundation
import SandboxSupport

/// The example templates of `spool.example/templates`, as every end-to-end set-up uses them.
enum ExampleTemplates {
    /// Copies every `*.mustache` of the examples into `directory` (created if missing).
    static func copy(into directory: String) throws {
        let fm = FileManager.default
        try fm.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let examples = Sandbox.repositoryRoot + "/spool.example/templates"
        for name in try fm.contentsOfDirectory(atPath: examples) where name.hasSuffix(".mustache") {
            try fm.copyItem(atPath: examples + "/" + name, toPath: directory + "/" + name)
        }
    }
}
