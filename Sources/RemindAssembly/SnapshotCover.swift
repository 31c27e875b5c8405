package import Foundation

/// What a snapshot file covers: pending reminders of its source for appointments in
/// `range` whose id is not in `listed` are withdrawn (`missing from snapshot`).
package struct SnapshotCover: Sendable, Hashable {
    package var range: Range<Date>
    package var listed: Set<String>

    package static let reason = "missing from snapshot"
}
