/// MSA-1, the acknowledgement code (HL7 table 0008, original mode).
public enum HL7AcknowledgementCode: String, Hashable, Sendable, CaseIterable {
    /// Application accept: the message was read and its appointment taken.
    case accept = "AA"
    /// Application error: the message was read but cannot be used (the reason says why).
    case error = "AE"
    /// Application reject: the message was not processed at all (not SIU, unsupported).
    case reject = "AR"
}
