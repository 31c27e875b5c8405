package import Foundation
package import RemindConfig
package import RemindCore
import RemindText

/// An appointment's template elements in the practice's time zone and locale.
package struct FieldMaker: Sendable {
    let practice: PracticeInfo
    let timeZone: TimeZone
    let locale: Locale
    let formats: DateFormats

    package init(config: Configuration) {
        practice = PracticeInfo(name: config.practice.name, phone: config.practice.phone)
        timeZone = config.practice.timeZone
        locale = Locale(identifier: config.practice.locale)
        formats = config.text.dateFormats
    }

    package func make(_ a: Appointment) -> [String: String] {
        AppointmentFields.make(a, practice: practice, timeZone: timeZone, locale: locale, formats: formats)
    }
}
