import Foundation
import RemindConfig
import Testing

@Suite struct SMPPProviderConfigTests: ProviderTable {
    static let minimal = """
        type = "smpp"
        host = "smsc.example.net"
        system_id = "practice1"
        source = "SmileDental"
        """

    @Test func defaults() throws {
        let c = try parse(Self.minimal)
        guard case .smpp(let s) = c.provider else {
            Issue.record("\(c.provider)")
            return
        }
        #expect(c.provider.name == "smpp")
        #expect(s.port == 2775 && !s.tls && s.bind == "transceiver" && s.window == 10 && s.throughput == nil)
        #expect(s.passwordCredential == "smpp-password")
        #expect(s.enquireLink == .seconds(30) && s.responseTimeout == .seconds(10) && s.refusedRetry == .seconds(300))
        #expect(s.receipts && s.charset == "gsm7" && s.longMessages == "udh")
    }

    /// Two links (bind_transmitter and bind_receiver), and the daemon's settings for them.
    @Test func transmitterPlusReceiverIsAccepted() throws {
        let c = try parse(Self.minimal + "\nbind = \"transmitter+receiver\"\n")
        guard case .smpp(let s) = c.provider else {
            Issue.record("\(c.provider)")
            return
        }
        #expect(s.bind == "transmitter+receiver")
    }

    @Test func everySetting() throws {
        let c = try parse(Self.minimal + """

            port = 3775
            tls = true
            tls_ca_file = "/etc/remindd/smsc-ca.pem"
            password_credential = "smsc-pw"
            system_type = "remindd"
            bind = "transmitter"
            address_range = "^614"
            source_ton = 1
            source_npi = 1
            service_type = "CMT"
            window = 50
            throughput = 12.5
            enquire_link = "45s"
            response_timeout = "5s"
            reconnect_min = "2s"
            reconnect_max = "5m"
            refused_retry = "10m"
            receipts = false
            charset = "latin1"
            long_messages = "sar"
            message_id_type = 1
            """)
        guard case .smpp(let s) = c.provider else {
            Issue.record("\(c.provider)")
            return
        }
        #expect(s.tls && s.tlsCAFile == "/etc/remindd/smsc-ca.pem")
        #expect(s.port == 3775 && s.passwordCredential == "smsc-pw" && s.systemType == "remindd" && s.bind == "transmitter")
        #expect(s.addressRange == "^614" && s.sourceTON == 1 && s.sourceNPI == 1 && s.serviceType == "CMT")
        #expect(s.window == 50 && s.throughput == 12.5)
        #expect(s.enquireLink == .seconds(45) && s.responseTimeout == .seconds(5) && s.reconnectMin == .seconds(2))
        #expect(s.reconnectMax == .seconds(300) && s.refusedRetry == .seconds(600))
        #expect(!s.receipts && s.charset == "latin1" && s.longMessages == "sar" && s.messageIDType == 1)
    }

    @Test(arguments: [
        ("type = \"smpp\"", "provider.host: required"),
        (minimal + "\npassword = \"hunter2\"", "provider.password: a password is never kept in the configuration"),
        (minimal + "\nport = 0", "provider.port: 0 is out of range"),
        (minimal + "\ntls_ca_file = \"/etc/ssl/smsc.pem\"", "provider.tls_ca_file: only with tls = true"),
        (minimal + "\nbind = \"receiver\"", "provider.bind: must be transceiver, transmitter or transmitter+receiver"),
        (minimal + "\nwindow = 0", "provider.window: 0 is out of range"),
        (minimal + "\nthroughput = -1", "provider.throughput: must be a number"),
        (minimal + "\nenquire_link = \"0\"", "provider.enquire_link: must be a positive duration"),
        (minimal + "\nrefused_retry = \"5s\"", "provider.refused_retry: must be at least 1m"),
        (minimal + "\ncharset = \"utf8\"", "provider.charset: must be gsm7"),
        (minimal + "\nmessage_id_type = 4", "provider.message_id_type: 4 is out of range 0…3"),
        (minimal + "\nlong_messages = \"split\"", "provider.long_messages: must be udh, sar or payload"),
        (minimal + "\npassword_credential = \"../etc/shadow\"", "provider.password_credential: must be a credential name"),
        (minimal.replacingOccurrences(of: "practice1", with: "a-very-long-system-id"), "provider.system_id: must be 1 to 15 characters"),
        (minimal.replacingOccurrences(of: "SmileDental", with: "SmileDentalClinic"), "provider.source: 'SmileDentalClinic' is longer than the 11 characters"),
        ("type = \"outbox\"\nwindow = 5", "provider.window: not a key of type = \"outbox\""),
    ])
    func badSettingsNameTheKey(_ toml: String, _ expected: String) {
        let found = problems(toml)
        #expect(found.contains { $0.contains(expected) }, "\(found)")
    }

    @Test func thePasswordIsNeverInTheProblems() {
        #expect(!problems(Self.minimal + "\npassword = \"hunter2\"").joined().contains("hunter2"))
    }
}
