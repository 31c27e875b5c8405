/// The journal MESSAGE_ID of each event type remindd logs: fixed 128-bit ids, so
/// `journalctl MESSAGE_ID=…` finds every occurrence and the catalog
/// (`systemd/remindd.catalog`) explains each one for `journalctl -x`.
/// Never change an id once released; add new cases instead.
public enum EventID: String, Sendable, CaseIterable {
    /// Remindd started and recovered its spool; READY=1 sent.
    case started = "f6fadfa7e5c15b629362da5cc13da58a"
    /// Remindd is stopping.
    case stopping = "2c63888f28f004817e6ddce7a7ace732"
    /// The configuration could not be loaded.
    case configInvalid = "8a119b9e16bc17328f7b7676d015b0dc"
    /// Configuration and templates reloaded.
    case reloaded = "bc67ba94637d6efa609e467ada679f81"
    /// Reload failed; the previous configuration stays in force.
    case reloadFailed = "fab36728a78beb7e0787c0de2f960063"
    /// An inbox file was claimed into the spool.
    case inputClaimed = "a712755f6cace4d519d5269512e74f7b"
    /// An inbox file's name could not be used as it was (not valid UTF-8, or too long for
    /// the claim): it was renamed or claimed under a safe name, said here.
    case inputRenamed = "d35f9a6523514405ba891dd8511ce96a"
    /// An inbox file was parsed and its messages queued durably.
    case inputIngested = "ac8efe121c5989f1ba2dde83458bfed0"
    /// One row of an inbox file was rejected.
    case rowRejected = "5796a670482c590e0d9782bfcdc83011"
    /// A whole inbox file was rejected and moved to rejected/.
    case inputRejected = "0b80a25553a12945a93258ef7777682c"
    /// A message was queued.
    case messageQueued = "45ac16b9c20dbc210f8a7abff2e91ac7"
    /// A message was released to the provider.
    case messageReleased = "dd2ee150d2840277789c1af40ce8fcc9"
    /// The provider accepted a message.
    case messageSent = "3c3ae353fb14628e90b401a6c1cc0aff"
    /// A message failed temporarily and will be retried.
    case messageDeferred = "b9c8b9ffe46ed627d419c7723226db94"
    /// A message failed permanently.
    case messageFailed = "bbeeb6361d33bc6d96f0da847a2a3b87"
    /// A message was not sent because its time had passed.
    case messageExpired = "68e58909ccb2b416525a56c9a30f4300"
    /// A message was withdrawn.
    case messageCancelled = "ff53a46f5ead703a84c4b877678537a3"
    /// A message may or may not have been sent: in flight when remindd stopped, or its
    /// provider command killed, timed out or vanished mid-run.
    case messageUncertain = "e179f773a6e0f3c09514b7dde2ad0478"
    /// The delivery provider reported an error.
    case providerError = "0c28cec1b94722af64b936976b4b76b0"
    /// The spool could not be written.
    case spoolError = "a398d022d4351df48322905089933837"
    /// At start: the inbox may not be writable by its documented group (its mode, its
    /// group, or a spool root that does not let the group through), so practice systems
    /// may not be able to drop exports.
    case inboxAccess = "efc285a5d0344e26bba850594ff88859"
    /// Another remindd holds the spool's lock: this one stopped before touching it.
    case spoolLocked = "d2d00e22ca874a7c8e091134b749ee06"
    /// The backlog will take longer than the configured limit to drain.
    case backlogWarning = "4c8b1eb44f1eaccf4372a2a784a67245"
    /// A main loop stopped answering; watchdog pings withheld.
    case watchdogStalled = "ac9130f4547c17d30e3a655f20731ab2"
    /// An operator held a message (`remindctl hold`): it is not released until `remindctl release`.
    case messageHeld = "7e207d55d69c4986ab21e72c2ed8ecc9"
    /// An operator put a message back in the queue (`remindctl release` or `remindctl retry`).
    case messageRequeued = "fe61b13ec5304a3ca3110b6260f6bd01"
    /// A delivery receipt said the handset has the message.
    case messageDelivered = "c6b8bc4ede6f42879f2dd3e4650dbce4"
    /// A delivery receipt said the message will never arrive.
    case messageUndeliverable = "3baefda8add9451c84107b14d43204eb"
    /// A delivery receipt named a reference no message has.
    case receiptUnknown = "6c7804310e634f839ecf7e1be92d54d4"
    /// A patient's reply came through the gateway (and was stored in replies/).
    case replyReceived = "2ff3d4c5f74d4e6f880a18bad44a1d32"
    /// The gateway link went up, down, or was refused.
    case linkChanged = "43b5c5a84b4446ceaf2de9b1bb977acc"
    /// A row's phone field held several numbers; the first acceptable mobile is texted.
    /// An input stays in incoming/ because a row failed for a configuration reason.
    case inputHeld = "91f599471f8d4ca0b0a86b15bcb69eac"
    case severalNumbers = "b4af69b29be148e9be97847a7134aaa2"
    /// The callback listener refused a request without the right token or shared secret.
    case callbackRefused = "5be0a7f4c3d94e1c9a2f6b8d1e3c7a90"
    /// The gateway's balance fell below `low_balance` (or came back above it).
    case lowBalance = "9d41c2e8a6b34f0f8e5d7c1b2a394e6d"

    /// The syslog priority the event is logged at by default.
    public var defaultLevel: String {
        switch self {
        case .started: "info"
        case .stopping: "info"
        case .configInvalid: "err"
        case .reloaded: "info"
        case .reloadFailed: "err"
        case .inputClaimed: "debug"
        case .inputRenamed: "notice"
        case .inputIngested: "info"
        case .rowRejected: "warning"
        case .inputRejected: "warning"
        case .messageQueued: "debug"
        case .messageReleased: "debug"
        case .messageSent: "info"
        case .messageDeferred: "warning"
        case .messageFailed: "err"
        case .messageExpired: "notice"
        case .messageCancelled: "notice"
        case .messageUncertain: "warning"
        case .providerError: "err"
        case .spoolError: "err"
        case .spoolLocked: "err"
        case .inboxAccess: "warning"
        case .backlogWarning: "warning"
        case .watchdogStalled: "err"
        case .messageHeld: "notice"
        case .messageRequeued: "notice"
        case .messageDelivered: "info"
        case .messageUndeliverable: "warning"
        case .receiptUnknown: "notice"
        case .replyReceived: "info"
        case .linkChanged: "warning"
        case .severalNumbers: "notice"
        case .inputHeld: "err"
        case .callbackRefused: "warning"
        case .lowBalance: "warning"
        }
    }
}
