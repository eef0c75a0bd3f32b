public import Hummingbird
public import NIOCore

/// The request context of the emulator's routes: Hummingbird's core storage plus the
/// connection's channel, which an outage in `cut` mode closes without answering.
public struct EasemobRequestContext: RequestContext {
    /// Hummingbird's per-request storage.
    public var coreContext: CoreRequestContextStorage
    /// The connection the request came in on.
    public let channel: any Channel

    /// A context for a request arriving on `source.channel`.
    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.channel = source.channel
    }
}
