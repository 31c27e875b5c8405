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

    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    public let url: String
    public let encoding: BodyEncoding
    private let urlTemplate: MustacheTemplate
    private let headerTemplates: [(name: String, template: MustacheTemplate)]
    private let bodyTemplate: MustacheTemplate?
    private let hasContentType: Bool

    /// Parses the templates; throws naming the one that is not valid (`url`, `headers.NAME`, `body`).
    public init(url: String, headers: [(String, String)] = [], body: String? = nil, encoding: BodyEncoding = .json) throws(Failure) {
        Self.registerContentTypes
        self.url = url
        self.encoding = encoding
        func parse(_ source: String, _ type: String, _ what: String) throws(Failure) -> MustacheTemplate {
            if source.contains("{{{") || source.contains("{{&") {
                throw Failure(description: "\(what): triple braces and {{& }} skip escaping; use {{name}} (values are escaped for where they go)")
            }
            do { return try MustacheTemplate(string: "{{% CONTENT_TYPE: \(type) }}\n" + source) } catch {
                throw Failure(description: "\(what): not a valid Mustache template: \(error)")
            }
        }
        self.urlTemplate = try parse(url, Self.urlType, "url")
        var headerTemplates: [(String, MustacheTemplate)] = []
        for (name, value) in headers {
            guard !name.isEmpty, name.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: ":") }) else {
                throw Failure(description: "headers: '\(name)' is not a header name")
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
    }

    /// The request for `values`: URL, headers (a Content-Type for the body unless set), body.
    public func render(_ values: [String: String]) throws(Failure) -> (url: URL, headers: [(String, String)], body: [UInt8]?) {
        let rendered = urlTemplate.render(values)
        guard let url = URL(string: rendered), url.scheme == "http" || url.scheme == "https", url.host != nil else {
            throw Failure(description: "the url template gives no http(s) URL")
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
