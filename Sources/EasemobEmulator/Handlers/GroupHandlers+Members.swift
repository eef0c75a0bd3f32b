internal import EmulatorKit
import Hummingbird

extension GroupHandlers {
    /// Registers the member, admin and mute routes.
    ///
    /// - `GET /chatgroups/{id}/users?pagenum=&pagesize=&joined_time=true`: `{"action",
    ///   "application","params"?,"uri","entities","data":[{"owner":u}|{"member":u}|{"admin":u},
    ///   +"joined_time" when asked and saved],"timestamp","duration","organization",
    ///   "applicationName","count"}` (chatgroup-members*.json); `pagesize` 1…1000, default 1000;
    ///   `pagenum` from 1; `count` < `pagesize` on the last page. Unknown group: 404
    ///   `service_resource_not_found` "do not find this group:X" (documented). With
    ///   `version=v3&limit=&cursor=` (the Java SDK's form): `data` plain usernames and `cursor`.
    /// - `GET /chatgroups/{id}/admin`: `{…,"data":["u2"],"count"}` (chatgroup-admins.json).
    /// - `GET /chatgroups/{id}/mute`: `{…,"data":[{"expire","user"}]}` (chatgroup-mutes.json).
    static func registerMembers(on router: Router<EasemobRequestContext>, core: EasemobCore) {
        router.get(
            "/:org/:app/chatgroups/:id/users",
            use: core.serve("id") { request, value in try await members(request, id: value, core: core) })
        router.get(
            "/:org/:app/chatgroups/:id/admin",
            use: core.serve("id") { _, value in try await admins(value, core: core) })
        router.get(
            "/:org/:app/chatgroups/:id/mute",
            use: core.serve("id") { _, value in try await mutes(value, core: core) })
    }

    static func members(_ request: Request, id: String, core: EasemobCore) async throws -> Response {
        guard let group = await group(id, core: core) else { throw EasemobError.groupGoneForMembers(id) }
        let query = request.uri.queryParameters
        let entries = group.memberEntries
        var body = core.envelope(uri: "chatgroups/\(id)/users")
        body.merge(core.appFields) { _, new in new }
        if let params = EasemobCore.params(of: request) { body["params"] = params }
        if query.get("version") == "v3" {
            let limit = EasemobCore.clamp(try EasemobCore.integer(request, "limit") ?? 10, 1...1000)
            let (page, _, next) = try Cursor.page(
                of: entries, list: "members-\(id)", cursor: query.get("cursor"), size: limit)
            body["data"] = .strings(page.compactMap(Self.username(of:)))
            body["count"] = .int(Int64(page.count))
            if let next { body["cursor"] = .string(next) }
            return core.reply(body)
        }
        let size = EasemobCore.clamp(try EasemobCore.integer(request, "pagesize") ?? 1000, 1...1000)
        let number = max(1, try EasemobCore.integer(request, "pagenum") ?? 1)
        let start = (number - 1) * size
        let page = start < entries.count ? Array(entries[start..<min(entries.count, start + size)]) : []
        let joinedTime = query.get("joined_time")?.lowercased() == "true"
        body["data"] = .array(
            page.map { entry in
                guard !joinedTime, var fields = entry.objectValue else { return entry }
                fields.removeValue(forKey: "joined_time")
                return .object(fields)
            })
        body["count"] = .int(Int64(page.count))
        return core.reply(body)
    }

    /// The user of a member entry (`owner`, `member` or `admin` key).
    static func username(of entry: JSONValue) -> String? {
        entry["owner"]?.stringValue ?? entry["member"]?.stringValue ?? entry["admin"]?.stringValue
    }

    static func admins(_ id: String, core: EasemobCore) async throws -> Response {
        guard let group = await group(id, core: core) else { throw EasemobError.groupGone(id) }
        let admins = group.adminList
        var body = core.envelope(uri: "chatgroups/\(id)/admin", data: .strings(admins), count: admins.count)
        body.merge(core.appFields) { _, new in new }
        return core.reply(body)
    }

    static func mutes(_ id: String, core: EasemobCore) async throws -> Response {
        guard let group = await group(id, core: core) else { throw EasemobError.groupGone(id) }
        var body = core.envelope(uri: "chatgroups/\(id)/mute", ["data": .array(group.mutes ?? [])])
        body.merge(core.appFields) { _, new in new }
        return core.reply(body)
    }
}
