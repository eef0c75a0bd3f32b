/// The shape of a generated canonical export.
public struct ExportSpec: Sendable, Equatable {
    public var users: Int
    public var groups: Int
    public var messages: Int
    public var seed: UInt64
    /// Members of the first group (the big one); beyond 199 it needs `team/add.action` batches.
    public var bigGroupMembers: Int
    /// Attachment files written to `files/` and referenced by media messages.
    public var attachments: Int
    /// When set, media messages reference their attachments as `BASE/NAME` (an old CDN serving
    /// the export's `files/`, e.g. `nim-migrate emulator --cdn-dir`) instead of `files/NAME`.
    public var attachmentBase: String? = nil

    public init(users: Int, groups: Int, messages: Int, seed: UInt64, bigGroupMembers: Int = 240, attachments: Int = 6)
    {
        self.users = max(users, 4)
        self.groups = max(groups, 1)
        self.messages = max(messages, 0)
        self.seed = seed
        self.bigGroupMembers = min(bigGroupMembers, max(users, 4) - 1)
        self.attachments = max(attachments, 1)
    }

    /// The bundled sample of `pipelines/sample/export`.
    public static let sample = ExportSpec(users: 300, groups: 12, messages: 4000, seed: 20_261_127)
}
