public import Foundation
public import RemindCore
public import RemindInbox
public import RemindRecipients
public import RemindSchedule
public import RemindSpool
public import RemindText

/// Everything remindd reads from its configuration file, validated.
public struct Configuration: Sendable, Hashable {
    public var file: String
    public var practice: Practice
    public var spool: SpoolSettings
    public var input: InputSettings
    /// `[templates]`: the templates directory and the text room's own values.
    public var text: Templates
    public var schedule: ScheduleSettings
    public var provider: ProviderSettings
    /// `type = "outbox"`: how files are named and written (smstools3's, or gammu-smsd's files backend).
    public var outboxFormat = OutboxFormat()
    public var control: ControlSettings
    public var log: LogSettings
    public var recipients: RecipientSettings = .init()
    /// `[[source]]`: the inputs besides the default appointment source of `[input]`.
    public var sources: [Source] = []
    /// `[inbox]`: settle time and size limit.
    public var inbox: InboxSettings = .init()

    /// The practice: its name and phone for templates, its time zone and locale.
    public struct Practice: Sendable, Hashable {
        public init() {}
        public var name: String = ""
        public var phone: String = ""
        public var timeZone: TimeZone = TimeZone(identifier: "UTC")!
        public var locale: String = "en_AU"
        /// The alphanumeric sender patients see (at most 11 GSM-7 characters), or a number;
        /// nil leaves it to the gateway.
        public var sender: String?
        /// The region numbers without a country code are dialled in: ISO 3166 alpha-2,
        /// one libphonenumber supports (`AU`, `GB`, `NZ`, `DE`, `US` …).
        public var region: String = "AU"
    }

    public struct SpoolSettings: Sendable, Hashable {
        public init() {}
        public var root: String = "/var/spool/remindd"
        /// Where practice systems drop files; `<root>/inbox` unless set.
        public var inbox: String?
        /// What start-up does with messages found in flight: `hold` (to `uncertain/`) or `resend`.
        public var interrupted: InterruptedPolicy = .hold
        /// How long final messages (sent, delivered, failed, expired, cancelled) and
        /// archived or rejected inputs are kept before they are pruned.
        public var retention: Duration = .seconds(30 * 86400)
    }

    /// How the inbox's CSV appointment exports are read.
    public struct InputSettings: Sendable, Hashable {
        public init() {}
        /// The source's name: part of every message's key, so it must stay stable.
        public var source: String = "practice"
        /// Pattern of a single start column (date and time); nil keeps the built-in ones.
        public var startFormat: DateTimePattern?
        /// Pattern of a separate date column (`dd/MM/yyyy`); nil keeps the built-in ones.
        public var dateFormat: DateTimePattern?
        /// Pattern of a separate time column (`h:mm a`); nil keeps the built-in ones.
        public var timeFormat: DateTimePattern?
        /// `,`, `;` or tab; nil (`auto`) sniffs it from the header.
        public var delimiter: CSVDelimiter?
        /// `auto` (UTF-8 if valid, else CP1252; a BOM decides for UTF-16), or a forced encoding.
        public var encoding: InputEncoding = .auto
        /// remindd field → the export's header name, overriding the built-in aliases.
        public var columns: [String: String] = [:]
        /// HL7: the component of AIL-3 (PL) that names the location: 1 (point of care, the
        /// default) or 4 (facility), for systems that put the site's name in AIL-3.4.
        public var locationComponent: Int = 1
        /// The exporter's status words mapped to remindd's (`"Out of Reach" = "unreachable"`).
        public var statusMap: [String: String] = [:]
        /// Only appointments with these statuses are reminded.
        public var statuses: [String] = ["scheduled", "confirmed", "unreachable"]
        /// Statuses that withdraw a pending reminder.
        public var withdrawStatuses: [String] = ["cancelled", "deleted", "noshow", "no-show", "attended"]
    }

