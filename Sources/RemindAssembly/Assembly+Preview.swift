package import Foundation
package import RemindConfig
package import RemindCore
package import RemindInbox
package import RemindRecipients
import RemindSpool
import RemindText

extension Assembly {
    /// What the daemon's ingest would make of a file at `now`: it goes through the source's
    /// own pipeline (the daemon's ``SourcePipeline/prepare(_:file:now:optOuts:)``, only
    /// keeping details besides), so preview and ingest cannot disagree on a text, an
    /// encoding or a refusal. One row per line that gives a message, a rejection or a skip;
    /// the rules of a row share its text. `source` picks a source by name; nil routes the
    /// file by its name as the inbox does.
    package func preview(
        _ bytes: [UInt8], file: String, source: String? = nil, now: Date, optOuts: OptOutList
    ) -> Result<[PreviewRow], PreviewFailure> {
        let pipeline: SourcePipeline
        if let source {
            guard let p = pipelines[source] else { return .failure(.noSuchSource(source, known: pipelines.keys.sorted())) }
            pipeline = p
        } else {
            guard let routed = route(inboxPath: file) else { return .failure(.noSourceReads(file)) }
            pipeline = routed.pipeline
        }
        let prepared: PreparedInput
        switch pipeline.keepingDetails.prepare(bytes, file: file, now: now, optOuts: optOuts) {
        case .failure(let error): return .failure(.unreadable(error))
        case .success(let p): prepared = p
        }
        var rows: [Int: PreviewRow] = [:]
        for (message, rendered) in zip(prepared.candidates, prepared.renderings) {
            let line = message.source?.line ?? 0
            var row = rows[line] ?? PreviewRow(line: line)
            row.id = message.key.recordID
            row.rules = (row.rules ?? []) + [message.key.rule]
            row.recipient = PhoneMask.mask(message.recipient)
            row.template = rendered.template
            row.text = message.text
            row.length = rendered.length
            row.maxLength = config.text.settings.maxLength
            row.encoding = message.encoding.name
            row.segments = message.segments
            row.truncated = rendered.truncated
            row.shortened = rendered.shortened
            row.cleaned = rendered.cleaned.isEmpty ? nil : rendered.cleaned.sorted { $0.key < $1.key }.map { element, count in
                "\(count) control character\(count == 1 ? "" : "s") removed from \(element)"
            }
            rows[line] = row
        }
        for rejection in prepared.rejections {
            var row = rows[rejection.position.line] ?? PreviewRow(line: rejection.position.line)
            row.rejected = (row.rejected.map { $0 + "; " } ?? "") + rejection.reason
            rows[rejection.position.line] = row
        }
        for problem in prepared.configurationProblems {
            var row = rows[problem.position.line] ?? PreviewRow(line: problem.position.line)
            row.rejected = (row.rejected.map { $0 + "; " } ?? "") + "configuration problem (the daemon holds the file until a reload): " + problem.reason
            rows[problem.position.line] = row
        }
        for note in prepared.notes {
            var row = rows[note.position.line] ?? PreviewRow(line: note.position.line)
            row.skipped = (row.skipped.map { $0 + "; " } ?? "") + note.reason
            rows[note.position.line] = row
        }
        return .success(rows.values.sorted { $0.line < $1.line })
    }
}

extension Assembly {
    /// Which column (or JSON key) of the file feeds which element, as the source's parser
    /// reads its header: `Mobile → phone`, `Site → location`, `Notes → notes` (an extra
    /// column, as its template element). Empty for HL7 (its fields are fixed) and for a
    /// file whose header cannot be read.
    package func columnUses(_ bytes: [UInt8], file: String, source: String? = nil) -> [(column: String, element: String)] {
        let pipeline: SourcePipeline?
        if let source { pipeline = pipelines[source] } else { pipeline = route(inboxPath: file)?.pipeline }
        let reporter: (any ColumnReporting)?
        switch pipeline {
        case .appointments(let p)?: reporter = p.parser as? any ColumnReporting
        case .list(let p)?: reporter = p.parser
        case nil: reporter = nil
        }
        guard let reporter else { return [] }
        return reporter.columnUses(bytes, file: file).map { use in
            let element: String
            switch use.field {
            case "patient_name": element = "first_name and last_name (split)"
            case "start": element = "date, time, weekday (one column)"
            case let field?: element = field
            case nil: element = TemplateElement.name(ofColumn: use.column).map { "\($0) (extra)" } ?? "(not used)"
            }
            return (use.column, element)
        }
    }
}

/// Why a file could not be previewed.
package enum PreviewFailure: Error, CustomStringConvertible {
    /// The daemon would refuse the whole file (`rejected/` with this reason).
    case unreadable(InputError)
    /// No source reads a file of this name (the daemon would refuse it too).
    case noSourceReads(String)
    /// `--source` names no source.
    case noSuchSource(String, known: [String])

    package var description: String {
        switch self {
        case .unreadable(let error): "\(error)"
        case .noSourceReads(let file): "no source reads \(file): no [[source]] matches its name (name one with --source)"
        case .noSuchSource(let name, let known): "no source is named \(name) (sources: \(known.joined(separator: ", ")))"
        }
    }
}
