internal import EmulatorKit
import HTTPTypes
import Hummingbird
import NIOCore

/// Everything that happens to an API call before its handler: the network's jitter, counting,
/// frequency control, injected latency, faults and drops, and the signature check; and the stall
/// after it.
///
/// Only `/nimserver/…` and `/im/…` are API calls; `/_files` and `/_emulator` pass untouched
/// (not counted, not throttled, no auth).
struct TrafficMiddleware: APIMiddleware {
    let core: EmulatorCore

    /// An API call's statistics key.
    func call(of request: Request) -> String? { Self.endpoint(of: request) }

    func handle(
        call endpoint: String, _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        // The network: the call reaches NIM's counter up to `arrivalJitterMs` later, so the gate
        // below counts (and 416s) by the arrival clock — reordered and bunched — not the sender's.
        // It is counted at that instant exactly, however late this task wakes from the sleep.
        let arrival = ContinuousClock.now.advanced(by: core.jitter.withValue { $0.next() })
        if arrival > .now { try await Task.sleep(until: arrival, clock: .continuous) }
        if let outage = core.outage.value, core.nowMs() < outage.untilMs {
            // Down: nothing is counted or changed.
            switch outage.mode {
            case .cut:
                try await context.dropConnection()
            case .unavailable:
                return WireResponse.json(["code": 503, "desc": "service unavailable"], status: .serviceUnavailable)
            }
        }
        let admission = await core.monitor.admit(arrivedAt: arrival)
        let plan = admission.plan
        let throttled = admission.throttled
        let stall = plan.stall && (throttled || plan.outcome != .drop)
        try? await core.store.record(
            EmulatorStore.CallRecord(
                endpoint: endpoint, throttled: throttled,
                faulted: !throttled && plan.outcome != .serve && plan.outcome != .drop,
                dropped: !throttled && plan.outcome == .drop, stalled: stall,
                maxPerSecond: admission.maxPerSecond))
        if plan.latencyMs > 0 { try await Task.sleep(for: .milliseconds(plan.latencyMs)) }

        let response = try await answer(
            request, context: context, throttled: throttled, outcome: plan.outcome, next: next)
        return stall ? response.stalled(for: .milliseconds(max(0, core.configuration.stallMs))) : response
    }

    private func answer(
        _ request: Request, context: Context, throttled: Bool, outcome: FaultPlan.Outcome,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        if throttled {
            return WireResponse.json(["code": 416, "desc": "frequency control"])
        }
        switch outcome {
        case .serve:
            break
        case .drop:
            try await context.dropConnection()
        case .fault(let status):
            let desc = status == 503 ? "server busy" : "server internal error"
            return WireResponse.json(
                ["code": .number(status), "desc": .string(desc)], status: HTTPResponse.Status(code: status))
        }
        if let failure = authenticate(request) {
            return WireResponse.failure(failure)
        }
        return try await next(request, context)
    }

    private func authenticate(_ request: Request) -> NIMFailure? {
        func header(_ name: String) -> String? {
            HTTPField.Name(name).flatMap { request.headers[$0] }
        }
        return core.verifier.value.failure(
            appKey: header("AppKey"), nonce: header("Nonce"), curTime: header("CurTime"),
            checkSum: header("CheckSum"), now: core.nowMs() / 1000)
    }

    /// The statistics key of an API call, `nil` for the emulator's own routes.
    static func endpoint(of request: Request) -> String? {
        let path = request.uri.path
        if path.hasPrefix("/nimserver/") { return String(path.dropFirst("/nimserver/".count)) }
        if path.hasPrefix("/im/") { return "\(request.method.rawValue) \(path)" }
        return nil
    }
}
