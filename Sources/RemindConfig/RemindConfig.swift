// RemindConfig: /etc/remindd/remindd.toml → a validated `Configuration`.
//
// TOMLKit stays inside this module. Every key is checked: an unknown key, a value of
// the wrong type or a value out of range is a `ConfigError` naming the file, the key
// (`schedule.stagger`) and the reason; all problems of a file are reported at once.
// Values are read onto the rooms' own types wherever a room has one (`TextSettings` and
// `DateFormats` of RemindText, `DateTimePattern`, `CSVDelimiter` and `InputEncoding` of
// RemindInbox, `ReminderRule`, `DeliveryWindow` and `LocalDate` of RemindSchedule,
// `PhoneNumberType`, `PhoneFields` and `OptOutKeywords` of RemindRecipients, `InterruptedPolicy`
// of RemindSpool; the text limits' ranges are `TextSettings`'s), so nothing is
// copied field by field later.
// Loading reads the file, the time-zone database and the holiday file `[schedule]
// closed_dates` names (its bad lines are problems of that key), and nothing else: it
// makes no parser, calendar or template set (RemindAssembly does, from this value).
