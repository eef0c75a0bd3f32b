/// Why an emulator could not start.
public struct EmulatorStartError: Error, CustomStringConvertible {
    /// The emulator's name in the message, e.g. `NIM emulator`.
    public let emulator: String
    /// The underlying error (the export unreadable, the address in use), if any.
    public let underlying: (any Error)?

    public init(emulator: String, underlying: (any Error)?) {
        self.emulator = emulator
        self.underlying = underlying
    }

    /// A one-line explanation.
    public var description: String {
        "\(emulator) did not start: \(underlying.map { "\($0)" } ?? "server stopped before listening")"
    }
}
