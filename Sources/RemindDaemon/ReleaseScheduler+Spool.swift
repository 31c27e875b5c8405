import RemindSchedule
import RemindSpool

/// A pending message from the spool, as the release scheduler takes it.
extension ReleaseScheduler.Entry {
    init(_ e: SpoolEntry) {
        self.init(id: e.id, due: e.due, expires: e.expires, kind: e.kind, expiryCause: e.expiryCause)
    }

    init(_ t: PendingTimes) {
        self.init(id: t.id, due: t.due, expires: t.expires, kind: t.kind, expiryCause: t.expiryCause)
    }
}
