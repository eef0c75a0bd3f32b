/// A source vendor (`source.format: NAME`): everything the tool knows about one old IM service's
/// data lives in its folder `Source/<Vendor>/` behind this protocol, and the vendor is one line of
/// ``SourceFormats/vendors``. The canonical format is built in and has no vendor.
///
/// What a second vendor (Tencent IM, RongCloud: `reference/source-exports.md`) must provide:
/// - ``format`` and ``conversionVersion``, and ``convert(export:into:)``: its export folder written
///   as canonical files, with where every line came from and what it could not convert. The
///   generic ``ConvertOnce`` stamps, stages and swaps the result, so a conversion runs once per
///   version of the export and a kill leaves the old conversion or the new one;
/// - ``incomingMessage(_:)`` and ``incomingEvents(_:)``: its real-time callback bodies (as its
///   server posts them to serve's `/old/messages` and `/old/events`) as canonical message lines
///   and canonical event objects; nil for a body that is not in its shape;
/// - optionally ``pull(pipelinePath:environment:progress:)`` (`nim-migrate pull`): a copy of the
///   app out of its REST API into `source.path`, in the layout ``convert(export:into:)`` reads.
///   Its emulator (as `Sources/EasemobEmulator`) is a target of its own that does not import
///   MigrationCore, so it stays an independent oracle for the pull client.
public protocol SourceVendor: Sendable {
    /// The `source.format` value, e.g. `easemob`.
    var format: String { get }
    /// The vendor's name in messages, e.g. `Easemob`.
    var displayName: String { get }
    /// Changes whenever the conversion's output could change, to force a new conversion.
    var conversionVersion: String { get }
    /// Writes the canonical files of the export at `root` (and `problems.jsonl`) into `directory`.
    func convert(export root: String, into directory: String) async throws -> ConvertedExport
    /// A body posted to `/old/messages` as a canonical line; nil when it is not in this vendor's shape.
    func incomingMessage(_ value: JSONValue) -> IncomingMessage?
    /// A callback posted to `/old/events` as canonical event objects (one callback may stand for
    /// several), or why it makes none; nil when it is not in this vendor's shape.
    func incomingEvents(_ object: [String: JSONValue]) -> Result<[[String: JSONValue]], IncomingRejection>?
    /// Whether `nim-migrate pull` can copy this vendor's app (a `source.pull` section is accepted).
    var hasPull: Bool { get }
    /// `nim-migrate pull`: copies the app into `source.path`; the report says what was copied.
    func pull(
        pipelinePath: String, environment: [String: String], progress: @escaping @Sendable (String) -> Void
    ) async throws -> PullReport
}

extension SourceVendor {
    public var hasPull: Bool { false }

    public func pull(
        pipelinePath: String, environment: [String: String], progress: @escaping @Sendable (String) -> Void
    ) async throws -> PullReport {
        throw ConfigError(path: "source.format", "\(format) has no pull")
    }
}
