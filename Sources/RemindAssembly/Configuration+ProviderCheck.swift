import Foundation
public import RemindConfig

extension Configuration {
    /// What keeps the provider from working, read from the disk: the command of
    /// `type = "command"` (and its `test_argv`) must exist and be executable by this user.
    /// One line each, `FILE: KEY: REASON`; part of ``problems(with:)``.
    public func providerProblems() -> [String] {
        if case .smpp(let smpp) = provider, let ca = smpp.tlsCAFile, !FileManager.default.isReadableFile(atPath: ca) {
            return ["\(file): provider.tls_ca_file: \(ca) does not exist or is not readable by this user"]
        }
        if case .http(let http) = provider, let ca = http.tlsCAFile, !FileManager.default.isReadableFile(atPath: ca) {
            return ["\(file): provider.tls_ca_file: \(ca) does not exist or is not readable by this user"]
        }
        guard case .command(let settings) = provider else { return [] }
        var problems: [String] = []
        for (key, argv) in [("argv", settings.argv), ("test_argv", settings.testArgv)] {
            guard let path = argv?.first else { continue }
            if let reason = Self.executableProblem(path) { problems.append("\(file): provider.\(key)[0]: \(reason)") }
        }
        return problems
    }

    /// Why `path` cannot be run by this user, or nil.
    static func executableProblem(_ path: String) -> String? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return "\(path) does not exist" }
        if isDirectory.boolValue { return "\(path) is a directory, not a command" }
        guard FileManager.default.isExecutableFile(atPath: path) else { return "\(path) is not executable by this user" }
        return nil
    }
}