    /// `[templates]`: where the templates are, and RemindText's own values read onto from
    /// the section's keys (no copy of them: the text room validates and uses these).
    public struct Templates: Sendable, Hashable {
        public init() {}
        /// The templates directory (`directory`).
        public var directory: String = "/etc/remindd/templates"
        /// Limits and options of rendering: the clinic CMS's defaults, with `max_length`,
        /// `max_segments`, `transliterate` and `field_limits` over them.
        public var settings = TextSettings()
        /// The date elements' patterns (`date_format`, `time_format`, `weekday_format`,
        /// `datetime_format`).
        public var dateFormats = DateFormats()
        /// Extra source columns templates may name, by element name (a column's header
        /// lowercased, with every run of other characters than letters and digits as `_`).
        /// `reason` (a recall's reason) and `gender` are always there.
        public var extraElements: Set<String> = Self.standardExtraElements
        /// The extra elements every configuration has: what the list kinds fill in.
        public static let standardExtraElements: Set<String> = ["reason", "gender"]
    }

    /// One reminder of an appointment: a stable name (part of the message key) and when.
    public struct Reminder: Sendable, Hashable {
        public var name: String
        public var rule: ReminderRule

        public init(name: String, rule: ReminderRule) {
            self.name = name
            self.rule = rule
        }
    }

    public struct ScheduleSettings: Sendable, Hashable {
        public init() {}
        /// Reminders are due this long before the appointment (the single reminder
        /// `reminder` when `reminders` is not set).
        public var lead: Duration = .seconds(86400)
        /// Several reminders per appointment, each its own message (overrides `lead`).
        public var reminders: [Reminder]?

        /// The reminders in force: `reminders`, or one named `reminder` at `lead`.
        public var effectiveReminders: [Reminder] {
            reminders ?? [Reminder(name: "reminder", rule: .before(lead))]
        }
        /// At most one release every `stagger`; zero sends at once.
        public var stagger: Duration = .seconds(60)
        public var windows: [DeliveryWindow] = (1...5).map { DeliveryWindow(weekday: $0, startMinute: 9 * 60, endMinute: 17 * 60) }
        /// Warn when the backlog would take longer than this to drain.
        public var drainWarning: Duration = .seconds(2 * 86400)
        /// The holiday file `closed_dates` names (absolute), if any; read with the
        /// configuration, so at start and on every reload.
        public var closedDatesFile: String?
        /// The local dates on which no window opens, as read from `closedDatesFile`.
        public var closedDates: Set<LocalDate> = []
    }

    /// `[provider]`: where released messages go (`type`, default `outbox`).
    public enum ProviderSettings: Sendable, Hashable {
        /// smstools3 outgoing files in `directory`.
        case outbox(directory: String)
        /// A command run per message: the text on stdin, exit codes mapped to results.
        case command(CommandSettings)
        /// An SMSC spoken to over SMPP 3.4.
        case smpp(SMPPSettings)
        /// Kannel's sendsms (`type = "kannel"`) or a templated REST request (`type = "http"`).
        case http(HTTPGatewayConfig)

        /// The provider's name in logs and history (`outbox`, `command`, `smpp`, `kannel`, `http`).
        public var name: String {
            switch self {
            case .outbox: "outbox"
            case .command: "command"
            case .smpp: "smpp"
            case .http(let h): h.kannel != nil ? "kannel" : "http"
            }
        }
    }

    /// `[provider] type = "smpp"`: the SMSC, the account and the link's pace. The password
    /// is not here: it is the systemd credential named ``passwordCredential``.
    public struct SMPPSettings: Sendable, Hashable {
        public var host: String
        public var port: Int = 2775
        /// TLS to the SMSC, its certificate verified (chain and host name).
        public var tls: Bool = false
        /// PEM CA certificates to verify the SMSC's certificate with (default: the system's).
        public var tlsCAFile: String?
        public var systemID: String
        /// The credential (in `$CREDENTIALS_DIRECTORY`, from `LoadCredential=`) holding the password.
        public var passwordCredential: String = "smpp-password"
        public var systemType: String = ""
        /// `transceiver` (receipts and replies on the same link), `transmitter` (send only) or
        /// `transmitter+receiver` (two links: submits on one, receipts and replies on the other).
        public var bind: String = "transceiver"
        public var addressRange: String = ""
        /// The sender: alphanumeric (TON 5, NPI 0) or a number (TON 1, NPI 1) unless overridden.
        public var source: String
        public var sourceTON: Int?
        public var sourceNPI: Int?
        public var serviceType: String = ""
        /// submit_sm outstanding at once.
        public var window: Int = 10
        /// submit_sm per second on the link at most (nil: only the window limits).
        public var throughput: Double?
        public var enquireLink: Duration = .seconds(30)
        public var responseTimeout: Duration = .seconds(10)
        public var reconnectMin: Duration = .seconds(1)
        public var reconnectMax: Duration = .seconds(60)
        /// The wait before binding again after the SMSC refused the credentials.
        public var refusedRetry: Duration = .seconds(300)
        /// registered_delivery: ask the SMSC for delivery receipts.
        public var receipts: Bool = true
        /// `gsm7` (data_coding 0) or `latin1` (data_coding 3) for GSM-7 text.
        public var charset: String = "gsm7"
        /// `udh`, `sar` or `payload`.
        public var longMessages: String = "udh"
        /// Kannel's msg-id-type: nil as they are; bit 0 submit_sm_resp ids are hex, bit 1 receipt ids are hex.
        public var messageIDType: Int?

