internal import EmulatorKit
import Foundation

/// The export folder as the emulator serves it, read once at start: users in list order, user
/// attributes, contacts, blocks, groups, the hour files and the downloadable files.
///
/// Only the list and detail data are held in memory; hour files stay on disk (their attachments
/// are indexed at load) and are read again for each download.
struct ExportSnapshot: Sendable {
    /// One account of the user list: its `username` and its saved entity, served as is.
    struct User: Sendable {
        /// The user ID.
        let username: String
        /// The entity of `GET /users` as saved.
        let entity: JSONValue
    }

    /// One friend of a contact list, with the remark when the saved form has one.
    struct Contact: Sendable {
        /// The friend's user ID.
        let username: String
        /// The remark (`null` when the saved form has none).
        let remark: JSONValue
    }

    /// An attachment referenced by a history line.
    struct Attachment: Sendable {
        /// The `secret` of the body referencing it (the `share-secret` a download must carry).
        var secret: String?
        /// The newest referencing message's time, Unix ms.
        var messageMs: Int64
    }

    /// Users in list order (files sorted by name, entities in file order).
    var users: [User] = []
    /// User attributes by lowercased username (Easemob user IDs are case-insensitive).
    var attributes: [String: [String: JSONValue]] = [:]
    /// Contacts by lowercased owner.
    var contacts: [String: [Contact]] = [:]
    /// Blocked users by lowercased owner.
    var blocks: [String: [String]] = [:]
    /// Groups in list order: those of `chatgroups/page-*.json` first, then the other folders.
    var groups: [ExportGroup] = []
    /// Hour files by their key text.
    var hours: [String: HourFile] = [:]
    /// Files of `files/` by name (the last path segment of their URL).
    var files: [String: String] = [:]
    /// Attachments referenced by the hour files, by the last path segment of their URL.
    var attachments: [String: Attachment] = [:]

    /// An hour file on disk.
    struct HourFile: Sendable {
        /// Its hour.
        let key: HourKey
        /// Its path (gzip, or plain text that is gzipped when served).
        let path: String
    }

    /// Whether the export has the user `username` (case-insensitive).
    func hasUser(_ username: String, deleted: Set<String>) -> Bool {
        let key = username.lowercased()
        return !deleted.contains(key) && userKeys.contains(key)
    }

    /// Lowercased usernames of ``users``.
    var userKeys: Set<String> = []
}

/// Why the export folder cannot be served.
public struct ExportError: Error, CustomStringConvertible {
    /// The file or folder at fault.
    public let path: String
    /// What is wrong with it.
    public let reason: String
    /// One line naming both.
    public var description: String { "\(path): \(reason)" }
}
