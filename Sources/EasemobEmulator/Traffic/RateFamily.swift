/// The groups of calls Easemob limits together, each with its own window and limit.
public enum RateFamily: String, Sendable, CaseIterable, Codable {
    /// `POST /token` (300/s).
    case token
    /// The account and group APIs: users, user attributes, contacts, groups (100/s, shared).
    case user
    /// The blocklist API (50/s).
    case block
    /// `GET /chatmessages/{hour}` (10 calls in any 60 s).
    case history
    /// `GET /chatfiles/{uuid}` (100/s).
    case file
    /// The signed history downloads and `/_files` (no token; unlimited unless configured).
    case download

    /// The family of a request path, `nil` for the emulator's own routes (`/_emulator`).
    static func of(segments: [Substring]) -> RateFamily? {
        guard let first = segments.first else { return nil }
        if first == "_emulator" { return nil }
        if first == "_oss" || first == "_files" { return .download }
        guard segments.count >= 3 else { return .user }
        switch segments[2] {
        case "token": return .token
        case "chatmessages": return .history
        case "chatfiles": return .file
        case "users" where segments.count >= 5 && segments[4] == "blocks": return .block
        default: return .user
        }
    }

    /// The limit's window in seconds: 60 for history, 1 for the others.
    var windowSeconds: Int { self == .history ? 60 : 1 }

    /// The calls allowed per window under `configuration`; `nil`: unlimited.
    func limit(in configuration: EasemobEmulatorConfiguration) -> Int? {
        switch self {
        case .token: return configuration.tokenRate
        case .user: return configuration.userRate
        case .block: return configuration.blockRate
        case .history: return configuration.historyPerMinute
        case .file: return configuration.fileRate
        case .download: return configuration.downloadRate
        }
    }
}
