/// The format list: `source.format` → the vendor that reads it. `canonical` is built in; every
/// other format is a ``SourceVendor``, and adding one is adding its line to ``vendors``.
public enum SourceFormats {
    /// Every vendor the tool reads, in the order serve tries their callback shapes.
    public static let vendors: [any SourceVendor] = [EasemobVendor()]

    /// Every format name, the built-in one first.
    public static var known: [String] { [PipelineConfig.SourceFormat.canonical.rawValue] + vendors.map(\.format) }

    /// The format named `name`, or why there is none.
    public static func resolve(_ name: String) -> Result<PipelineConfig.SourceFormat, UnknownSourceFormat> {
        guard known.contains(name) else { return .failure(UnknownSourceFormat(name: name, known: known)) }
        return .success(PipelineConfig.SourceFormat(rawValue: name))
    }

    /// The vendor of `format`; nil for the canonical format.
    public static func vendor(for format: PipelineConfig.SourceFormat) -> (any SourceVendor)? {
        vendors.first { $0.format == format.rawValue }
    }

    /// The vendors whose `pull` can copy an app.
    static var pulling: [any SourceVendor] { vendors.filter(\.hasPull) }

    /// `nim-migrate pull PIPELINE`: the pull of the pipeline's source vendor.
    public static func pull(
        pipelinePath: String, environment: [String: String],
        progress: @escaping @Sendable (String) -> Void = { _ in }
    ) async throws -> PullReport {
        let config = try PipelineConfig.load(path: pipelinePath)
        guard let vendor = vendor(for: config.source.format), vendor.hasPull else {
            let formats = pulling.map(\.format).joined(separator: " or ")
            throw ConfigError(path: "source.format", "pull copies a vendor's app: set source.format: \(formats)")
        }
        return try await vendor.pull(pipelinePath: pipelinePath, environment: environment, progress: progress)
    }
}

/// A `source.format` that is not in the format list.
public struct UnknownSourceFormat: Error, Sendable, Equatable, CustomStringConvertible {
    public var name: String
    public var known: [String]

    public var description: String { "unknown format '\(name)' (known: \(known.joined(separator: ", ")))" }
}
