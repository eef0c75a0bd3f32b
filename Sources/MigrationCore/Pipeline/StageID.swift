/// The stages of a migration, in the order the migration plan prescribes.
public enum StageID: String, CaseIterable, Sendable, Codable, Comparable, CustomStringConvertible {
    case users, relations, groups, files, history, sessions

    /// Position in the documented order (users first, sessions last).
    public var order: Int { Self.allCases.firstIndex(of: self) ?? 0 }

    public static func < (lhs: StageID, rhs: StageID) -> Bool { lhs.order < rhs.order }

    public var description: String { rawValue }

    /// The stages whose results this stage reads (besides the source): accids from users, tids
    /// from groups, NIM URLs from files, the migrated history for sessions. The runner derives
    /// re-runs from it (see ``Stage/inputsFinished(at:_:)``).
    public var inputs: [StageID] {
        switch self {
        case .users: []
        case .relations, .groups: [.users]
        case .files: []
        case .history: [.users, .groups, .files]
        case .sessions: [.users, .groups, .history]
        }
    }
}
