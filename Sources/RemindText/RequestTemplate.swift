public import Foundation
internal import Mustache

/// A REST gateway's request as Mustache templates: the URL, the headers and the body.
///
/// Values are escaped for where they go, by the template's content type rather than by
/// whoever writes the template: in the URL percent-encoded (unreserved characters kept),
/// in a JSON body as the inside of a JSON string (`"{{text}}"`), in a form body as
/// `application/x-www-form-urlencoded`, in headers with control characters removed. Triple
/// braces (`{{{text}}}`) would bypass escaping and are refused.
///
/// The values: `to` (E.164 with `+`), `to_digits` (without it), `text`, `id` (remindd's
/// message id), `encoding` (`gsm7` or `ucs2`), `unicode` (`true` for UCS-2), `segments`,
/// `callback_url` (the receipt URL with the message's token, when receipts are on), and the
/// configured secrets by name (`{{token}}`, from systemd credentials).
///
/// It lives with the text templates (not with the gateway) so that the configuration's
/// verdict, which `remindctl check-config` gives without linking any gateway code, parses
/// and checks it exactly as the daemon's gateway does (``problems(values:)``).
public struct RequestTemplate: Sendable {
    public enum BodyEncoding: String, Sendable {
        case json, form, text

        var contentType: String {
            switch self {
            case .json: "application/json"
            case .form: "application/x-www-form-urlencoded"
            case .text: "text/plain; charset=utf-8"
            }
        }
    }

    /// What is wrong with one part of the request: `part` is `url`, `headers.NAME`,
    /// `headers` or `body`; the description is `PART: REASON`. It names no value.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var part: String
        public var reason: String
        public var description: String { "\(part): \(reason)" }

