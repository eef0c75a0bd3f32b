/// What serve keeps in order, as stored in `serve.sqlite` (`inbox.conv`, `event.scope`): built here
/// and only here, from ``OldUserID``s, so two spellings of one user are one scope.
///
/// - messages: a p2p conversation `p|a|b` (the two users sorted) or a team's `t|gid`;
/// - changes: an account `u|accid` (`user.*`), a pair `r|a|b` (`friend.*`, `block.*`), a group
///   `g|gid` (`group.*`), a recall the conversation of its message, and `x|id` for an event that
///   names nothing (stored only to be listed as failed).
///
/// A pair's changes are ordered with its p2p conversation's messages, a group's with its team's
/// (``changes``, ``messages``).
struct Scope: Hashable, Sendable, CustomStringConvertible {
    /// The stored text.
    let text: String

    private init(_ text: String) {
        self.text = text
    }

    /// A scope read back from `serve.sqlite` (written by one of the builders below).
    init(stored text: String) {
        self.text = text
    }

    var description: String { text }

    /// An account's changes.
    static func user(_ user: OldUserID) -> Scope { Scope("u|\(user)") }

    /// A pair's friendship and block changes (either order names the same pair).
    static func pair(_ a: OldUserID, _ b: OldUserID) -> Scope { Scope("r|" + sorted(a, b)) }

    /// A group's changes (old gid).
    static func group(_ gid: String) -> Scope { Scope("g|\(gid)") }

    /// A p2p conversation's messages (either direction is the same conversation).
    static func p2p(_ a: OldUserID, _ b: OldUserID) -> Scope { Scope("p|" + sorted(a, b)) }

    /// A team conversation's messages (old gid).
    static func team(_ gid: String) -> Scope { Scope("t|\(gid)") }

    /// An event that names nothing to order it with: a scope of its own.
    static func alone(event id: String) -> Scope { Scope("x|\(id)") }

    /// Whether this is a team conversation.
    var isTeam: Bool { text.hasPrefix("t|") }

    /// The scope of the changes a conversation's messages are ordered with: a team's group, a p2p
    /// conversation's pair; nil for scopes that are not conversations.
    var changes: Scope? {
        if text.hasPrefix("t|") { return Scope("g|" + text.dropFirst(2)) }
        if text.hasPrefix("p|") { return Scope("r|" + text.dropFirst(2)) }
        return nil
    }

    /// The conversation whose messages a scope's changes are ordered with (see ``changes``).
    var messages: Scope? {
        if text.hasPrefix("g|") { return Scope("t|" + text.dropFirst(2)) }
        if text.hasPrefix("r|") { return Scope("p|" + text.dropFirst(2)) }
        return nil
    }

    private static func sorted(_ a: OldUserID, _ b: OldUserID) -> String {
        a <= b ? "\(a)|\(b)" : "\(b)|\(a)"
    }
}
