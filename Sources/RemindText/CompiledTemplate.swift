/// A template compiled to a tree of text, values and sections, rendered with plain
/// dictionary look-ups.
///
/// swift-mustache stays the reference: it parses every template and reports syntax
/// errors, and a compiled template is only used after it rendered exactly as
/// swift-mustache does for every combination of sections (``Template``). This one
/// handles the subset SMS templates use: variables (`{{x}}`, `{{{x}}}`, `{{&x}}`),
/// sections and inverted sections over element values, `{{.}}` inside a section,
/// comments, and the Mustache rule that removes a line holding only a section tag or a
/// comment. Anything else (transforms, other tags) is left to swift-mustache.
struct CompiledTemplate: Sendable {
    indirect enum Node: Sendable {
        case text(String)
        case value(String)
        case current
        case section(String, [Node])
        case inverted(String, [Node])
    }

    let nodes: [Node]
    /// Characters of fixed text, to reserve the output's capacity.
    private let textSize: Int

    /// Compiles a template from its source and its scanned tags; nil when it uses
    /// something this renderer leaves to swift-mustache.
    init?(source: String, tags: [Template.Tag]) {
        var stack: [(name: String, inverted: Bool, nodes: [Node])] = [("", false, [])]
        var cursor = source.startIndex
        var textSize = 0
        func emitText(upTo end: String.Index) {
            if cursor < end {
                let text = String(source[cursor..<end])
                textSize += text.utf8.count
                stack[stack.count - 1].nodes.append(.text(text))
            }
        }
        for (index, tag) in tags.enumerated() {
            guard !tag.transformed else { return nil }
            let standalone: Range<String.Index>?
            switch tag.kind {
            case .section, .invertedSection, .close, .comment:
                standalone = Self.standaloneLine(of: index, in: tags, source: source)
            case .variable:
                standalone = nil
            case .unsupported:
                return nil
            }
            emitText(upTo: standalone?.lowerBound ?? tag.range.lowerBound)
            cursor = standalone?.upperBound ?? tag.range.upperBound
            switch tag.kind {
            case .variable:
                stack[stack.count - 1].nodes.append(tag.element == "." ? .current : .value(tag.element))
            case .section, .invertedSection:
                guard tag.element != "." else { return nil }
                stack.append((tag.element, tag.kind == .invertedSection, []))
            case .close:
                guard stack.count > 1, stack[stack.count - 1].name == tag.element else { return nil }
                let open = stack.removeLast()
                stack[stack.count - 1].nodes.append(
                    open.inverted ? .inverted(open.name, open.nodes) : .section(open.name, open.nodes))
            case .comment, .unsupported:
                break
            }
        }
        emitText(upTo: source.endIndex)
        guard stack.count == 1 else { return nil }
        self.nodes = stack[0].nodes
        self.textSize = textSize
    }

    /// Renders with `fields`; an absent element is an empty value and a false section.
    func render(_ fields: [String: String]) -> String {
        var out = ""
        out.reserveCapacity(textSize + 64)
        Self.append(nodes, fields, current: nil, into: &out)
        return out
    }

    private static func append(_ nodes: [Node], _ fields: [String: String], current: String?, into out: inout String) {
        for node in nodes {
            switch node {
            case .text(let text): out += text
            case .value(let name): if let value = fields[name] { out += value }
            case .current: if let current { out += current }
            case .section(let name, let body):
                if let value = fields[name] { append(body, fields, current: value, into: &out) }
            case .inverted(let name, let body):
                if fields[name] == nil { append(body, fields, current: current, into: &out) }
            }
        }
    }

    /// The whole line of tag `index` (with its line feed) when the tag stands alone on it
    /// (only spaces and tabs around it), which Mustache removes from the output.
    private static func standaloneLine(of index: Int, in tags: [Template.Tag], source: String) -> Range<String.Index>? {
        let tag = tags[index]
        var start = tag.range.lowerBound
        while start > source.startIndex {
            let before = source.index(before: start)
            guard source[before] == " " || source[before] == "\t" else {
                guard source[before] == "\n" else { return nil }
                break
            }
            start = before
        }
        var end = tag.range.upperBound
        while end < source.endIndex, source[end] == " " || source[end] == "\t" { end = source.index(after: end) }
        if end < source.endIndex {
            guard source[end] == "\n" else { return nil }
            end = source.index(after: end)
        }
        // Another tag on the same line makes neither standalone.
        if index > 0, tags[index - 1].range.upperBound > start { return nil }
        if index + 1 < tags.count, tags[index + 1].range.lowerBound < end { return nil }
        return start..<end
    }
}
