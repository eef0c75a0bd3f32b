/// The stages of a migration, in the order the migration plan prescribes.
public enum StageID: String, CaseIterable, Sendable, Codable, Comparable, CustomStringConvertible {
    case users, relations, groups, files, history, sessions

    /// Position in the documented order (users first, sessions last).
    public var order: Int { Self.allCases.firstIndex(of: self) ?? 0 }

    public static func < (lhs: StageID, rhs: StageID) -> Bool { lhs.order < rhs.order }

    public var description: String { rawValue }
}
