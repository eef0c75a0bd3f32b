internal import EmulatorKit
import Foundation
import Hummingbird

/// The user list and the user attributes.
///
/// - `GET /users?limit=&cursor=`: `{"action","params"?,"path":"/users","uri","entities":[…],
///   "timestamp","duration","cursor"?,"count"}` (account_detail_obtain_batch.md); `limit`
///   1…100, default 10, clamped; `cursor` while users remain. With
///   ``EasemobEmulatorConfiguration/lastPageCursor`` the last page still carries a cursor
///   (the newer doc's 响应示例二), and that cursor answers an empty page without one.
/// - `POST /metadata/user/get` `{"targets":[≤100],"properties":[…]}`: `{"timestamp","data":
///   {"u":{attrs}},"duration"}`; a user without attributes (or unknown) gets `{}`.
/// - `GET /metadata/user/{username}`: `{"timestamp","data":{attrs},"duration"}`.
enum UserHandlers {
    /// Registers the routes.
    static func register(on router: Router<EasemobRequestContext>, core: EasemobCore) {
        router.get("/:org/:app/users", use: core.serve { request, _ in try await list(request, core: core) })
        router.post(
            "/:org/:app/metadata/user/get", use: core.serve { request, _ in try await batch(request, core: core) })
        router.get(
            "/:org/:app/metadata/user/:username",
            use: core.serve("username") { _, value in try await single(value, core: core) })
    }

    static func list(_ request: Request, core: EasemobCore) async throws -> Response {
        let limit = EasemobCore.clamp(try EasemobCore.integer(request, "limit") ?? 10, 1...100)
        let cursor = request.uri.queryParameters.get("cursor")
        let deleted = await core.state.deletedUsers
        let users = core.snapshot.users.filter { !deleted.contains($0.username.lowercased()) }
        let (page, end, next) = try Cursor.page(of: users, list: "users", cursor: cursor, size: limit)
        var body = core.envelope(
            uri: "users",
            [
                "path": "/users", "entities": .array(page.map(\.entity)), "count": .int(Int64(page.count)),
            ])
        if let params = EasemobCore.params(of: request) { body["params"] = params }
        if let next {
            body["cursor"] = .string(next)
        } else if core.configuration.lastPageCursor && !page.isEmpty {
            // Easemob's newer example: the last page still carries a cursor.
            body["cursor"] = .string(Cursor.encode("users", offset: end))
        }
        return core.reply(body)
    }

    static func batch(_ request: Request, core: EasemobCore) async throws -> Response {
        let data = Data(buffer: try await request.body.collect(upTo: 1024 * 1024))
        guard let json = JSONValue(json: data), let targets = json["targets"]?.arrayValue?.compactMap(\.stringValue),
            !targets.isEmpty
        else { throw EasemobError.illegalArgument("illegal argument: targets is required") }
        guard targets.count <= 100 else {
            throw EasemobError.illegalArgument("illegal argument: targets size more than max limit : 100")
        }
        let properties = Set((json["properties"]?.arrayValue ?? []).compactMap { $0.stringValue?.lowercased() })
        let deleted = await core.state.deletedUsers
        var result: [String: JSONValue] = [:]
        for target in targets {
            result[target] = .object(attributes(of: target, properties: properties, core: core, deleted: deleted))
        }
        return core.reply(["timestamp": .int(core.clock.nowMs), "data": .object(result), "duration": 0])
    }

    static func single(_ username: String, core: EasemobCore) async throws -> Response {
        let deleted = await core.state.deletedUsers
        guard core.snapshot.hasUser(username, deleted: deleted) else { throw EasemobError.resourceGone }
        let attributes = attributes(of: username, properties: [], core: core, deleted: deleted)
        return core.reply(["timestamp": .int(core.clock.nowMs), "data": .object(attributes), "duration": 0])
    }

    /// The saved attributes of `username`, only `properties` (lowercased) when not empty.
    static func attributes(
        of username: String, properties: Set<String>, core: EasemobCore, deleted: Set<String>
    ) -> [String: JSONValue] {
        guard !deleted.contains(username.lowercased()) else { return [:] }
        let saved = core.snapshot.attributes[username.lowercased()] ?? [:]
        guard !properties.isEmpty else { return saved }
        return saved.filter { properties.contains($0.key.lowercased()) }
    }
}
