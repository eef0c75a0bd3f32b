internal import EmulatorKit
import Foundation
import Hummingbird

/// The group list and group details.
///
/// - `GET /chatgroups?limit=&cursor=`: `{"action","params"?,"uri","entities","data":[{"owner",
///   "groupid","affiliations","type","lastModified","groupname"}],"timestamp","duration",
///   "cursor"?,"count"}` (chatgroups-list.json); `limit` 1…1000, default 10, clamped; entries as
///   saved in `chatgroups/page-*.json`, else built from the details (owner `ORG#APP_owner`).
/// - `GET /chatgroups/{id1,id2,…}` (≤100 ids): `{"action","application","applicationName",
///   "count","data":[details…],"duration","entities","organization","properties":{},
///   "timestamp","uri"}` (chatgroup-details.json). One unknown id alone answers 404
///   `resource_not_found` "grpID X does not exist!" (documented); in a batch, an unknown id gets
///   the entry `{"id":"X","error":"group id doesn't exist"}` (the text is documented, the entry's
///   shape is the emulator's guess).
enum GroupHandlers {
    /// Registers the routes (members, admins and mutes in `GroupHandlers+Members.swift`).
    static func register(on router: Router<EasemobRequestContext>, core: EasemobCore) {
        router.get("/:org/:app/chatgroups", use: core.serve { request, _ in try await list(request, core: core) })
        router.get(
            "/:org/:app/chatgroups/:id",
            use: core.serve("id") { _, value in try await details(value, core: core) })
        registerMembers(on: router, core: core)
    }

    /// The groups still there, in list order.
    static func groups(core: EasemobCore) async -> [ExportGroup] {
        let deleted = await core.state.deletedGroups
        return core.snapshot.groups.filter { !deleted.contains($0.id) }
    }

    /// The group `id` with a folder of its own (details or members), unless deleted.
    static func group(_ id: String, core: EasemobCore) async -> ExportGroup? {
        guard !(await core.state.deletedGroups.contains(id)) else { return nil }
        return core.snapshot.groups.first { $0.id == id && ($0.details != nil || $0.members != nil) }
    }

    static func list(_ request: Request, core: EasemobCore) async throws -> Response {
        let limit = EasemobCore.clamp(try EasemobCore.integer(request, "limit") ?? 10, 1...1000)
        let cursor = request.uri.queryParameters.get("cursor")
        let all = await groups(core: core)
        let (page, _, next) = try Cursor.page(of: all, list: "chatgroups", cursor: cursor, size: limit)
        let prefix = "\(core.appKey)_"
        var body = core.envelope(
            uri: "chatgroups", data: .array(page.map { $0.listItem(appKeyPrefix: prefix) }), count: page.count)
        if let params = EasemobCore.params(of: request) { body["params"] = params }
        if let next { body["cursor"] = .string(next) }
        return core.reply(body)
    }

    static func details(_ ids: String, core: EasemobCore) async throws -> Response {
        let wanted = ids.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !wanted.isEmpty else { throw EasemobError.illegalArgument("illegal argument: group id is required") }
        guard wanted.count <= 100 else {
            throw EasemobError.illegalArgument("illegal argument: group ids size more than max limit : 100")
        }
        var data: [JSONValue] = []
        for id in wanted {
            if let details = await group(id, core: core)?.details {
                data.append(details)
            } else if wanted.count == 1 {
                throw EasemobError.groupGone(id)
            } else {
                data.append(["id": .string(id), "error": "group id doesn't exist"])
            }
        }
        var body = core.envelope(uri: "chatgroups/\(ids)", data: .array(data), count: data.count)
        body.merge(core.appFields) { _, new in new }
        body["properties"] = [:]
        return core.reply(body)
    }
}
