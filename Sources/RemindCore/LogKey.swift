/// The metadata keys remindd logs under. The journal handler maps each to an
/// upper-case journal field (`spool_id` → `SPOOL_ID`), so on-call staff can filter:
/// `journalctl -u remindd SPOOL_ID=…`.
public enum LogKey {
    /// The journal MESSAGE_ID: an ``EventID`` raw value.
    public static let messageID = "message_id"
    public static let spoolID = "spool_id"
    public static let inboxFile = "inbox_file"
    public static let inboxLine = "inbox_line"
    /// The name an inbox file was claimed under in `incoming/`, when it is not its inbox name.
    public static let claimedName = "claimed_name"
    public static let provider = "provider"
    public static let state = "state"
    public static let reason = "reason"
    /// Always masked with ``PhoneMask``.
    public static let recipient = "recipient"
    public static let count = "count"
    public static let kind = "kind"
    public static let due = "due"
    public static let error = "error"
    public static let path = "path"
    /// Who asked, for a change made through the control socket (from the socket's peer
    /// credentials): CALLER_UID, CALLER_GID, CALLER_PID, CALLER_USER.
    public static let callerUID = "caller_uid"
    public static let callerGID = "caller_gid"
    public static let callerPID = "caller_pid"
    public static let callerUser = "caller_user"
}
