/// What a vendor's conversion wrote besides the canonical files (``SourceVendor/convert(export:into:)``),
/// kept by ``ConvertOnce`` beside them.
public struct ConvertedExport: Sendable {
    /// Where every converted line came from (the operator's file and line).
    public var origins: SourceOrigins
    /// Report names of the message files (the original files') → their converted file.
    public var messageAliases: [String: String]
    /// Per original file, how its entries were accounted for.
    public var account: [String: ElementAccount]

    public init(origins: SourceOrigins, messageAliases: [String: String], account: [String: ElementAccount]) {
        self.origins = origins
        self.messageAliases = messageAliases
        self.account = account
    }
}
