import ArgumentParser
import RemindControl

/// `remindctl cancel ID… [--reason TEXT]`
struct Cancel: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Withdraw messages that are not yet sent (queued, deferred, held or uncertain).",
        discussion: """
            They end cancelled with the reason `operator` (and the --reason text, kept in the message's \
            history, never in the journal). Needs remindd running. Exit status: 0 cancelled, 1 refused (state), \
            65 bad id, 69 remindd not running, 77 no access, 78 bad configuration.
            """)

    @OptionGroup var options: QueueOptions
    @Argument(help: "Spool ids.") var ids: [String]
    @Option(name: .long, help: "Why (kept in the message's history).") var reason: String?
    @Flag(name: .long, help: "Print JSON.") var json = false

    func run() async throws {
        try await Steering.run(.cancel, ids: ids, arguments: reason.map { ["reason": $0] } ?? [:], options: options, json: json)
    }
}
