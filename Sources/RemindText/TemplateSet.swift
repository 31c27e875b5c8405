public import RemindCore
internal import Foundation

/// All templates of a directory, parsed and checked, ready to render messages.
///
/// ## Files and names
/// Every `*.mustache` file of the directory (not its subdirectories; dotfiles are
/// ignored) is a template named by its file name without the extension:
/// - `<kind>.mustache`: the template of a kind: `appointment`, `recall`, `birthday`,
///   `broadcast`, `private` (``MessageKind`` raw values).
/// - `<kind>.<variant>.mustache`: a variant of it. Variants are lower-case letters,
///   digits, `-`, `_` and `.`. Two families are chosen automatically (see
///   ``render(kind:fields:variant:)``): `doctor-<slug>` and `location-<slug>`, where the
///   slug is ``slug(_:)`` of the doctor or location as exported: `appointment.doctor-dr-smith`,
///   `appointment.location-north-sydney`. Any other variant is chosen by name, for
///   example a broadcast that names its template: `broadcast.flu-clinic`.
///
/// Templates are UTF-8 (a byte-order mark is dropped, CRLF becomes LF). The trailing
/// newline of a file, and any whitespace around the rendered text, is not sent.
///
/// ## Mustache
/// Elements are written `{{first_name}}`; values are never HTML-escaped (`O'Brien & Sons`
/// renders as written). Sections show text only when an element has a value:
/// `{{#doctor}} with {{doctor}}{{/doctor}}`, inverted sections when it has none. The
/// transforms of swift-mustache apply: `{{uppercased(first_name)}}`. Partials,
/// inheritance, delimiter changes and pragmas are not allowed.
///
/// Element values are cleaned before they are put in (``ControlCharacters``): line breaks
/// and tabs become a space, other control characters (C0, DEL, C1) and bidi controls are
/// removed, and ``RenderedText/cleaned`` says how many went from which element. The
/// template's own text is kept as written.
///
/// ## Checks
/// Made once, when the set is loaded, and listed by ``validate()``: file names, syntax
/// (with the line), unsupported tags and unknown elements (with the line), and the worst
/// case: every element at its limit, every combination of sections, the elements of the
/// shortening order dropped; if that does not fit ``TextSettings/maxLength`` and
/// ``TextSettings/maxSegments``, some messages would be rejected, so it is an error.
///
/// Loading reads files synchronously: call it off the cooperative thread pool.
public struct TemplateSet: Sendable {
    /// The settings the templates were checked with and render with.
    public let settings: TextSettings
    /// Extra elements allowed besides ``TemplateElement`` (the source's mapped columns).
    public let extraElements: Set<String>

    private let templates: [String: Template]
    private let infos: [String: TemplateInfo]
    /// Every problem found, in file and line order.
    private let problems: [TextError]
    /// The first problem that makes a template unusable (unknown element, unsupported tag).
    private let blocking: [String: TextError]
    /// `appointment.doctor`, `appointment.location`: the variant families that have templates.
    private let families: Set<String>

