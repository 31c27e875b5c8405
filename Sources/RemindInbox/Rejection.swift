/// Why a row was rejected: a sentence without patient data.
struct Rejection: Error, Hashable {
    var reason: String
    init(_ reason: String) { self.reason = reason }
}
