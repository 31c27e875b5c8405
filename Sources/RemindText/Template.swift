internal import Mustache

/// One parsed template: its name, the Mustache template (rendering without HTML
/// escaping) and what a scan of its tags found.
struct Template: Sendable {
    /// A tag of the template, as the scan found it.
    struct Tag: Sendable, Hashable {
        enum Kind: Sendable, Hashable {
            case variable, section, invertedSection, close, comment, unsupported(String)
        }

        var kind: Kind
        /// The element named (transforms removed), `.` for the current value.
        var element: String
        /// The 1-based line of the tag's opening braces.
        var line: Int
        /// The tag in the source, braces included.
        var range: Range<String.Index>
        /// Whether the name is wrapped in transforms (`uppercased(first_name)`).
        var transformed: Bool
    }

    /// `appointment` or `appointment.location-north`.
    let name: String
    /// `appointment.mustache`, for messages.
    let fileName: String
    let mustache: MustacheTemplate
    let tags: [Tag]
    /// Elements named by variables and sections (without `.`).
    let elements: Set<String>
    /// ``elements``, sorted.
    let sortedElements: [String]
    /// Elements that open a section or an inverted section.
    let sectionElements: Set<String>
    /// The fast renderer, when it renders exactly as `mustache` does (checked at load).
    let compiled: CompiledTemplate?

    /// The pragma prepended to every template so `{{name}}` is not HTML-escaped. It
    /// stands alone on its line, so Mustache removes the line and lines stay as written
    /// apart from this one (subtracted from error lines).
    static let textPragma = "{{% CONTENT_TYPE: TEXT }}\n"

    /// Parses `source`; throws a `TextError` (syntax) naming the file and line.
    init(name: String, fileName: String, source: String) throws(TextError) {
        self.name = name
        self.fileName = fileName
        do {
            self.mustache = try MustacheTemplate(string: Self.textPragma + source)
        } catch let error as MustacheTemplate.ParserError {
            throw TextError(
                code: .syntax, message: "syntax error: \(Self.describe(error.error)) at column \(error.context.columnNumber)",
                template: fileName, line: max(1, error.context.lineNumber - 1))
        } catch {
            throw TextError(code: .syntax, message: "syntax error: \(error)", template: fileName)
        }
        self.tags = Self.scan(source)
        var elements = Set<String>()
        var sections = Set<String>()
        for tag in tags where tag.element != "." {
            switch tag.kind {
            case .variable: elements.insert(tag.element)
            case .section, .invertedSection:
                elements.insert(tag.element)
                sections.insert(tag.element)
            case .close, .comment, .unsupported: break
            }
        }
        self.elements = elements
        self.sortedElements = elements.sorted()
        self.sectionElements = sections
        self.compiled = CompiledTemplate(source: source, tags: tags).flatMap { [mustache] compiled in
            Self.agree(compiled, mustache, elements: elements, sections: sections.sorted()) ? compiled : nil
        }
    }

    /// Renders with `fields` (empty values must already be removed so they count as
    /// absent in sections).
    func render(_ fields: [String: String]) -> String {
        if let compiled { return compiled.render(fields) }
        return mustache.render(fields)
    }

    /// Renders through swift-mustache even when a compiled template exists (the reference).
    func renderWithMustache(_ fields: [String: String]) -> String {
        mustache.render(fields)
    }

    /// Whether the compiled template renders as swift-mustache does, for every combination
    /// of section elements present and absent (at most 2¹⁰), with a distinct value per element.
    private static func agree(
        _ compiled: CompiledTemplate, _ mustache: MustacheTemplate, elements: Set<String>, sections: [String]
    ) -> Bool {
        guard sections.count <= 10 else { return false }
        var all: [String: String] = [:]
        for element in elements { all[element] = "[" + element + "]" }
        for mask in 0..<(1 << sections.count) {
            var fields = all
            for (bit, element) in sections.enumerated() where mask & (1 << bit) == 0 { fields[element] = nil }
            guard compiled.render(fields) == mustache.render(fields) else { return false }
        }
        return true
    }

    static func describe(_ error: any Error) -> String {
        guard let error = error as? MustacheTemplate.Error else { return "\(error)" }
        switch error {
        case .sectionCloseNameIncorrect: return "a section is closed with the wrong name"
        case .unfinishedName: return "a tag is not finished (or has a character not allowed in a name)"
        case .expectedSectionEnd: return "a section is not closed"
        case .invalidSetDelimiter: return "invalid delimiter change"
        case .transformAppliedToInheritanceSection: return "transform on an inherited section"
        case .illegalTokenInsideInheritSection: return "tag not allowed inside an inherited section"
        case .textInsideInheritSection: return "text inside an inherited section"
        case .invalidConfigVariableSyntax: return "invalid pragma"
        case .unrecognisedConfigVariable: return "unknown pragma"
        }
    }

    /// The tags of a template that Mustache has parsed (so its syntax is valid), with the
    /// default delimiters. A delimiter change is reported as unsupported and ends the scan.
    static func scan(_ source: String) -> [Tag] {
        var tags: [Tag] = []
        var line = 1
        var index = source.startIndex
        let end = source.endIndex
        while index < end {
            guard let open = source[index...].firstRange(of: "{{") else { break }
            line += source[index..<open.lowerBound].reduce(0) { $1 == "\n" || $1 == "\r\n" ? $0 + 1 : $0 }
            var body = open.upperBound
            var closer = "}}"
            var kind = Tag.Kind.variable
            if body < end {
                switch source[body] {
                case "{":
                    closer = "}}}"
                    body = source.index(after: body)
                case "&": body = source.index(after: body)
                case "#":
                    kind = .section
                    body = source.index(after: body)
                case "^":
                    kind = .invertedSection
                    body = source.index(after: body)
                case "/":
                    kind = .close
                    body = source.index(after: body)
                case "!":
                    kind = .comment
                    body = source.index(after: body)
                case ">", "<", "$", "=", "%":
                    kind = .unsupported(String(source[body]))
                    body = source.index(after: body)
                default: break
                }
            }
            guard let close = source[body...].firstRange(of: closer) else { break }
            let inner = source[body..<close.lowerBound]
            tags.append(Tag(
                kind: kind, element: element(in: inner), line: line, range: open.lowerBound..<close.upperBound,
                transformed: kind != .comment && inner.contains("(")))
            line += inner.reduce(0) { $1 == "\n" || $1 == "\r\n" ? $0 + 1 : $0 }
            if case .unsupported("=") = kind { break }
            index = close.upperBound
        }
        return tags
    }

    /// The element of a tag body: whitespace trimmed, transforms (`uppercased(name)`) removed.
    static func element(in body: Substring) -> String {
        var name = body.trimmingWhitespace()
        if let open = name.lastIndex(of: "("), let close = name[open...].firstIndex(of: ")") {
            name = name[name.index(after: open)..<close]
        }
        return String(name)
    }
}

extension Substring {
    func trimmingWhitespace() -> Substring {
        // Fast path: ends that are ASCII and not whitespace (most values).
        if let first = utf8.first, let last = utf8.last, first < 0x80, last < 0x80,
            !Self.asciiWhitespace(first), !Self.asciiWhitespace(last)
        {
            return self
        }
        var s = self
        while let first = s.first, first.isWhitespace { s.removeFirst() }
        while let last = s.last, last.isWhitespace { s.removeLast() }
        return s
    }

    private static func asciiWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || (0x09...0x0D).contains(byte)
    }
}
