import Foundation
import RemindConfig
import Testing

/// The control socket defaults to `$RUNTIME_DIRECTORY/control.sock`, so every
/// `remindd@INSTANCE` (RuntimeDirectory=remindd/%i) gets its own without configuring it.
@Suite struct ControlSocketDefaultTests {
    @Test(arguments: [
        (nil, "/run/remindd/control.sock"),
        ("", "/run/remindd/control.sock"),
        ("relative/dir", "/run/remindd/control.sock"),
        ("/run/remindd/clinic", "/run/remindd/clinic/control.sock"),
        ("/run/remindd/clinic/", "/run/remindd/clinic/control.sock"),
        ("/run/remindd/a:/run/other", "/run/remindd/a/control.sock"),
    ] as [(String?, String)])
    func defaultFollowsTheRuntimeDirectory(runtimeDirectory: String?, expected: String) {
        #expect(Configuration.ControlSettings.defaultSocket(runtimeDirectory: runtimeDirectory) == expected)
    }

    @Test func anExplicitSocketWins() throws {
        let c = try Configuration.parse("""
            [practice]
            time_zone = "UTC"
            [control]
            socket = "/srv/remindd.sock"
            """, file: "/etc/remindd/remindd.toml")
        #expect(c.control.socket == "/srv/remindd.sock")
    }

    @Test func withoutTheKeyTheDefaultApplies() throws {
        let c = try Configuration.parse("[practice]\ntime_zone = \"UTC\"\n", file: "/etc/remindd/remindd.toml")
        let expected = Configuration.ControlSettings.defaultSocket(
            runtimeDirectory: ProcessInfo.processInfo.environment["RUNTIME_DIRECTORY"])
        #expect(c.control.socket == expected)
    }
}
