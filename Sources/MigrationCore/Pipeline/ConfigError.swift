/// A pipeline file that cannot be used, named by the key path at fault.
public struct ConfigError: Error, Equatable, CustomStringConvertible {
    /// Dotted key path, e.g. `throttle.rate`, or the file itself when empty.
    public var path: String
    public var message: String

    public init(path: String, _ message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { path.isEmpty ? message : "\(path): \(message)" }
}
