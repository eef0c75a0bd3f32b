import Hummingbird

/// The emulator's own routes under `/_emulator`: no token, not logged, never limited. Every
/// answer is JSON; a bad parameter answers 400 `{"error":"…"}`.
///
/// - `GET /_emulator/health` → `{"status":"ok"}`
/// - `GET /_emulator/traffic` → ``TrafficReport``; `POST /_emulator/traffic/reset` empties it
/// - `GET /_emulator/clock`, `POST /_emulator/clock?advance=SECONDS` or `?set=UNIX_MS` →
///   `{"nowMs":…}`
/// - `POST /_emulator/delete-user?u=NAME`, `POST /_emulator/delete-group?id=ID`: gone from every
///   list and detail from now on
/// - `POST /_emulator/outage?seconds=N[&mode=unavailable|cut]`: 503 (or cut connections) for N
///   real seconds (0 ends it)
/// - `POST /_emulator/reach-limit?family=F&count=N`: the next N calls of family F answer 429
///   `reach_limit`
/// - `POST /_emulator/resource-limited?family=F&on=true|false`: family F answers 429
///   `resource_limited`
/// - `POST /_emulator/rate?family=F&limit=N` (no `limit`: unlimited)
/// - `POST /_emulator/truncate-download?nth=N`: the N-th signed download from now is cut short
/// - `POST /_emulator/expire-tokens`: every token issued so far is expired
enum AdminRoutes {
    /// Registers the routes.
    static func register(on router: Router<EasemobRequestContext>, core: EasemobCore) {
        let state = core.state
        router.get("/_emulator/health") { _, _ in EasemobReply.json(["status": "ok"]) }
        router.get("/_emulator/traffic") { _, _ in
            var limits: [RateFamily: Int?] = [:]
            for family in RateFamily.allCases { limits[family] = await state.limit(of: family) }
            return EasemobReply.json(TrafficReport.json(await state.traffic(), limits: limits))
        }
        router.post("/_emulator/traffic/reset") { _, _ in
            await state.resetTraffic()
            return ok()
        }
        router.get("/_emulator/clock") { _, _ in EasemobReply.json(["nowMs": .int(core.clock.nowMs)]) }
        router.post("/_emulator/clock") { request, _ in
            let query = request.uri.queryParameters
            if let seconds = query.get("advance").flatMap({ Double($0) }) {
                core.clock.advance(byMs: Int64(seconds * 1000))
            } else if let ms = query.get("set").flatMap({ Int64($0) }) {
                core.clock.set(toMs: ms)
            } else {
                return bad("advance=SECONDS or set=UNIX_MS required")
            }
            return EasemobReply.json(["nowMs": .int(core.clock.nowMs)])
        }
        router.post("/_emulator/delete-user") { request, _ in
            guard let user = request.uri.queryParameters.get("u"), !user.isEmpty else { return bad("u required") }
            await state.deleteUser(user)
            return ok()
        }
        router.post("/_emulator/delete-group") { request, _ in
            guard let id = request.uri.queryParameters.get("id"), !id.isEmpty else { return bad("id required") }
            await state.deleteGroup(id)
            return ok()
        }
        router.post("/_emulator/outage") { request, _ in
            let query = request.uri.queryParameters
            let seconds = query.get("seconds").flatMap { Double($0) } ?? 0
            guard let mode = EmulatorState.OutageMode(rawValue: query.get("mode") ?? "unavailable") else {
                return bad("mode is unavailable or cut")
            }
            await state.startOutage(untilElapsedMs: core.clock.elapsedMs + Int64(seconds * 1000), mode: mode)
            return ok()
        }
        registerSwitches(on: router, core: core)
    }

    private static func registerSwitches(on router: Router<EasemobRequestContext>, core: EasemobCore) {
        let state = core.state
        router.post("/_emulator/reach-limit") { request, _ in
            guard let family = family(request) else { return bad("family required: \(families)") }
            let count = request.uri.queryParameters.get("count").flatMap { Int($0) } ?? 1
            await state.burst(family, count: count)
            return ok()
        }
        router.post("/_emulator/resource-limited") { request, _ in
            guard let family = family(request) else { return bad("family required: \(families)") }
            await state.setResourceLimited(family, request.uri.queryParameters.get("on") != "false")
            return ok()
        }
        router.post("/_emulator/rate") { request, _ in
            guard let family = family(request) else { return bad("family required: \(families)") }
            await state.setLimit(family, request.uri.queryParameters.get("limit").flatMap { Int($0) })
            return ok()
        }
        router.post("/_emulator/truncate-download") { request, _ in
            await state.truncate(nth: request.uri.queryParameters.get("nth").flatMap { Int($0) } ?? 1)
            return ok()
        }
        router.post("/_emulator/expire-tokens") { _, _ in
            await state.expireTokens(nowMs: core.clock.nowMs)
            return ok()
        }
    }

    private static let families = RateFamily.allCases.map(\.rawValue).joined(separator: "|")

    private static func family(_ request: Request) -> RateFamily? {
        request.uri.queryParameters.get("family").flatMap(RateFamily.init(rawValue:))
    }

    private static func ok() -> Response { EasemobReply.json(["status": "ok"]) }

    private static func bad(_ message: String) -> Response {
        EasemobReply.json(["error": .string(message)], status: .badRequest)
    }
}
