import RemindCore
import RemindDelivery
import RemindText

enum OutgoingMessageFixture {
    static func make(text: String, to: String = "+61412345678", id: UInt64 = 1) -> OutgoingMessage {
        let length = SMSLength.measure(text)
        return OutgoingMessage(id: MessageID(rawValue: id), recipient: to, text: text, encoding: length.encoding,
                               segments: length.segments)
    }
}
