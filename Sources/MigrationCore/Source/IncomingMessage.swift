/// What a vendor makes of a message body serve received on `/old/messages` (``SourceVendor``).
public enum IncomingMessage: Sendable, Equatable {
    /// The message as a canonical line, old ids.
    case line(String)
    /// Not a chat message at all (a command, a chat room's): acknowledged and dropped.
    case skipped(code: String, reason: String)
    /// A message of the vendor's shape that cannot be read.
    case rejected(code: String, reason: String)
}
