public import Hummingbird
public import NIOCore

/// The request context of both emulators' routes: Hummingbird's core storage plus the
/// connection's channel, which an outage (`cut` mode) or fault injection closes to drop a call
/// without a response.
public struct ChannelRequestContext: RequestContext {
    /// Hummingbird's per-request storage.
    public var coreContext: CoreRequestContextStorage
    /// The connection the request came in on.
    public let channel: any Channel

    /// A context for a request arriving on `source.channel`.
    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.channel = source.channel
    }

    /// Large enough for a 15 MB file as Base64 in a form field.
    public var maxUploadSize: Int { 64 * 1024 * 1024 }

    /// Thrown after the connection was closed on purpose; nothing can be written any more.
    public struct DroppedConnection: Error {}

    /// Closes the connection without an answer (an outage's cut, an injected drop) and throws
    /// ``DroppedConnection``.
    public func dropConnection() async throws -> Never {
        try? await channel.close().get()
        throw DroppedConnection()
    }
}
