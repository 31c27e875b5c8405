import Foundation
import RemindAssembly
import Logging
import RemindConfig
import RemindCore
import RemindSMPP
import RemindSchedule
import RemindSpool
import SystemdKit

/// Why the SMPP provider cannot be set up (the credential's name and path, never its value).
struct SMPPSetupError: Error, CustomStringConvertible {
    var description: String
}

extension Daemon {
    /// The SMPP provider for `[provider] type = "smpp"`, with the password read from the
    /// systemd credential the configuration names.
    static func makeSMPPProvider(_ s: Configuration.SMPPSettings, spool: SpoolPaths, logger: Logger) throws -> SMPPProvider {
        let password = try smppPassword(s.passwordCredential)
        guard let text = String(validating: password, as: UTF8.self), !text.isEmpty else {
            throw SMPPSetupError(description: "credential \"\(s.passwordCredential)\" is empty or not UTF-8")
        }
        guard text.utf8.count <= 8 else {
            throw SMPPSetupError(description: "credential \"\(s.passwordCredential)\" is longer than the 8 characters an SMPP 3.4 password can have")
        }
        var settings = smppSettings(s, password: text)
        settings.replyParts = ReplyPartStore(directory: spool.smppReplyParts)
        if s.tls {
            do { settings.tls = try SMPPProvider.Settings.tlsContext(caFile: s.tlsCAFile) } catch {
                throw SMPPSetupError(description: "cannot set up TLS to the SMSC\(s.tlsCAFile.map { " with \($0)" } ?? ""): \(error)")
            }
        }
        return SMPPProvider(settings: settings, clock: SystemClock(), sleeper: try WallClockSleeper(), logger: logger)
    }

    /// The password's bytes (a trailing newline dropped) from the credential the shipped unit
    /// loads, `remindd_NAME` (`LoadCredential=remindd:/etc/remindd/credentials`, the file
    /// /etc/remindd/credentials/NAME), or else `NAME` (`LoadCredential=NAME:PATH`).
    static func smppPassword(_ name: String) throws -> [UInt8] {
        let credentials = try Credentials()
        var password: [UInt8]
        do {
            password = try credentials.bytes("remindd_" + name)
        } catch let error as SystemdError where error.code == .credentialMissing {
            do { password = try credentials.bytes(name) } catch let plain as SystemdError where plain.code == .credentialMissing {
                throw SMPPSetupError(description: "no credential remindd_\(name) or \(name) in $CREDENTIALS_DIRECTORY: put the password in /etc/remindd/credentials/\(name) (the unit loads that directory)")
            }
        }
        while let last = password.last, last == 0x0A || last == 0x0D { password.removeLast() }
        return password
    }

    /// The provider's settings from the configuration (the one place that maps them).
    static func smppSettings(_ s: Configuration.SMPPSettings, password: String) -> SMPPProvider.Settings {
        func seconds(_ d: Duration) -> TimeInterval {
            let c = d.components
            return TimeInterval(c.seconds) + TimeInterval(c.attoseconds) / 1e18
        }
        var source = Address.sender(s.source)
        if let ton = s.sourceTON { source.ton = UInt8(ton) }
        if let npi = s.sourceNPI { source.npi = UInt8(npi) }
        // transmitter+receiver: the session's link binds as transmitter, a second as receiver.
        let bind = BindRequest(mode: s.bind == "transceiver" ? .transceiver : .transmitter, systemID: s.systemID, password: password,
                               systemType: s.systemType, addressRange: Address(ton: 0, npi: 0, s.addressRange))
        var session = SMPPSession.Configuration(bind: bind)
        session.window = s.window
        session.throughput = s.throughput
        session.enquireLinkInterval = seconds(s.enquireLink)
        session.responseTimeout = seconds(s.responseTimeout)
        session.reconnectInitial = seconds(s.reconnectMin)
        session.reconnectMaximum = seconds(s.reconnectMax)
        session.refusedRetry = seconds(s.refusedRetry)
        var submit = SubmitOptions(source: source, serviceType: s.serviceType, receipts: s.receipts && s.bind != "transmitter",
                                   longMessages: SubmitOptions.LongMessages(rawValue: s.longMessages) ?? .udh,
                                   charset: SubmitOptions.Charset(rawValue: s.charset) ?? .gsm7)
        submit.messageIDType = s.messageIDType
        var settings = SMPPProvider.Settings(host: s.host, port: s.port, session: session, submit: submit)
        settings.receiverLink = s.bind == "transmitter+receiver"
        return settings
    }
}

extension Daemon {
    /// `remindd --test-provider` (what `remindctl test-provider` runs for SMPP, as remindctl
    /// links no SMPP code): binds with the configured account and the password credential,
    /// times one enquire_link, unbinds; sends no SMS. Prints one line per step; returns 0
    /// (OK), 69 (the SMSC refused or did not answer) or 78 (configuration or credential).
    public static func testProvider(configPath: String) async -> Int32 {
        let config: Configuration
        do { config = try Assembly.load(configPath: configPath).config } catch {
            print("FAILED: \(error)")
            return 78
        }
        if case .http(let h) = config.provider { return await testHTTPProvider(h, name: config.provider.name) }
        guard case .smpp(let s) = config.provider else {
            print("provider \(config.provider.name): remindctl test-provider checks it; remindd --test-provider is for SMPP and HTTP gateways")
            return 78
        }
        print("provider smpp \(s.host):\(s.port)\(s.tls ? " (TLS)" : "") as \(s.systemID), bind \(s.bind)")
        let settings: SMPPProvider.Settings
        do {
            let password = try smppPassword(s.passwordCredential)
            var built = smppSettings(s, password: String(decoding: password, as: UTF8.self))
            if s.tls { built.tls = try SMPPProvider.Settings.tlsContext(caFile: s.tlsCAFile) }
            settings = built
        } catch {
            print("FAILED: \(error) (remindctl test-provider, run as root, reads it from /etc/remindd/credentials as the unit loads it, or --credentials DIR)")
            return 78
        }
        // transmitter+receiver: both links are checked, the transmitter first.
        var links = [(settings.receiverLink ? "transmitter: " : "", settings)]
        if settings.receiverLink {
            var receiver = settings
            receiver.session.bind.mode = .receiver
            links.append(("receiver: ", receiver))
        }
        for (label, link) in links {
            do throws(SMPPProbe.Failure) {
                let report = try await SMPPProbe.run(link)
                let c = report.roundTrip.components
                let ms = Double(c.seconds) * 1000 + Double(c.attoseconds) / 1e15
                print(String(format: "OK: %@bound to %@, enquire_link answered in %.1f ms, unbound; no SMS sent", label, report.smscSystemID, ms))
            } catch {
                print("FAILED: \(label)\(error)")
                return 69
            }
        }
        return 0
    }
}
