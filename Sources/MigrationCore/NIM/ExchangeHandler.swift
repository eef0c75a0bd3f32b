internal import NIOCore
internal import NIOHTTP1

/// One request and the promise of its answer, written to a keep-alive connection of ``OriginPool``.
struct Exchange: Sendable {
    var head: HTTPRequestHead
    var body: ByteBuffer
    var answer: EventLoopPromise<HTTPAnswer>
    /// When the whole answer must be in (the attempt's timeout).
    var deadline: NIODeadline
}

/// What came back: the status and the whole body.
struct HTTPAnswer: Sendable {
    var status: UInt
    var body: ByteBuffer
    /// Whether the server keeps the connection open for the next request.
    var keepAlive: Bool
}

/// Why an exchange did not complete.
enum ExchangeError: Error, CustomStringConvertible {
    /// The connection closed before the whole answer came.
    case closed
    /// No answer within the attempt's time.
    case timeout
    /// The answer is longer than the client reads.
    case tooLarge
    /// A second request on a connection that has one in flight (a bug of the pool's).
    case busy

    var description: String {
        switch self {
        case .closed: "remote connection closed before the answer was complete"
        case .timeout: "read timed out"
        case .tooLarge: "answer body too large"
        case .busy: "connection busy"
        }
    }
}

/// The last handler of an ``OriginPool`` connection: one ``Exchange`` at a time, its answer
/// collected whole and handed to the exchange's promise on the connection's event loop.
///
/// Deadlines: a timer per exchange (scheduled, then cancelled when the answer came) cost about
/// 8 % of the tool's CPU per call in the event loop's timer heap (issue 27). Instead a busy
/// connection looks at its exchange's deadline every ``tick`` — an answer that is late fails at
/// most one tick after its deadline — and stops looking after ``idleTicks`` ticks with nothing
/// in flight (an idle kept-alive connection of `serve` wakes nobody).
final class ExchangeHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundIn = Exchange
    typealias OutboundOut = HTTPClientRequestPart

    static let bodyLimit = 32 << 20
    static let tick = TimeAmount.milliseconds(100)
    static let idleTicks = 10
    private var pending: EventLoopPromise<HTTPAnswer>?
    private var deadline = NIODeadline.distantFuture
    private var watch: RepeatedTask?
    private var idle = 0
    private var status: UInt = 0
    private var keepAlive = true
    private var body: ByteBuffer?

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let exchange = unwrapOutboundIn(data)
        guard pending == nil else {
            exchange.answer.fail(ExchangeError.busy)
            promise?.fail(ExchangeError.busy)
            return
        }
        pending = exchange.answer
        deadline = exchange.deadline
        idle = 0
        if watch == nil { startWatch(context) }
        status = 0
        body = nil
        context.write(wrapOutboundOut(.head(exchange.head)), promise: nil)
        if exchange.body.readableBytes > 0 {
            context.write(wrapOutboundOut(.body(.byteBuffer(exchange.body))), promise: nil)
        }
        context.write(wrapOutboundOut(.end(nil)), promise: promise)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            status = head.status.code
            keepAlive = head.isKeepAlive
        case .body(var part):
            if body == nil {
                body = part
            } else {
                body?.writeBuffer(&part)  // in place: no copy of what came before
            }
            if (body?.readableBytes ?? 0) > Self.bodyLimit { fail(context, ExchangeError.tooLarge) }
        case .end:
            guard let promise = pending else { return }
            pending = nil
            let answer = HTTPAnswer(status: status, body: body ?? ByteBuffer(), keepAlive: keepAlive)
            body = nil
            if !keepAlive { context.close(promise: nil) }
            promise.succeed(answer)
        }
    }

    private func startWatch(_ context: ChannelHandlerContext) {
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        watch = context.eventLoop.scheduleRepeatedTask(initialDelay: Self.tick, delay: Self.tick) { _ in
            let (handler, context) = bound.value
            guard handler.pending != nil else {
                handler.idle += 1
                if handler.idle >= Self.idleTicks {
                    handler.watch?.cancel()
                    handler.watch = nil
                }
                return
            }
            if NIODeadline.now() >= handler.deadline { handler.fail(context, ExchangeError.timeout) }
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        watch?.cancel()
        watch = nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        watch?.cancel()
        watch = nil
        pending?.fail(ExchangeError.closed)
        pending = nil
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(context, error)
    }

    /// Fails the exchange in flight and closes the connection (its state is unknown now).
    func fail(_ context: ChannelHandlerContext, _ error: any Error) {
        pending?.fail(error)
        pending = nil
        context.close(promise: nil)
    }
}
