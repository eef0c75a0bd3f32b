/// The AppSecret. It prints as `<redacted>` and is not `Codable`, so it cannot slip into a log
/// line, a report or the state database by accident; only ``CheckSum`` reads it.
public struct Secret: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    let value: String

    public init(_ value: String) {
        self.value = value
    }

    public var description: String { "<redacted>" }
    public var debugDescription: String { "<redacted>" }
}
