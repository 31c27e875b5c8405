import ArgumentParser
import Foundation
import RemindConfig
import RemindCore
import RemindInbox
import RemindRecipients
import RemindText

struct Preview: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Render a sample input file through the configured templates, without queueing anything.",
        discussion: """
            For each row: the text, its length, its encoding (gsm7 or ucs2), its segment count, and the limits
            that applied (elements cut to their field limit, elements shortened to fit the total). Rows that would
            be rejected are shown with their line and reason. Phone numbers are shown masked.
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: "An export in the inbox's format (CSV).")
    var file: String

    @Flag(name: .long, help: "Print JSON (one object per row).")
    var json = false

    struct Row: Encodable {
        var line: Int
        var id: String?
        var recipient: String?
        var template: String?
        var text: String?
        var length: Int?
        var maxLength: Int?
        var encoding: String?
        var segments: Int?
        var truncated: [String]?
        var shortened: [String]?
        var rejected: String?
    }

    func run() throws {
        let config = try global.loadConfiguration()
        let templates = try TemplateSet(directory: config.text.templates, settings: config.textSettings, extraElements: config.text.extraElements)
        let parser = try config.appointmentParser()
        guard let data = FileManager.default.contents(atPath: file) else {
            throw ValidationError("cannot read \(file)")
        }
        let name = URL(fileURLWithPath: file).lastPathComponent
        let parsed: ParsedInput
        do {
            parsed = try parser.parse(Array(data), file: name)
        } catch {
            FileHandle.standardError.write(Data("\(error)\n".utf8))
            throw ExitCode(1)
        }
        let practice = PracticeInfo(name: config.practice.name, phone: config.practice.phone)
        let locale = Locale(identifier: config.practice.locale)
        let phones = config.recipients.normalizer(region: config.practice.region)
        let phoneFields = PhoneFields(config.recipients.fields)
        var rows: [Row] = parsed.rejections.map { Row(line: $0.position.line, rejected: $0.reason) }
        for record in parsed.records {
            let a = record.appointment
            var row = Row(line: record.position.line, id: a.id, recipient: PhoneMask.mask(a.phone))
            var refusal: String?
            switch phones.normalize(candidates: phoneFields.candidates(in: a)) {
            case .success(let r): row.recipient = PhoneMask.mask(r.e164)
            case .failure(let reason): refusal = reason.description
            }
            let fields = AppointmentFields.make(a, practice: practice, timeZone: config.practice.timeZone, locale: locale, formats: config.dateFormats)
            do {
                let r = try templates.render(kind: .appointment, fields: fields, variant: nil)
                row.template = r.template
                row.text = r.text
                row.length = r.length
                row.maxLength = config.text.maxLength
                row.encoding = r.encoding.rawValue
                row.segments = r.segments
                row.truncated = r.truncated
                row.shortened = r.shortened
            } catch {
                row.rejected = "\(error)"
            }
            if let refusal { row.rejected = (row.rejected.map { $0 + "; " } ?? "") + refusal }
            if !config.input.statuses.contains(a.status) {
                row.rejected = (row.rejected.map { $0 + "; " } ?? "") + "status '\(a.status)' is not reminded"
            }
            rows.append(row)
        }
        rows.sort { $0.line < $1.line }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            for row in rows { print(String(decoding: try encoder.encode(row), as: UTF8.self)) }
            return
        }
        for row in rows {
            if let reason = row.rejected, row.text == nil {
                print("\(name):\(row.line): rejected: \(reason)")
                continue
            }
            print("\(name):\(row.line)  \(row.id ?? "")  \(row.recipient ?? "")  [\(row.template ?? "")]")
            print("  \(row.text ?? "")")
            var facts = "  \(row.length ?? 0)/\(row.maxLength ?? 0) \(row.encoding == "gsm7" ? "GSM-7" : "UCS-2"), \(row.segments ?? 0) segment\(row.segments == 1 ? "" : "s")"
            if let t = row.truncated, !t.isEmpty { facts += "; cut to field limit: " + t.joined(separator: ", ") }
            if let s = row.shortened, !s.isEmpty { facts += "; shortened to fit: " + s.joined(separator: ", ") }
            if let reason = row.rejected { facts += "; not sent: " + reason }
            print(facts)
        }
    }
}
