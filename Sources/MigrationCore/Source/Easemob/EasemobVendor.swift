/// Easemob (`source.format: easemob`): its export folder (``EasemobExport``), its message and
/// callback shapes as serve receives them (``EasemobMessage``, ``EasemobEvent``) and its pull
/// client (``EasemobPull``). Its emulator is the `EasemobEmulator` target.
public struct EasemobVendor: SourceVendor {
    public init() {}

    public var format: String { "easemob" }
    public var displayName: String { "Easemob" }
    public var conversionVersion: String { "easemob-adapter-4" }

    public func convert(export root: String, into directory: String) async throws -> ConvertedExport {
        try await EasemobExport(root: root).convert(into: directory)
    }

    public func incomingMessage(_ value: JSONValue) -> IncomingMessage? {
        guard EasemobMessage.isEasemob(value) else { return nil }
        switch EasemobMessage().convert(value) {
        case .line(let text, _): return .line(text)
        case .skipped(let code, let reason): return .skipped(code: code, reason: reason)
        case .rejected(let code, let reason): return .rejected(code: code, reason: reason)
        }
    }

    public func incomingEvents(_ object: [String: JSONValue]) -> Result<[[String: JSONValue]], IncomingRejection>? {
        EasemobEvent.isEasemob(object) ? EasemobEvent.convert(object) : nil
    }

    public var hasPull: Bool { true }

    public func pull(
        pipelinePath: String, environment: [String: String], progress: @escaping @Sendable (String) -> Void
    ) async throws -> PullReport {
        try await EasemobPull.run(pipelinePath: pipelinePath, environment: environment, progress: progress)
    }
}
