import RemindText
import Testing

@Suite struct SenderIDTests {
    @Test(arguments: ["SmileDental", "Bay Dental", "A", "+61412345678", "61412345678", "Dr_Ann-2"])
    func valid(_ sender: String) throws {
        try SenderID.check(sender)
    }

    @Test(arguments: ["SmileDentalX", "", "Café€", "Zoë", "Bay{Dental}", "12 34", "+1234567890123456", "----"])
    func invalid(_ sender: String) throws {
        let error = #expect(throws: TextError.self) { try SenderID.check(sender) }
        #expect(error?.code == .invalidSender)
    }
}