    /// Loads every `*.mustache` file of `directory`.
    ///
    /// Throws only when the directory cannot be listed; problems with single templates are
    /// collected for ``validate()``.
    /// - Parameters:
    ///   - directory: The templates directory.
    ///   - settings: Limits and options.
    ///   - extraElements: The mapped names of extra source columns templates may use.
    public init(directory: String, settings: TextSettings = TextSettings(), extraElements: Set<String> = []) throws(TextError) {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw TextError(code: .unreadable, message: "cannot list the templates directory \(directory): \(Self.reason(error))")
        }
        var sources: [String: String] = [:]
        var problems: [TextError] = []
        for fileName in names.sorted() where fileName.hasSuffix(".mustache") && !fileName.hasPrefix(".") {
            let path = directory.hasSuffix("/") ? directory + fileName : directory + "/" + fileName
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
                continue
            }
            guard let data = FileManager.default.contents(atPath: path) else {
                problems.append(TextError(code: .unreadable, message: "cannot read the template", template: fileName))
                continue
            }
            guard let source = String(validating: data, as: UTF8.self) else {
                problems.append(TextError(code: .unreadable, message: "the template is not UTF-8", template: fileName))
                continue
            }
            sources[String(fileName.dropLast(".mustache".count))] = source
        }
        self.init(sources: sources, settings: settings, extraElements: extraElements, loadProblems: problems)
    }

    /// Makes a set from template texts by name (`appointment`, `appointment.location-north`),
    /// as if each were the file `<name>.mustache`.
    public init(sources: [String: String], settings: TextSettings = TextSettings(), extraElements: Set<String> = []) {
        self.init(sources: sources, settings: settings, extraElements: extraElements, loadProblems: [])
    }

    private init(sources: [String: String], settings: TextSettings, extraElements: Set<String>, loadProblems: [TextError]) {
        self.settings = settings
        self.extraElements = extraElements
        var templates: [String: Template] = [:]
        var infos: [String: TemplateInfo] = [:]
        var problems = loadProblems
        var blocking: [String: TextError] = [:]
        let allowed = TemplateElement.names.union(extraElements)
        for (name, rawSource) in sources.sorted(by: { $0.key < $1.key }) {
            let fileName = name + ".mustache"
            guard let (kind, variant) = Self.parseName(name) else {
                problems.append(TextError(
                    code: .invalidName,
                    message: "the file name is not <kind>.mustache or <kind>.<variant>.mustache (kinds: "
                        + MessageKind.allCases.map(\.rawValue).joined(separator: ", ") + "; variants: a-z 0-9 - _ .)",
                    template: fileName))
                continue
            }
            var source = rawSource.replacingOccurrences(of: "\r\n", with: "\n")
            if source.hasPrefix("\u{FEFF}") { source.removeFirst() }
            source = settings.transliterate ? Transliteration.apply(source) : Transliteration.compose(source)
            let template: Template
            do {
                template = try Template(name: name, fileName: fileName, source: source)
            } catch {
                problems.append(error)
                continue
            }
            var own: [TextError] = []
            // Open sections, true for a (non-inverted) section: `{{.}}` needs one to name a value.
            var open: [Bool] = []
            for tag in template.tags {
                switch tag.kind {
                case .section, .invertedSection:
                    open.append(tag.kind == .section)
                    if !allowed.contains(tag.element) { own.append(Self.unknown(tag, in: fileName)) }
                case .close:
                    _ = open.popLast()
                case .variable:
                    if tag.element == "." ? !open.contains(true) : !allowed.contains(tag.element) {
                        own.append(Self.unknown(tag, in: fileName))
                    }
                case .unsupported(let sigil):
                    own.append(TextError(
                        code: .unsupportedTag,
                        message: "{{\(sigil)…}} is not allowed in SMS templates (no partials, inheritance, "
                            + "delimiter changes or pragmas)",
                        template: fileName, line: tag.line))
                case .comment:
                    break
                }
            }
            if let first = own.first { blocking[name] = first }
            templates[name] = template
            let info = TemplateInfo(
                name: name, kind: kind, variant: variant, elements: template.sortedElements,
                worstCase: Self.worstCase(template, settings: settings, dropping: []),
                worstCaseShortened: Self.worstCase(
                    template, settings: settings, dropping: Set(settings.shortenOrder)))
            infos[name] = info
            if own.isEmpty, !settings.fits(info.worstCaseShortened) {
                let dropped = settings.shortenOrder.filter(template.elements.contains)
                own.append(TextError(
                    code: .worstCaseTooLong,
                    message: "worst case \(info.worstCaseShortened.units) \(Self.unitName(info.worstCaseShortened)) in "
                        + "\(info.worstCaseShortened.segments) segment(s) with every element at its limit"
                        + (dropped.isEmpty ? "" : " and \(dropped.joined(separator: ", ")) dropped")
                        + "; limit \(settings.maxLength) units in \(settings.maxSegments) segment(s)",
                    template: fileName, length: info.worstCaseShortened.units, limit: settings.maxLength))
            }
            problems.append(contentsOf: own)
        }
        self.templates = templates
        self.infos = infos
        self.problems = problems.sorted { ($0.template ?? "", $0.line ?? 0) < ($1.template ?? "", $1.line ?? 0) }
        self.blocking = blocking
        var families = Set<String>()
        for name in templates.keys {
            for family in ["doctor", "location"] {
                if case let (kind, variant?)? = Self.parseName(name), variant.hasPrefix(family + "-") {
                    families.insert(kind.rawValue + "." + family)
                }
            }
        }
        self.families = families
    }

    /// Every problem of the set, in file and line order; empty when every template is good.
    /// A reload should keep the previous set when this is not empty.
    public func validate() -> [TextError] { problems }

    /// The names of the templates that parsed, sorted.
    public var names: [String] { templates.keys.sorted() }

    /// Facts about a template that parsed, nil for an unknown name.
    public func info(_ name: String) -> TemplateInfo? { infos[name] }

    /// Whether a template renders through the compiled fast path (for tests).
    func isCompiled(_ name: String) -> Bool { templates[name]?.compiled != nil }

    /// Whether the kind has a base template.
    public func has(kind: MessageKind) -> Bool { templates[kind.rawValue] != nil }

    /// The variant slug of a doctor or location as exported: lower case, accents removed,
    /// every run of other characters than a–z and 0–9 one `-`: `Dr O'Brien` → `dr-o-brien`,
    /// `North Sydney` → `north-sydney`.
    public static func slug(_ text: String) -> String {
        let folded =
            text.utf8.allSatisfy { $0 < 0x80 }
            ? text.lowercased() : text.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: nil)
        var out = ""
        var pendingDash = false
        for scalar in folded.unicodeScalars {
            if ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) {
                if pendingDash, !out.isEmpty { out.append("-") }
                pendingDash = false
                out.unicodeScalars.append(scalar)
            } else {
                pendingDash = true
            }
        }
        return out
    }

    /// The template a message of `kind` uses.
    ///
    /// With a `variant`, the template `<kind>.<variant>` (it must exist: a broadcast that
    /// names its template must not silently get another). Without, the first that exists
    /// of `<kind>.doctor-<slug of doctor>`, `<kind>.location-<slug of location>` and `<kind>`.
    public func templateName(kind: MessageKind, fields: [String: String], variant: String?) throws(TextError) -> String {
        if let variant {
            let name = kind.rawValue + "." + variant
            guard templates[name] != nil else { throw missing(name) }
            return name
        }
        for family in ["doctor", "location"] where families.contains(kind.rawValue + "." + family) {
            if let value = fields[family] {
                let slug = Self.slug(value)
                if !slug.isEmpty, templates[kind.rawValue + "." + family + "-" + slug] != nil {
                    return kind.rawValue + "." + family + "-" + slug
                }
            }
        }
        guard templates[kind.rawValue] != nil else { throw missing(kind.rawValue) }
        return kind.rawValue
    }

    /// Renders a message of `kind` through its template (chosen by
    /// ``templateName(kind:fields:variant:)``) and applies the length rules of
    /// ``TextSettings``.
    /// - Parameters:
    ///   - fields: Element values by name (``AppointmentFields/make(_:practice:timeZone:locale:formats:)``
    ///     makes them for an appointment); names the template does not use are ignored,
    ///     empty values count as absent.
    ///   - variant: A variant to use by name, or nil to choose by doctor and location.
    /// - Throws: ``TextError`` when the template is missing or has a problem, an exact
    ///   element is over its limit, or the text does not fit even after shortening.
    public func render(kind: MessageKind, fields: [String: String], variant: String? = nil) throws(TextError) -> RenderedText {
        try render(template: templateName(kind: kind, fields: fields, variant: variant), fields: fields)
    }

    /// Renders through the template of that name (see ``render(kind:fields:variant:)``).
    public func render(template name: String, fields: [String: String]) throws(TextError) -> RenderedText {
        guard let template = templates[name] else { throw missing(name) }
        if let problem = blocking[name] { throw problem }
        var values: [String: String] = [:]
        values.reserveCapacity(template.sortedElements.count)
        var truncated: [String] = []
        var cleaned: [String: Int] = [:]
        for element in template.sortedElements {
            guard let raw = fields[element] else { continue }
            let result = clean(raw)
            if result.removed > 0 { cleaned[element] = result.removed }
            var value = result.value
            guard !value.isEmpty else { continue }
            let limit = settings.limit(for: element)
            let count = value.count
            if count > limit {
                guard !settings.exactElements.contains(element) else {
                    throw TextError(
                        code: .elementTooLong,
                        message: "\(element) is \(count) characters, over its limit of \(limit) (never cut)",
                        template: template.fileName, element: element, length: count, limit: limit)
                }
                value = WordCut.cut(value, to: limit)
                truncated.append(element)
                guard !value.isEmpty else { continue }
            }
            values[element] = value
        }
        var text = Self.finish(template.render(values))
        var length = SMSLength.measure(text)
        var shortened: [String] = []
        if !settings.fits(length) {
            for element in settings.shortenOrder where values[element] != nil {
                shortened.append(element)
                while !settings.fits(length), let value = values[element] {
                    let shorter = WordCut.dropLastWord(value)
                    values[element] = shorter.isEmpty ? nil : shorter
                    text = Self.finish(template.render(values))
                    length = SMSLength.measure(text)
                }
                if settings.fits(length) { break }
            }
        }
        guard settings.fits(length) else {
            throw TextError(
                code: .tooLong,
                message: "the text is \(length.units) \(Self.unitName(length)) in \(length.segments) segment(s)"
                    + (shortened.isEmpty ? "" : " after shortening \(shortened.joined(separator: ", "))")
                    + "; limit \(settings.maxLength) units in \(settings.maxSegments) segment(s)",
                template: template.fileName, length: length.units, limit: settings.maxLength)
        }
        guard !text.isEmpty else {
            throw TextError(code: .empty, message: "the text is empty", template: template.fileName)
        }
        return RenderedText(
            text: text, encoding: length.encoding, length: length.units, segments: length.segments,
            template: name, truncated: truncated, shortened: shortened, cleaned: cleaned)
    }

    /// Applies the text rules to a text written by hand (a private message): line endings,
    /// transliteration, the total limits. Nothing is shortened.
    public func prepare(text raw: String) throws(TextError) -> RenderedText {
        var text = raw.replacingOccurrences(of: "\r\n", with: "\n")
        text = Self.finish(settings.transliterate ? Transliteration.apply(text) : Transliteration.compose(text))
        let length = SMSLength.measure(text)
        guard settings.fits(length) else {
            throw TextError(
                code: .tooLong,
                message: "the text is \(length.units) \(Self.unitName(length)) in \(length.segments) segment(s); "
                    + "limit \(settings.maxLength) units in \(settings.maxSegments) segment(s)",
                length: length.units, limit: settings.maxLength)
        }
        guard !text.isEmpty else { throw TextError(code: .empty, message: "the text is empty") }
        return RenderedText(text: text, encoding: length.encoding, length: length.units, segments: length.segments, template: "")
    }

    // MARK: - Helpers

    /// The error for a template that is not in the set: why it failed to load, or that it is missing.
    private func missing(_ name: String) -> TextError {
        let fileName = name + ".mustache"
        if let problem = problems.first(where: { $0.template == fileName }) { return problem }
        return TextError(code: .missingTemplate, message: "no template \(name)", template: fileName)
    }

    /// An element value on one line, without control or bidi characters
    /// (``ControlCharacters``), trimmed, transliterated (or composed); with the count of
    /// characters the control rule removed.
    private func clean(_ raw: String) -> ControlCharacters.Result {
        var result = ControlCharacters.clean(raw)
        let value = settings.transliterate ? Transliteration.apply(result.value) : Transliteration.compose(result.value)
        result.value = String(Substring(value).trimmingWhitespace())
        return result
    }

    /// The rendered text without whitespace around it.
    static func finish(_ rendered: String) -> String {
        guard let first = rendered.first, let last = rendered.last, first.isWhitespace || last.isWhitespace else {
            return rendered
        }
        return String(Substring(rendered).trimmingWhitespace())
    }

    static func unitName(_ length: SMSLength) -> String {
        length.encoding == .gsm7 ? "septets" : "UCS-2 units"
    }

    static func unknown(_ tag: Template.Tag, in fileName: String) -> TextError {
        let known = "known: " + TemplateElement.allCases.map(\.rawValue).joined(separator: " ") + " and the extra columns"
        return TextError(
            code: .unknownElement,
            message: tag.element == "."
                ? "{{.}} outside a section (it names the value of the section's element)"
                : "unknown element {{\(tag.element)}} (\(known))",
            template: fileName, line: tag.line, element: tag.element)
    }

    static func reason(_ error: any Error) -> String {
        (error as NSError).localizedDescription
    }

    /// `appointment.location-north` → (.appointment, "location-north"); nil if not a valid name.
    static func parseName(_ name: String) -> (MessageKind, String?)? {
        let parts = name.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let kind = MessageKind(rawValue: String(parts[0])) else { return nil }
        guard parts.count == 2 else { return (kind, nil) }
        let variant = parts[1]
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789-_.")
        guard !variant.isEmpty, variant.allSatisfy(allowed.contains) else { return nil }
        return (kind, String(variant))
    }

    /// The longest rendering with every element (except `dropping`) at its limit, over every
    /// combination of the section elements present or absent (up to 2¹⁰ combinations; with
    /// more sections, only all present and all absent are tried).
    static func worstCase(_ template: Template, settings: TextSettings, dropping: Set<String>) -> SMSLength {
        var full: [String: String] = [:]
        for element in template.elements where !dropping.contains(element) {
            let limit = settings.limit(for: element)
            if limit > 0 { full[element] = String(repeating: "x", count: limit) }
        }
        let toggled = template.sectionElements.filter { full[$0] != nil }.sorted()
        let exhaustive = toggled.count <= 10
        let masks: [Int] = exhaustive ? Array(0..<(1 << toggled.count)) : [0, 1]
        var worst = SMSLength(encoding: .gsm7, units: 0, segments: 1)
        for mask in masks {
            var fields = full
            for (bit, element) in toggled.enumerated() {
                let present = exhaustive ? mask & (1 << bit) != 0 : mask != 0
                if !present { fields[element] = nil }
            }
            let length = SMSLength.measure(finish(template.render(fields)))
            if (length.units, length.segments) > (worst.units, worst.segments) {
                worst.units = length.units
                worst.encoding = length.encoding
            }
            worst.segments = max(worst.segments, length.segments)
        }
        return worst
    }
}
