import RemindControl
import RemindCore
import Testing

@Suite struct StatsCostTests {
    @Test func costIsSegmentsSentTimesThePrice() {
        var row = StatsReport.Row(day: "2026-12-04", kind: .appointment)
        row.sent = 3
        row.segments = 5
        row.failed = 2  // failed messages cost nothing here: only segments sent count
        #expect(row.cost(pricePerSegment: 0.079) == 5 * 0.079)
        #expect(StatsReport.money(row.cost(pricePerSegment: 0.079)) == "0.40")
        #expect(StatsReport.money(0.0795, places: 4) == "0.0795")
    }
}
