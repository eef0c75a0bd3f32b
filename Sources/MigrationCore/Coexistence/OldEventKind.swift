/// The kinds of change the old server posts to `serve`'s `/old/events` (SPEC §7), by the `type`
/// they are stored under. Code that acts on an event switches over this enum exhaustively: a kind
/// added here is a compile error wherever it is not handled. A `type` that is none of these is
/// stored and listed as failed ("unknown event type").
public enum OldEventKind: String, Sendable, CaseIterable {
    case userCreated = "user.created"
    case userUpdated = "user.updated"
    case friendAdded = "friend.added"
    case friendUpdated = "friend.updated"
    case friendRemoved = "friend.removed"
    case blockAdded = "block.added"
    case blockRemoved = "block.removed"
    case groupCreated = "group.created"
    case groupUpdated = "group.updated"
    case groupDismissed = "group.dismissed"
    case groupMembersAdded = "group.members_added"
    case groupMembersRemoved = "group.members_removed"
    case groupManagersAdded = "group.managers_added"
    case groupManagersRemoved = "group.managers_removed"
    case groupMemberMuted = "group.member_muted"
    case groupOwnerChanged = "group.owner_changed"
    case messageRecalled = "message.recalled"
}

extension OldEventKind {
    /// What a kind changes, for the code that acts on it: a switch over ``family`` is exhaustive
    /// and each family's own cases are only its kinds.
    public enum Family: Sendable, Equatable {
        /// `user.created` (`created: true`) or `user.updated`: an account.
        case user(created: Bool)
        /// `friend.*`: a friendship between two accounts.
        case friendship(Friendship)
        /// `block.added` (`added: true`) or `block.removed`: one account's blacklist or mute list.
        case block(added: Bool)
        /// `group.created`: a team built whole.
        case groupCreated
        /// The other `group.*` kinds: a change of a team that exists.
        case team(TeamChange)
        /// `message.recalled`: a message of a conversation.
        case recall
    }

    /// A `friend.*` kind.
    public enum Friendship: String, Sendable {
        case added = "friend.added"
        case updated = "friend.updated"
        case removed = "friend.removed"
    }

    /// A `group.*` kind that changes a team that exists.
    public enum TeamChange: String, Sendable {
        case updated = "group.updated"
        case dismissed = "group.dismissed"
        case membersAdded = "group.members_added"
        case membersRemoved = "group.members_removed"
        case managersAdded = "group.managers_added"
        case managersRemoved = "group.managers_removed"
        case memberMuted = "group.member_muted"
        case ownerChanged = "group.owner_changed"
    }

    /// What this kind changes.
    public var family: Family {
        switch self {
        case .userCreated: .user(created: true)
        case .userUpdated: .user(created: false)
        case .friendAdded: .friendship(.added)
        case .friendUpdated: .friendship(.updated)
        case .friendRemoved: .friendship(.removed)
        case .blockAdded: .block(added: true)
        case .blockRemoved: .block(added: false)
        case .groupCreated: .groupCreated
        case .groupUpdated: .team(.updated)
        case .groupDismissed: .team(.dismissed)
        case .groupMembersAdded: .team(.membersAdded)
        case .groupMembersRemoved: .team(.membersRemoved)
        case .groupManagersAdded: .team(.managersAdded)
        case .groupManagersRemoved: .team(.managersRemoved)
        case .groupMemberMuted: .team(.memberMuted)
        case .groupOwnerChanged: .team(.ownerChanged)
        case .messageRecalled: .recall
        }
    }
}
