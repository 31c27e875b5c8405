import RemindCore

/// The net effect of a run of SIU records: what the book looks like after applying them
/// in order.
///
/// Every SIU message carries the whole appointment as it stands after the event, so the
/// last record per appointment id (``RemindCore/Appointment/id``) is the truth: an S12
/// then an S13 leaves the new time, an S13 then an S15 leaves a cancellation, an S17 then
/// an S12 for the same id leaves a booking again. The daemon may apply the parser's
/// records one by one in file order, or apply this function's result; both end the same.
public enum SIUReconciliation {
    /// For each appointment id the last record, kept where that record stood in `records`.
    public static func reconcile(_ records: [ParsedAppointment]) -> [ParsedAppointment] {
        var seen = Set<String>()
        var out: [ParsedAppointment] = []
        for record in records.reversed() where seen.insert(record.appointment.id).inserted {
            out.append(record)
        }
        return out.reversed()
    }
}
