/// Why a vendor's event callback makes no canonical event (``SourceVendor/incomingEvents(_:)``).
public struct IncomingRejection: Error, Sendable, Equatable {
    public var reason: String
    /// Not a change NIM needs (a friend request, a chat room's event): acknowledged and dropped,
    /// so the old server does not retry it.
    public var ignorable: Bool

    public init(reason: String, ignorable: Bool = false) {
        self.reason = reason
        self.ignorable = ignorable
    }
}
