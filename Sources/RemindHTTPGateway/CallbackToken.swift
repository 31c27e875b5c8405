/// The per-message token remindd puts in a receipt's callback URL (Kannel's dlr-url, a REST
/// gateway's status URL): the first 16 octets of HMAC-SHA-256(key, message id), in hex.
///
/// The listener recomputes it from the id in the URL, so no table of tokens is kept and a
/// restarted daemon still knows the receipts of messages sent before. The key is the
/// callback secret (a systemd credential); without it a token cannot be made up.
public struct CallbackToken: Sendable {
    private let key: [UInt8]

    public init(key: [UInt8]) {
        precondition(!key.isEmpty, "a callback token needs a key")
        self.key = key
    }

    /// The token for the message `id` (32 hex digits).
    public func token(for id: String) -> String {
        SHA256.hmac(key: key, message: Array(id.utf8)).prefix(16).map { byte in
            let digits = Array("0123456789abcdef".utf8)
            return String(decoding: [digits[Int(byte >> 4)], digits[Int(byte & 0xF)]], as: UTF8.self)
        }.joined()
    }

    /// Whether `token` is the one for `id`, compared in constant time.
    public func verify(_ token: String, for id: String) -> Bool {
        let expected = Array(self.token(for: id).utf8)
        let given = Array(token.utf8)
        guard expected.count == given.count else { return false }
        var difference: UInt8 = 0
        for i in expected.indices { difference |= expected[i] ^ given[i] }
        return difference == 0
    }

    /// `secret` compared with `expected` in constant time (the replies' shared secret).
    public static func equal(_ secret: String, _ expected: String) -> Bool {
        let a = Array(secret.utf8), b = Array(expected.utf8)
        var difference: UInt8 = a.count == b.count ? 0 : 1
        for i in 0..<min(a.count, b.count) { difference |= a[i] ^ b[i] }
        return difference == 0
    }
}