        public init(host: String, systemID: String, source: String) {
            self.host = host
            self.systemID = systemID
            self.source = source
        }
    }

    /// `[provider] type = "outbox"`: `naming = "smstools"` (default) or `"gammu"`, and for
    /// gammu the text's encoding, as gammu-smsd's `OutboxFormat`: `unicode` (UTF-16LE with a
    /// byte order mark) or `standard` (the system charset: UTF-8).
    public struct OutboxFormat: Sendable, Hashable {
        public var naming: String = "smstools"
        public var gammuFormat: String = "unicode"
        public init() {}
    }

    /// `[provider] type = "kannel"` or `type = "http"`: an HTTP gateway. Secrets are not here:
    /// they are systemd credentials named by the `*_credential` keys.
    public struct HTTPGatewayConfig: Sendable, Hashable {
        /// `type = "kannel"`: smsbox's sendsms.
        public struct Kannel: Sendable, Hashable {
            public var url: String
            public var username: String
            public var passwordCredential: String = "kannel-password"
            public var from: String
            public var dlrMask: Int = 3
            /// Extra sendsms parameters, sorted by name.
            public var parameters: [String: String] = [:]

            public init(url: String, username: String, from: String) {
                self.url = url
                self.username = username
                self.from = from
            }
        }

        /// `type = "http"`: a request from Mustache templates, an answer read by rules.
        public struct REST: Sendable, Hashable {
            public var method: String = "POST"
            public var url: String
            public var headers: [String: String] = [:]
            public var body: String?
            /// `json`, `form` or `text`.
            public var bodyEncoding: String = "json"
            /// Template value name → credential name (`{ token = "sms-api-token" }`).
            public var secretCredentials: [String: String] = [:]
            public var messageIDPointer: String?
            public var messageIDRegex: String?
            public var errorPointer: String?
            public var errorRegex: String?
            public var temporaryStatuses: [Int] = []
            public var permanentStatuses: [Int] = []
            public var temporaryErrors: [String] = []
            public var permanentErrors: [String] = []

            public init(url: String) { self.url = url }
        }

        /// Exactly one of these is set.
        public var kannel: Kannel?
        public var rest: REST?
        public var concurrency: Int = 4
        public var connectTimeout: Duration = .seconds(5)
        public var requestTimeout: Duration = .seconds(20)
        /// Ask for receipts (Kannel's dlr-url; `{{callback_url}}` for REST).
        public var receipts: Bool = false
        /// The callback listener as the gateway reaches it (`http://127.0.0.1:8025`), for receipts.
        public var callbackURL: String?
        /// The credential holding the key of the receipts' tokens and the replies' shared secret.
        public var callbackSecretCredential: String = "callback-secret"
        /// An HTTP proxy `http://host:port`, and who we are to it.
        public var proxy: String?
        public var proxyUser: String?
        public var proxyPasswordCredential: String = "proxy-password"
        public var noProxy: [String] = []
        /// PEM CA certificates for an HTTPS gateway (default: the system's trust store).
        public var tlsCAFile: String?
        /// The callback listener (off when nil): `127.0.0.1:8025`, `[::1]:8025` or `unix:/run/remindd/callbacks.sock`.
        public var listen: String?
        public var listenMaxBytes: Int = 16 << 10
        public var listenTimeout: Duration = .seconds(10)
        /// REST webhooks: where a receipt's status and a reply's sender and text are (JSON pointers).
        public var receiptStatusPointer: String = "/status"
        public var receiptDelivered: [String] = ["delivered", "DELIVRD"]
        public var receiptFailed: [String] = ["failed", "undeliverable", "UNDELIV", "REJECTD", "EXPIRED"]
        public var replyFromPointer: String = "/from"
        public var replyTextPointer: String = "/text"
        /// The balance request (a Mustache template with the secrets; GET, with `headers`) and
        /// where the number is in its JSON answer.
        public var balanceURL: String?
        public var balancePointer: String?
        /// Below this, a journal warning and a STATUS note (the daemon never stops sending for it).
        public var lowBalance: Double?
        /// The balance is checked at start, hourly, and after every this many sends.
        public var balanceCheckEvery: Int = 100
        /// What one SMS segment costs, for `remindctl stats` (per provider).
        public var pricePerSegment: Double?