        public init(part: String, reason: String) {
            self.part = part
            self.reason = reason
        }
    }

    /// The values a message's request is rendered with (the secrets' names come on top).
    public static let messageValues: Set<String> = ["to", "to_digits", "text", "id", "encoding", "unicode", "segments", "callback_url"]

    public let url: String
    public let encoding: BodyEncoding
    private let urlTemplate: MustacheTemplate
    private let headerTemplates: [(name: String, template: MustacheTemplate)]
    private let bodyTemplate: MustacheTemplate?
    private let hasContentType: Bool
    /// The names each part uses (`url`, `headers.NAME`, `body`), sections included.
    private let names: [(part: String, names: Set<String>)]

    /// Parses the templates; throws naming the one that is not valid (`url`, `headers.NAME`, `body`).
    public init(url: String, headers: [(String, String)] = [], body: String? = nil, encoding: BodyEncoding = .json) throws(Failure) {
        Self.registerContentTypes
        self.url = url
        self.encoding = encoding
        var names: [(String, Set<String>)] = []
        func parse(_ source: String, _ type: String, _ what: String) throws(Failure) -> MustacheTemplate {
            if source.contains("{{{") || source.contains("{{&") {
                throw Failure(part: what, reason: "triple braces and {{& }} skip escaping; use {{name}} (values are escaped for where they go)")
            }
            let parsed: MustacheTemplate
            do { parsed = try MustacheTemplate(string: "{{% CONTENT_TYPE: \(type) }}\n" + source) } catch let error as MustacheTemplate.ParserError {
                // The pragma line is not the writer's: lines as in the configured string.
                let line = max(1, error.context.lineNumber - 1)
                throw Failure(part: what, reason: "not a valid Mustache template: \(Template.describe(error.error)) (line \(line), column \(error.context.columnNumber))")
            } catch {
                throw Failure(part: what, reason: "not a valid Mustache template: \(error)")
            }
            var used = Set<String>()
            for tag in Template.scan(source) {
                switch tag.kind {
                case .variable, .section, .invertedSection: if tag.element != "." { used.insert(tag.element) }
                case .close, .comment: break
                case .unsupported(let sigil):
                    throw Failure(part: what, reason: "{{\(sigil) }} tags (partials, blocks, delimiter changes, pragmas) are not supported here")
                }
            }
            names.append((what, used))
            return parsed
        }
        self.urlTemplate = try parse(url, Self.urlType, "url")
        var headerTemplates: [(String, MustacheTemplate)] = []
        for (name, value) in headers {
            guard !name.isEmpty, name.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: ":") }) else {
                throw Failure(part: "headers", reason: "'\(name)' is not a header name")
            }
            headerTemplates.append((name, try parse(value, Self.headerType, "headers.\(name)")))
        }
        self.headerTemplates = headerTemplates
        self.hasContentType = headers.contains { $0.0.lowercased() == "content-type" }
        let bodyType = switch encoding {
        case .json: Self.jsonType
        case .form: Self.formType
        case .text: Self.headerType
        }
        self.bodyTemplate = try body.map { source throws(Failure) in try parse(source, bodyType, "body") }
        self.names = names
    }

    /// What would make every request wrong, checked without sending one: a name that is not
    /// among `values` (it would render empty), and a URL that, rendered with sample values
    /// for `values`, is no http(s) URL. The configuration's verdict reports these (so
    /// `remindctl check-config` and the daemon's start and reload refuse them); empty when
    /// the request can be made.
    public func problems(values: Set<String>) -> [Failure] {
        var problems: [Failure] = []
        for (part, used) in names {
            let unknown = used.subtracting(values).sorted()
            guard !unknown.isEmpty else { continue }
            let known = values.sorted().map { "{{\($0)}}" }.joined(separator: ", ")
            problems.append(Failure(part: part, reason: "\(unknown.map { "{{\($0)}}" }.joined(separator: ", ")) \(unknown.count == 1 ? "is" : "are") not a value remindd has (it would be empty); the values: \(known.isEmpty ? "none" : known)"))
        }
        var sample: [String: String] = [:]
        for name in values { sample[name] = "x" }
        sample["to"] = "+61400000000"
        sample["to_digits"] = "61400000000"
        do { _ = try render(sample) } catch { problems.append(error) }
        return problems
    }

    /// Every problem of a request's templates at once: each part (the URL, each header, the
    /// body) parsed on its own, so one broken part does not hide another's, then checked by
    /// ``problems(values:)``. Empty when `RequestTemplate(url:headers:body:encoding:)` makes
    /// a request that can be sent.
    public static func problems(url: String, headers: [(String, String)] = [], body: String? = nil, encoding: BodyEncoding = .json,
                                values: Set<String>) -> [Failure] {
        var problems: [Failure] = []
        func check(_ make: () throws(Failure) -> RequestTemplate) {
            do { problems += try make().problems(values: values) } catch { problems.append(error) }
        }
        // A placeholder URL for the other parts (its problems are the url's own).
        let placeholder = "http://gateway.invalid/"
        check { () throws(Failure) in try RequestTemplate(url: url) }
        for header in headers { check { () throws(Failure) in try RequestTemplate(url: placeholder, headers: [header]) } }
        if let body { check { () throws(Failure) in try RequestTemplate(url: placeholder, body: body, encoding: encoding) } }
        return problems
    }

    /// The request for `values`: URL, headers (a Content-Type for the body unless set), body.
    public func render(_ values: [String: String]) throws(Failure) -> (url: URL, headers: [(String, String)], body: [UInt8]?) {
        let rendered = urlTemplate.render(values)
        guard let url = URL(string: rendered), url.scheme == "http" || url.scheme == "https", url.host?.isEmpty == false else {
            throw Failure(part: "url", reason: "the url template gives no http(s) URL with a host")
        }
        var headers = headerTemplates.map { ($0.name, $0.template.render(values)) }
        let body = bodyTemplate.map { Array($0.render(values).utf8) }
        if body != nil, !hasContentType { headers.append(("Content-Type", encoding.contentType)) }
        return (url, headers, body)
    }

    // MARK: Escaping

    static let urlType = "REMINDD_URL"
    static let headerType = "REMINDD_HEADER"
    static let jsonType = "REMINDD_JSON"
    static let formType = "REMINDD_FORM"

    private static let registerContentTypes: Void = {
        MustacheContentTypes.register(Escaper(escape: percentEncode), named: urlType)
        MustacheContentTypes.register(Escaper(escape: { String($0.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F }.map(Character.init)) }), named: headerType)
        MustacheContentTypes.register(Escaper(escape: jsonEscape), named: jsonType)
        MustacheContentTypes.register(Escaper(escape: formEncode), named: formType)
    }()

    struct Escaper: MustacheContentType {
        let escape: @Sendable (String) -> String
        func escapeText(_ text: String) -> String { escape(text) }
    }

    private static let unreserved: Set<UInt8> = Set(Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~".utf8))

    /// RFC 3986 percent-encoding of everything but the unreserved characters (UTF-8).
    public static func percentEncode(_ s: String) -> String {
        var out = ""
        for byte in s.utf8 {
            if unreserved.contains(byte) { out.unicodeScalars.append(UnicodeScalar(byte)) } else { out += String(format: "%%%02X", byte) }
        }
        return out
    }

    /// application/x-www-form-urlencoded: as ``percentEncode(_:)``, a space as `+`.
    public static func formEncode(_ s: String) -> String {
        percentEncode(s).replacingOccurrences(of: "%20", with: "+")
    }

    /// The inside of a JSON string: `"` `\` and control characters escaped (U+2028/9 too).
    public static func jsonEscape(_ s: String) -> String {
        var out = ""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x2028 || scalar.value == 0x2029 || scalar.value == 0x7F:
                out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
