import ArgumentParser
import Foundation
import RemindAssembly
import RemindConfig
import RemindCore
import RemindInbox
import RemindText

struct CheckConfig: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Validate the configuration and the templates as remindd would; non-zero exit on any problem.")

    @OptionGroup var global: GlobalOptions

    func run() throws {
        // The daemon's own verdict and build (start and reload): they cannot disagree.
        let assembly = try global.loadAssembly()
        let config = assembly.config
        let templateCount = assembly.templates.names.count
        print("\(global.config): OK")
        print("  practice   \(config.practice.name.isEmpty ? "(no name)" : config.practice.name), \(config.practice.timeZone.identifier)")
        print("  spool      \(config.spool.root) (inbox \(config.inboxDirectory))")
        print("  templates  \(templateCount) in \(config.text.directory)")
        print("  schedule   lead \(DurationText.format(config.schedule.lead)), one message every \(DurationText.format(config.schedule.stagger))")
        print("  windows    \(config.schedule.windows.map(\.description).joined(separator: ", "))")
        for source in config.allSources {
            let files = source.subdirectory.map { "inbox/\($0)/" } ?? (source.patterns.isEmpty ? nil : "files matching \(source.patterns.joined(separator: " or "))") ?? "the inbox"
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
        case .http(let h):
            // Secrets are credentials: named here, never read or shown. The URL is shown
            // without its query (a REST template may carry a key there).
            let target = h.kannel?.url ?? h.rest?.url ?? ""
            let shown = target.split(separator: "?", maxSplits: 1).first.map(String.init) ?? target
            var line = "  provider   \(config.provider.name) \(shown), concurrency \(h.concurrency)"
            if let k = h.kannel { line += ", as \(k.username), password from credential \(k.passwordCredential)" }
            if let r = h.rest, !r.secretCredentials.isEmpty { line += ", secrets from credentials \(r.secretCredentials.values.sorted().joined(separator: ", "))" }
            if h.receipts { line += ", receipts to \(h.callbackURL ?? "?")" }
            if let proxy = h.proxyAddress { line += ", via proxy \(proxy.host):\(proxy.port)" + (h.proxyUser.map { " as \($0)" } ?? "") }
            print(line)
        }
    }
}
