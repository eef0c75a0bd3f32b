/// A validation problem found in the source: one input line the tool will not migrate (error) or
/// migrates with a change the operator should know about (warning).
public struct Problem: Sendable, Equatable, Codable {
    public enum Severity: String, Sendable, Codable { case error, warning }

    public var stage: StageID
    /// File name within the export (or the pipeline file).
    public var file: String
    /// 1-based physical line, or 0 when the problem is about the whole file.
    public var line: Int
    /// Short machine-readable kind, e.g. `invalid-accid`.
    public var code: String
    public var message: String
    public var severity: Severity

    public init(stage: StageID, file: String, line: Int, code: String, message: String, severity: Severity = .error) {
        self.stage = stage
        self.file = file
        self.line = line
        self.code = code
        self.message = message
        self.severity = severity
    }

    /// `file:line` as reports name it.
    public var location: String { line > 0 ? "\(file):\(line)" : file }
}

extension Problem: Error {}
