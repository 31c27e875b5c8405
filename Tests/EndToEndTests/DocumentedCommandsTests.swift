import Foundation
import RemindTesting
import SandboxSupport
import Testing

/// Every `remindctl` and `remindd` command line README.md and the man pages show runs as
/// written (issue #14): the lines are parsed out of the documents (fenced code blocks,
/// `$ ` examples in the man pages' `.nf` blocks, and inline code that carries options),
/// placeholders filled in (message ids with real ones, `FILE`/`export.csv` with a sample
/// export, `/etc/remindd/…` paths with a scratch configuration and socket, `[…]` options
/// kept, `a|b` alternatives each run), and each run against a daemon the test starts.
@Suite(.serialized) struct DocumentedCommandsTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..").standardizedFileURL.path
    static let documents = ["README.md", "docs/man/remindctl.1", "docs/man/remindd.8", "docs/man/remindd.toml.5"]

    /// A document's command lines, as written (roff escapes undone, comments cut).
    static func commandLines(in document: String) throws -> [String] {
        let text = try String(contentsOfFile: repository + "/" + document, encoding: .utf8)
        var out: [String] = []
        var inBlock = false
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = String(raw)
            if document.hasSuffix(".md") {
                if line.hasPrefix("```") { inBlock.toggle(); continue }
                if !inBlock {
                    // Inline code that carries options is a command line too.
                    for span in line.split(separator: "`").enumerated() where span.offset % 2 == 1 {
                        let s = span.element.trimmingCharacters(in: .whitespaces)
                        if (s.hasPrefix("remindctl ") || s.hasPrefix("remindd ")) && s.contains(" --") { out.append(s) }
                    }
                    continue
                }
            } else {
                if line.hasPrefix(".nf") { inBlock = true; continue }
                if line.hasPrefix(".fi") { inBlock = false; continue }
                // Only the prompted lines: the others are the output the example shows.
                guard inBlock, line.hasPrefix("$ ") else { continue }
                line = line.replacingOccurrences(of: "\\-", with: "-").replacingOccurrences(of: "\\&", with: "")
            }
            if line.hasPrefix("$ ") { line.removeFirst(2) }
            line = line.trimmingCharacters(in: .whitespaces)
            // `.build/debug/remindctl …` (the README's first steps) is remindctl too.
            if let first = line.split(separator: " ").first, first.contains("/"),
                let program = first.split(separator: "/").last, program == "remindctl" || program == "remindd"
            {
                line = String(program) + line.dropFirst(first.count)
            }
            guard line.hasPrefix("remindctl ") || line.hasPrefix("remindd ") || line == "remindctl" else { continue }
            if let hash = line.range(of: " #") { line = String(line[..<hash.lowerBound]).trimmingCharacters(in: .whitespaces) }
            out.append(line)
        }
        return out
    }

    /// Words, with double quotes grouping.
    static func words(_ line: String) -> [String] {
        var out: [String] = []
        var current = ""
        var quoted = false
        var has = false
        for c in line {
            if c == "\"" { quoted.toggle(); has = true; continue }
            if c == " " && !quoted {
                if has { out.append(current) }
                current = ""
                has = false
                continue
            }
            current.append(c)
            has = true
        }
        if has { out.append(current) }
        return out
    }

    /// `[--opt x]` kept as `--opt x`; `a|b|c` as three lines.
    static func expand(_ line: String) -> [[String]] {
        let plain = line.replacingOccurrences(of: "[", with: "").replacingOccurrences(of: "]", with: "")
        var lines: [[String]] = [[]]
        for word in words(plain) where word != "..." {
            let choices = word.contains("|") ? word.split(separator: "|").map(String.init) : [word]
            lines = choices.count == 1 ? lines.map { $0 + choices } : choices.flatMap { c in lines.map { $0 + [c] } }
        }
        return lines
    }

    @Test func everyDocumentedCommandLineRuns() async throws {
        var lines: [(document: String, line: String)] = []
        for document in Self.documents {
            for line in try Self.commandLines(in: document) { lines.append((document, line)) }
        }
        #expect(lines.count >= 25, "too few command lines found: \(lines.map(\.line))")
        // The README's quick reference and the man page's examples are among them.
        for known in [
            "remindctl --config .run/remindd.toml status", "remindctl check-config", "remindctl optout remove 0412345678",
            "remindctl queue --state queued held",
        ] {
            #expect(lines.contains { $0.line.hasPrefix(known) }, "\(known) was not found")
        }

        let d = try HostDaemon(label: "documented")
        defer { d.cleanUp() }
        let socket = d.root + "/control.sock"
        let far = Date().addingTimeInterval(5 * 86400)
        try d.dropExport("a.csv", count: 40, start: far)
        let sample = d.root + "/export.csv"
        try "AppointmentID,FirstName,Mobile,Date,Time\nS-1,Ann,0412 345 678,2031-03-05,09:00\n"
            .write(toFile: sample, atomically: true, encoding: .utf8)
        let daemon = try d.launch()
        defer { daemon.terminate() }
        #expect(try await HostDaemon.waitUntil(timeout: .seconds(60)) {
            FileManager.default.fileExists(atPath: socket) && SpoolListing.messages(root: d.spool, state: "queued").count == 40
        }, "the daemon did not queue the export: \(d.log().suffix(2000))")
        var ids = SpoolListing.messages(root: d.spool, state: "queued").map(\.id).sorted()

        var failures: [String] = []
        var ran = 0
        for (document, line) in lines {
            for var args in Self.expand(line) {
                let program = args.removeFirst()
                // Each documented message id stands for a fresh queued message (release one
                // held first), so `cancel` then `retry` do not meet a cancelled one.
                var held: String?
                for i in args.indices {
                    switch args[i] {
                    case let a where a == "ID" || (a.count == 16 && a.allSatisfy(\.isHexDigit)):
                        args[i] = ids.removeFirst()
                        if args.first == "release" { held = args[i] }
                    case "FILE", "export.csv": args[i] = sample
                    case "N": args[i] = "5"
                    case "S": args[i] = "practice"
                    default:
                        if args[i].hasSuffix(".toml") { args[i] = d.config }
                        if args[i].hasPrefix("/run/remindd/") { args[i] = socket }
                    }
                }
                if !args.contains("--config") { args += ["--config", d.config] }
                if let held { _ = try await RemindctlTests.remindctl(["hold", held, "--config", d.config]) }
                let result = try await Self.run(program, args)
                ran += 1
                if result.status != 0 {
                    failures.append("\(document): \(line)\n  ran: \(program) \(args.joined(separator: " "))\n  exit \(result.status): \(result.stderr.prefix(300))")
                }
            }
        }
        #expect(ran >= lines.count)
        #expect(failures.isEmpty, "\(failures.count) documented command lines fail:\n\(failures.joined(separator: "\n"))")
    }

    static func run(_ program: String, _ args: [String]) async throws -> RemindctlTests.Output {
        if program == "remindctl" { return try await RemindctlTests.remindctl(args) }
        let r = try await runCommand(try Sandbox.product(program), args)
        return RemindctlTests.Output(status: r.status, stdout: r.stdout, stderr: r.stderr)
    }
}
