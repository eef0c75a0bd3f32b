internal import NIOConcurrencyHelpers
internal import NIOCore
internal import NIOHTTP1
internal import NIOPosix
internal import NIOSSL
internal import NIOTLS

/// Keep-alive HTTP/1.1 connections to one origin (NIM's endpoint), one request at a time on each.
///
/// Why not AsyncHTTPClient here (issue 27): a NIM call is a small form POST answered by a small
/// JSON body, at up to 5,000 a second on NIM's larger editions. AsyncHTTPClient's general machinery
/// — a URL parsed per request, redirects, tracing spans, a streamed body, a request state machine
/// and a connection-pool state machine — cost more CPU per call than everything else the tool
/// does. Here a request is a head and one buffer, the answer one buffer, and a connection is
/// taken from and given back to a locked stack. (Downloads from old servers keep
/// AsyncHTTPClient, through ``SafeDownloader``: redirects and untrusted hosts are its business.)
///
/// At most as many connections as requests in flight (``NIMClient`` bounds those); a connection
/// that closed, or answered `Connection: close`, is dropped; idle ones older than `idleTimeout`
/// are closed when next looked at. A failure to connect (TLS handshake included) is
/// ``OriginPool/ConnectFailure``: the request never left this process.
final class OriginPool: Sendable {
    /// The request never left: connecting (or the TLS handshake) failed.
    struct ConnectFailure: Error, CustomStringConvertible {
        var cause: any Error
        var description: String { "connect failed: \(cause)" }
    }

    private struct Idle {
        var channel: any Channel
        var since: NIODeadline
    }

    let origin: HTTPOrigin
    /// The `Host` header of every request (``HTTPOrigin/hostHeader``, made once).
    let hostHeader: String
    /// The one loop of every connection (so that tasks on ``executor`` never hand an answer to
    /// another thread).
    let loop: any EventLoop
    /// Runs tasks on ``loop``.
    let executor: EventLoopExecutor
    private let tlsConfiguration: TLSConfiguration
    /// Made on the first connection of an https origin: a context that cannot be made (no trust
    /// store, say) is then a failure to connect with its reason, not a client that cannot exist.
    private let tlsContext = NIOLockedValueBox<NIOSSLContext?>(nil)
    private let connectTimeout: TimeAmount
    private let idleTimeout: TimeAmount
    private let idle = NIOLockedValueBox<[Idle]>([])
    private let closed = NIOLockedValueBox(false)

    init(
        _ origin: HTTPOrigin, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        tls: TLSConfiguration = .makeClientConfiguration(), connectTimeout: TimeAmount = .seconds(5),
        idleTimeout: TimeAmount = .seconds(55)
    ) {
        self.origin = origin
        hostHeader = origin.hostHeader
        loop = group.next()
        executor = EventLoopExecutor(loop)
        tlsConfiguration = tls
        self.connectTimeout = connectTimeout
        self.idleTimeout = idleTimeout
    }

    /// Sends `head` and `body` and waits at most `timeout` (and one ``ExchangeHandler/tick``) for
    /// the whole answer.
    func execute(_ head: HTTPRequestHead, body: ByteBuffer, timeout: TimeAmount) async throws -> HTTPAnswer {
        let channel = try await connection()
        let promise = channel.eventLoop.makePromise(of: HTTPAnswer.self)
        let exchange = Exchange(head: head, body: body, answer: promise, deadline: .now() + timeout)
        channel.writeAndFlush(exchange, promise: nil)
        do {
            let answer = try await promise.futureResult.get()
            if answer.keepAlive { giveBack(channel) }
            return answer
        } catch {
            channel.close(promise: nil)
            throw error
        }
    }

    /// Connections open and waiting for a request (for tests).
    var idleCount: Int { idle.withLockedValue { $0.count } }

    /// Closes every idle connection; later calls connect anew.
    func shutdown() async {
        closed.withLockedValue { $0 = true }
        let channels = idle.withLockedValue { idle in
            defer { idle = [] }
            return idle.map(\.channel)
        }
        for channel in channels { try? await channel.close() }
    }

    /// An idle connection that is still open and not too old, or a new one.
    private func connection() async throws -> any Channel {
        let now = NIODeadline.now()
        var stale: [any Channel] = []
        let reused = idle.withLockedValue { idle -> (any Channel)? in
            while let last = idle.popLast() {
                if last.channel.isActive && now - last.since < idleTimeout { return last.channel }
                stale.append(last.channel)
            }
            return nil
        }
        for channel in stale { channel.close(promise: nil) }
        if let reused { return reused }
        return try await connect()
    }

    private func giveBack(_ channel: any Channel) {
        let keep = idle.withLockedValue { idle in
            guard channel.isActive, !closed.withLockedValue({ $0 }) else { return false }
            idle.append(Idle(channel: channel, since: .now()))
            return true
        }
        if !keep { channel.close(promise: nil) }
    }

    private func connect() async throws -> any Channel {
        let tls: NIOSSLContext?
        do {
            tls = origin.tls ? try sslContext() : nil
        } catch {
            throw ConnectFailure(cause: error)
        }
        let serverName = origin.hostIsAddress ? nil : origin.host
        let bootstrap = ClientBootstrap(group: loop)
            .connectTimeout(connectTimeout)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    if let tls {
                        try pipeline.addHandler(NIOSSLClientHandler(context: tls, serverHostname: serverName))
                        try pipeline.addHandler(HandshakeWaiter(channel.eventLoop.makePromise()))
                    }
                    try pipeline.addHTTPClientHandlers(leftOverBytesStrategy: .dropBytes)
                    try pipeline.addHandler(ExchangeHandler())
                }
            }
        do {
            let channel = try await bootstrap.connect(host: origin.host, port: origin.port).get()
            if tls != nil {
                do {
                    let waiter = try await channel.pipeline.handler(type: HandshakeWaiter.self).get()
                    // A server that accepts and never answers the hello fails like one that never accepts.
                    let timer = channel.eventLoop.scheduleTask(in: connectTimeout) {
                        waiter.done.fail(ExchangeError.timeout)
                    }
                    defer { timer.cancel() }
                    try await waiter.done.futureResult.get()
                } catch {
                    try? await channel.close()
                    throw error
                }
            }
            return channel
        } catch {
            throw ConnectFailure(cause: error)
        }
    }
}

extension OriginPool {
    /// The TLS context, made once.
    private func sslContext() throws -> NIOSSLContext {
        try tlsContext.withLockedValue { context in
            if let context { return context }
            let made = try NIOSSLContext(configuration: tlsConfiguration)
            context = made
            return made
        }
    }
}

/// Completes when the TLS handshake has (the connection is handed out only then, so a handshake
/// that fails is a failure to connect: nothing was sent).
private final class HandshakeWaiter: ChannelInboundHandler, RemovableChannelHandler, Sendable {
    typealias InboundIn = NIOAny
    let done: EventLoopPromise<Void>

    init(_ done: EventLoopPromise<Void>) {
        self.done = done
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case TLSUserEvent.handshakeCompleted = event {
            done.succeed()
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        done.fail(error)
        context.fireErrorCaught(error)
    }

    func channelInactive(context: ChannelHandlerContext) {
        done.fail(ExchangeError.closed)
        context.fireChannelInactive()
    }
}
