internal import EmulatorKit
import Hummingbird

/// Contacts (friends) and blocklists.
///
/// - `GET /users/{u}/contacts/users` (one shot): `{"action","uri","entities","data":["u2",…],
///   "timestamp","duration","count"}` (contacts.json).
/// - `GET /user/{u}/contacts?limit=&cursor=&needReturnRemark=true` (paged): `{"uri":
///   ".../users/{u}/rostersByPage","timestamp","entities","count","action","data":{"contacts":
///   [{"remark","username"}],"cursor"?},"duration"}` (contacts-paged-remark.json); `limit` 1…50,
///   default 10, above 50 → 400 "getContacts | page size more than max limit : 50" (documented);
///   the next page's cursor is `data.cursor` (the client SDK's reading; the REST page shows none),
///   absent on the last page. Without `needReturnRemark=true` entries are `{"username"}`.
/// - `GET /users/{u}/blocks/users[?pageSize=&cursor=]`: without `pageSize` the whole list
///   (blocks.json); with it pages of 1…50 with a top-level `cursor` while more remain
///   (blocks-paged.json).
///
/// An unknown (or deleted) user answers 404 `service_resource_not_found`.
enum ContactHandlers {
    /// Registers the routes.
    static func register(on router: Router<EasemobRequestContext>, core: EasemobCore) {
        router.get(
            "/:org/:app/users/:username/contacts/users",
            use: core.serve("username") { _, value in try await oneShot(value, core: core) })
        router.get(
            "/:org/:app/user/:username/contacts",
            use: core.serve("username") { request, value in try await paged(request, username: value, core: core) })
        router.get(
            "/:org/:app/users/:username/blocks/users",
            use: core.serve("username") { request, value in try await blocks(request, username: value, core: core) })
    }

    /// 404 unless the user exists.
    static func requireUser(_ username: String, core: EasemobCore) async throws {
        guard core.snapshot.hasUser(username, deleted: await core.state.deletedUsers) else {
            throw EasemobError.resourceGone
        }
    }

    static func oneShot(_ username: String, core: EasemobCore) async throws -> Response {
        try await requireUser(username, core: core)
        let names = (core.snapshot.contacts[username.lowercased()] ?? []).map(\.username)
        return core.reply(
            core.envelope(uri: "users/\(username)/contacts/users", data: .strings(names), count: names.count))
    }

    static func paged(_ request: Request, username: String, core: EasemobCore) async throws -> Response {
        try await requireUser(username, core: core)
        let limit = try EasemobCore.integer(request, "limit") ?? 10
        guard limit <= 50 else {
            throw EasemobError.illegalArgument("getContacts | page size more than max limit : 50")
        }
        let size = max(1, limit)
        let (page, _, next) = try Cursor.page(
            of: core.snapshot.contacts[username.lowercased()] ?? [], list: "contacts-\(username.lowercased())",
            cursor: request.uri.queryParameters.get("cursor"), size: size)
        let remarks = request.uri.queryParameters.get("needReturnRemark")?.lowercased() == "true"
        var data: [String: JSONValue] = [
            "contacts": .array(
                page.map { contact in
                    remarks
                        ? ["remark": contact.remark, "username": .string(contact.username)]
                        : ["username": .string(contact.username)]
                })
        ]
        if let next { data["cursor"] = .string(next) }
        return core.reply(core.envelope(uri: "users/\(username)/rostersByPage", data: .object(data), count: page.count))
    }

    static func blocks(_ request: Request, username: String, core: EasemobCore) async throws -> Response {
        try await requireUser(username, core: core)
        let all = core.snapshot.blocks[username.lowercased()] ?? []
        let uri = "users/\(username)/blocks/users"
        guard let pageSize = try EasemobCore.integer(request, "pageSize") else {
            return core.reply(core.envelope(uri: uri, data: .strings(all), count: all.count))
        }
        let size = EasemobCore.clamp(pageSize, 1...50)
        let (page, _, next) = try Cursor.page(
            of: all, list: "blocks-\(username.lowercased())", cursor: request.uri.queryParameters.get("cursor"),
            size: size)
        var body = core.envelope(uri: uri, data: .strings(page), count: page.count)
        if let next { body["cursor"] = .string(next) }
        return core.reply(body)
    }
}
