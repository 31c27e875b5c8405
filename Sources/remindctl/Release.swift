import ArgumentParser
import RemindControl

/// `remindctl release ID…`
struct Release: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Put held messages back in the queue, due at their due time or now if that has passed.",
        discussion: "Needs remindd running. Exit status: 0 released, 1 refused (not held), 65 bad id, 69 remindd not running, 77 no access, 78 bad configuration.")

    @OptionGroup var options: QueueOptions
    @Argument(help: "Spool ids.") var ids: [String]
    @Flag(name: .long, help: "Print JSON.") var json = false

    func run() async throws { try await Steering.run(.release, ids: ids, options: options, json: json) }
}
