/// The shared token of `serve`'s HTTP interface. Prints as `<redacted>`; compared in constant time.
public struct BearerToken: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    private let value: [UInt8]

    public init(_ value: String) {
        self.value = Array(value.utf8)
    }

    public var description: String { "<redacted>" }
    public var debugDescription: String { "<redacted>" }

    /// Whether an `Authorization` header carries this token (`Bearer TOKEN`).
    public func accepts(authorization: String?) -> Bool {
        guard let authorization, authorization.hasPrefix("Bearer ") else { return false }
        return ConstantTime.equal(Array(authorization.utf8.dropFirst(7)), value)
    }
}
