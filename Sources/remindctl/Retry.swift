import ArgumentParser
import RemindControl

/// `remindctl retry ID… [--force]`
struct Retry: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Send messages now: queued, deferred or held ones (uncertain ones only with --force) become queued and due now.",
        discussion: """
            An uncertain message was handed to the gateway when remindd stopped and may already be on the \
            handset: --force sends it again. The message still waits for an open delivery window and its \
            stagger slot. Needs remindd running. Exit status: 0 queued, 1 refused (state), 65 bad id, \
            69 remindd not running, 77 no access, 78 bad configuration.
            """)

    @OptionGroup var options: QueueOptions
    @Argument(help: "Spool ids.") var ids: [String]
    @Flag(name: .long, help: "Retry uncertain messages too (they may be sent twice).") var force = false
    @Flag(name: .long, help: "Print JSON.") var json = false

    func run() async throws {
        try await Steering.run(.retry, ids: ids, arguments: force ? ["force": "true"] : [:], options: options, json: json)
    }
}
