import ArgumentParser
import Foundation
import RemindConfig
import RemindInbox
import RemindText

struct CheckConfig: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Validate the configuration and the templates as remindd would; non-zero exit on any problem.")

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let config = try global.loadConfiguration()
        var problems: [String] = []
        var templateCount = 0
        do {
            let templates = try config.loadTemplates()
            problems += config.problems(with: templates)
            templateCount = templates.names.count
        } catch {
            problems.append("\(config.text.templates): \(error)")
        }
        if !problems.isEmpty {
            FileHandle.standardError.write(Data((problems.joined(separator: "\n") + "\n").utf8))
            throw ExitCode(78)
        }
        print("\(global.config): OK")
        print("  practice   \(config.practice.name.isEmpty ? "(no name)" : config.practice.name), \(config.practice.timeZone.identifier)")
        print("  spool      \(config.spool.root) (inbox \(config.inboxDirectory))")
        print("  templates  \(templateCount) in \(config.text.templates)")
        print("  schedule   lead \(DurationText.format(config.schedule.lead)), one message every \(DurationText.format(config.schedule.stagger))")
        print("  windows    \(config.schedule.windows.map(\.description).joined(separator: ", "))")
        for source in config.allSources {
            let files = source.subdirectory.map { "inbox/\($0)/" } ?? source.pattern.map { "files matching \($0)" } ?? "the inbox"
            let snapshot = source.snapshot == nil ? "" : ", snapshot"
            print("  source     \(source.name): \(source.kind.rawValue) \(source.format.rawValue) from \(files)\(snapshot)")
        }
        switch config.provider {
        case .outbox(let dir): print("  provider   outbox \(dir)")
        case .command(let command):
            print("  provider   command \(command.argv[0]) (\(command.argv.count - 1) arguments), timeout \(DurationText.format(command.timeout))")
        case .smpp(let smpp):
            // The password is a credential: named here, never read or shown.
            print("  provider   smpp \(smpp.host):\(smpp.port) as \(smpp.systemID) (\(smpp.bind)), window \(smpp.window), password from credential \(smpp.passwordCredential)")
        }
    }
}
