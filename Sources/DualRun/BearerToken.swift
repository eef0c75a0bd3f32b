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

/// Comparisons whose duration does not depend on where two secrets first differ.
enum ConstantTime {
    /// Whether the byte strings are equal; the time depends on their lengths only.
    static func equal(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var difference = UInt8(a.count == b.count ? 0 : 1)
        let count = max(a.count, b.count)
        for index in 0..<count {
            let x = index < a.count ? a[index] : 0
            let y = index < b.count ? b[index] : 0
            difference |= x ^ y
        }
        return difference == 0
    }
}
