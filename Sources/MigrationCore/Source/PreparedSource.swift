internal import Foundation

/// The source as the stages read it: a canonical export folder, where its lines came from, and
/// what the source adapter found while producing it.
public struct PreparedSource: Sendable {
    public var export: ExportFolder
    public var origins: SourceOrigins
    /// The file of the problems found by the adapter (recorded with the stages' own), if any.
    public var problemLog: String?
    /// Per original file, how the adapter accounted for its entries.
    public var account: [String: ElementAccount]
    /// Identifies the conversion the problems belong to (nil: no adapter), so they are recorded
    /// once per conversion, not at every start.
    public var stamp: String?

    public init(
        export: ExportFolder, origins: SourceOrigins = .identity, problemLog: String? = nil,
        account: [String: ElementAccount] = [:], stamp: String? = nil
    ) {
        self.export = export
        self.origins = origins
        self.problemLog = problemLog
        self.account = account
        self.stamp = stamp
    }

    /// A canonical export is read as it is; a vendor's export is converted into
    /// `state/NAME/FORMAT-source/` first (or the conversion of the same export is reused).
    public static func prepare(_ config: PipelineConfig) async throws -> PreparedSource {
        guard let vendor = SourceFormats.vendor(for: config.source.format) else {
            return PreparedSource(export: ExportFolder(root: config.source.path))
        }
        return try await ConvertOnce(
            vendor: vendor, root: config.source.path, output: config.outputDirectory + "/\(vendor.format)-source"
        ).prepare()
    }
}