        public init(kannel: Kannel) { self.kannel = kannel }

        /// Whether remindd hears from the gateway (receipts asked for, or a listener on).
        public var reportsEvents: Bool { receipts || listen != nil }
        public init(rest: REST) { self.rest = rest }

        /// The proxy's host and port, when `proxy` is set and well formed (checked at load).
        public var proxyAddress: (host: String, port: Int)? {
            guard let proxy, let url = URL(string: proxy), let host = url.host else { return nil }
            return (host, url.port ?? 3128)
        }
    }

    /// `[provider] type = "command"`: the command and how its answers are read.
    public struct CommandSettings: Sendable, Hashable {
        /// The command: an absolute path, then its arguments (no shell, no placeholders).
        public var argv: [String]
        /// Over this the command is killed (SIGTERM, SIGKILL 5 s later) and the message is uncertain.
        public var timeout: Duration = .seconds(20)
        /// Exit codes that mean "try again later" (default 75, EX_TEMPFAIL); others but 0 are permanent.
        public var temporaryExitCodes: [Int] = [75]
        /// What `remindctl test-provider` runs to check the gateway, if anything.
        public var testArgv: [String]?

        public init(argv: [String], timeout: Duration = .seconds(20), temporaryExitCodes: [Int] = [75], testArgv: [String]? = nil) {
            self.argv = argv
            self.timeout = timeout
            self.temporaryExitCodes = temporaryExitCodes
            self.testArgv = testArgv
        }
    }

    /// Who messages go to: which columns hold numbers, which kinds of number are texted,
    /// and the words of an opt-out reply.
    public struct RecipientSettings: Sendable, Hashable {
        public init() {}
        /// Columns tried in order for a number to text (`phone` is the mapped phone column).
        public var fields = PhoneFields()
        /// The kinds of number texted.
        public var types: Set<PhoneNumberType> = PhoneNumberType.textedByDefault
        /// Replies that opt their sender out (providers that report replies use them).
        public var optOutKeywords = OptOutKeywords()
        /// At most this many messages per number per practice-local day (see
        /// `DailyRecipientLimit` for the rule); 0: no limit.
        public var dailyLimit: Int = 0
    }

    public struct ControlSettings: Sendable, Hashable {
        public init() {}
        /// The control socket. Unless the file sets it: `$RUNTIME_DIRECTORY/control.sock`
        /// when systemd gives the process a runtime directory (`RuntimeDirectory=`, so each
        /// `remindd@INSTANCE` gets its own), else `/run/remindd/control.sock`.
        public var socket: String = ControlSettings.defaultSocket(
            runtimeDirectory: ProcessInfo.processInfo.environment["RUNTIME_DIRECTORY"])

        /// The default control socket for a `$RUNTIME_DIRECTORY` value (nil or empty when
        /// unset). systemd separates several runtime directories with `:`; the first is used.
        public static func defaultSocket(runtimeDirectory: String?) -> String {
            guard let first = runtimeDirectory?.split(separator: ":").first, first.hasPrefix("/") else {
                return "/run/remindd/control.sock"
            }
            return (first.hasSuffix("/") ? String(first.dropLast()) : String(first)) + "/control.sock"
        }
    }

    public struct LogSettings: Sendable, Hashable {
        public init() {}
        /// `debug`, `info`, `notice`, `warning`, `error`.
        public var level: String = "info"
        /// `auto`, `journal` or `console`.
        public var target: String = "auto"
    }

    public var inboxDirectory: String { spool.inbox ?? spool.root + "/inbox" }
}
