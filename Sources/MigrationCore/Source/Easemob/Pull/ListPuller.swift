internal import Foundation

/// The lists of one generation (SPEC §4 "Lists"): users (cursor pages), user attributes (batches
/// of 100), each user's contacts (with remarks) and blocks, groups (cursor pages), group details
/// (100 ids a call), members (all pages), admins and mutes — written in the adapter's layout into
/// the generation's staging folder, which ``ListPuller/swap()`` puts in place when every list is
/// whole (the adapter never reads half a reading of the lists).
///
/// A cursor page is saved as received before its cursor is checkpointed; a per-user or per-group
/// list (several pages merged into one file, which the adapter reads whole) is written once all its
/// pages are in, then checkpointed. A user or group gone between its list and its detail (404) is
/// recorded and reported, not an error.
struct ListPuller {
    let context: PullContext
    let generation: Int64
    /// The folders a generation replaces.
    static let folders = ["users", "user-attributes", "contacts", "blocks", "chatgroups"]
    /// The crash tests' failpoint, hit after every durable effect of a pull (a file written or
    /// renamed, a checkpoint): `NIM_MIGRATE_FAILPOINT=pull.effect@N` kills the pull after its Nth.
    static let effect = "pull.effect"
    /// Owners whose lists are fetched at once.
    static let inFlight = 8
    /// The attributes the adapter maps (SPEC §9).
    static let properties = ["nickname", "avatarurl", "phone", "mail", "gender", "sign", "birth", "ext"]

    /// `.pull/gen-N/` inside the export folder.
    var staging: String { context.path(".pull/gen-\(generation)") }

    func run() async throws {
        for folder in Self.folders {
            try FileManager.default.createDirectory(atPath: staging + "/" + folder, withIntermediateDirectories: true)
        }
        let users = try await pages("users", path: "/users", limit: 100, items: "entities")
        let names = try savedItems("users", items: "entities").compactMap { $0["username"]?.string }
        context.progress("pull: users: \(users.pages) page(s), \(names.count) user(s)")
        try await attributes(names)
        try await perOwner("contacts", names, family: .accounts) { try await contacts($0) }
        try await perOwner("blocks", names, family: .blocks) { try await blocks($0) }
        let groups = try await pages("chatgroups", path: "/chatgroups", limit: 1000, items: "data")
        let ids = try savedItems("chatgroups", items: "data").compactMap { $0["groupid"]?.string ?? $0["id"]?.string }
        context.progress("pull: groups: \(groups.pages) page(s), \(ids.count) group(s)")
        try await details(ids)
        try await perOwner(
            "group", ids.filter { FileManager.default.fileExists(atPath: detailsPath($0)) }, family: .accounts
        ) {
            try await group($0)
        }
        try context.store.finishLists(generation)
    }

    // MARK: Paged lists

    /// A cursor-paged list, each page saved as received (`folder/page-NNNN.json`), the empty last
    /// page a cursor may lead to included; resumes at the checkpointed page.
    private func pages(_ name: String, path: String, limit: Int, items: String) async throws -> (pages: Int, Void) {
        var (page, cursor, done) = try context.store.step(generation, name)
        while !done {
            var query = [("limit", String(limit))]
            if let cursor { query.append(("cursor", cursor)) }
            let answer = try await context.api.call(.accounts, path, query: query)
            try Self.expectOK(answer, "GET \(path)")
            try AtomicFile.write(answer.body, to: staging + "/\(name)/" + Self.pageName(page))
            Failpoint.hit(Self.effect)
            let count = answer.json[items]?.array.count ?? 0
            let next = answer.json["cursor"]?.string.flatMap { $0.isEmpty ? nil : $0 }
            done = next == nil || count == 0
            cursor = next
            page += 1
            try context.store.saveStep(generation, name, page: page, cursor: cursor, done: done, entries: count)
            Failpoint.hit(Self.effect)
        }
        return (page - 1, ())
    }

    static func pageName(_ page: Int) -> String {
        let digits = String(page)
        return "page-" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits + ".json"
    }

    /// The items of every saved page of `folder`, in page order.
    private func savedItems(_ folder: String, items: String) throws -> [JSONValue] {
        let directory = staging + "/" + folder
        let names = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasPrefix("page-") }
        return try names.sorted().flatMap { name -> [JSONValue] in
            let data = try Data(contentsOf: URL(fileURLWithPath: directory + "/" + name))
            return (try? JSONValue.parse(data))?[items]?.array ?? []
        }
    }

    // MARK: Attributes and details (batches of 100)

    private func attributes(_ names: [String]) async throws {
        let batches = stride(from: 0, to: names.count, by: 100).map { Array(names[$0..<min($0 + 100, names.count)]) }
        var (batch, _, _) = try context.store.step(generation, "user-attributes")
        while batch <= batches.count {
            let body: JSONValue = .object([
                "targets": .array(batches[batch - 1].map(JSONValue.string)),
                "properties": .array(Self.properties.map(JSONValue.string)),
            ])
            let answer = try await context.api.call(.accounts, "/metadata/user/get", method: .POST, body: body)
            try Self.expectOK(answer, "POST /metadata/user/get")
            let file = "user-attributes/batch-" + String(Self.pageName(batch).dropFirst("page-".count))
            try AtomicFile.write(answer.body, to: staging + "/" + file)
            Failpoint.hit(Self.effect)
            if case .object(let users)? = answer.json["data"] {
                let avatars = users.values.compactMap { $0["avatarurl"]?.string }
                try context.store.register(avatars.compactMap { Self.download($0, source: file) }, scanned: nil)
            }
            batch += 1
            try context.store.saveStep(
                generation, "user-attributes", page: batch, cursor: nil, done: batch > batches.count,
                entries: batches[batch - 2].count)
            Failpoint.hit(Self.effect)
        }
    }

    private func detailsPath(_ id: String) -> String { staging + "/chatgroups/\(Self.safe(id))/details.json" }

    private func details(_ ids: [String]) async throws {
        let batches = stride(from: 0, to: ids.count, by: 100).map { Array(ids[$0..<min($0 + 100, ids.count)]) }
        var (batch, _, _) = try context.store.step(generation, "details")
        while batch <= batches.count {
            let wanted = batches[batch - 1]
            let path = "/chatgroups/" + wanted.map(EasemobAPI.encode).joined(separator: ",")
            let answer = try await context.api.call(.accounts, path)
            var found: Set<String> = []
            if answer.status == 200, case .object(var envelope) = answer.json {
                for entry in answer.json["data"]?.array ?? [] {
                    guard let id = entry["id"]?.string, wanted.contains(id), entry["error"] == nil else { continue }
                    envelope["data"] = .array([entry])
                    envelope["count"] = .int(1)
                    try AtomicFile.write(Data(JSONValue.object(envelope).text.utf8), to: detailsPath(id))
                    if let avatar = entry["avatar"]?.string,
                        let file = Self.download(avatar, source: "chatgroups/\(id)/details.json")
                    {
                        try context.store.register([file], scanned: nil)
                    }
                    found.insert(id)
                }
            } else if answer.status != 404 {
                try Self.expectOK(answer, "GET \(path)")
            }
            for id in wanted where !found.contains(id) {
                try context.store.saveOwner(generation, "group", id, state: "gone", entries: 0)
            }
            batch += 1
            try context.store.saveStep(
                generation, "details", page: batch, cursor: nil, done: batch > batches.count, entries: found.count)
            Failpoint.hit(Self.effect)
        }
    }

    // MARK: Per-owner lists

    /// Runs `pull` for each owner not done yet in this generation; a 404 marks the owner gone.
    private func perOwner(
        _ list: String, _ owners: [String], family: PullFamily,
        _ pull: @escaping @Sendable (String) async throws -> Int?
    ) async throws {
        let done = try context.store.owners(generation, list)
        let todo = owners.filter { !done.contains($0) }
        let context = context
        let generation = generation
        // A few owners in flight, so a pull is bound by the family's limit, not by each call's latency.
        let saved = try await withThrowingTaskGroup(of: Bool.self) { group in
            var next = todo.makeIterator()
            var saved = 0
            func start() {
                guard let owner = next.next() else { return }
                group.addTask {
                    let entries = try await pull(owner)
                    Failpoint.hit(Self.effect)
                    try context.store.saveOwner(
                        generation, list, owner, state: entries == nil ? "gone" : "saved", entries: entries ?? 0)
                    Failpoint.hit(Self.effect)
                    return entries != nil
                }
            }
            for _ in 0..<Self.inFlight { start() }
            while let ok = try await group.next() {
                if ok { saved += 1 }
                start()
            }
            return saved
        }
        let before = owners.count - todo.count
        context.progress("pull: \(list): \(saved + before) of \(owners.count) saved")
    }

    /// One user's contacts with remarks (pages of 50 merged); nil when the user is gone.
    private func contacts(_ user: String) async throws -> Int? {
        let path = "/user/\(EasemobAPI.encode(user))/contacts"
        let merged = try await mergedPages(path, family: .accounts, limit: 50, extra: [("needReturnRemark", "true")]) {
            $0["data"]?["contacts"]?.array
        } write: { first, all in
            var data = first["data"]?.objectValue ?? [:]
            data["contacts"] = .array(all)
            data["cursor"] = nil
            return ["data": .object(data)]
        }
        guard let merged else { return nil }
        try AtomicFile.write(merged.data, to: staging + "/contacts/\(Self.safe(user)).json")
        return merged.count
    }

    /// One user's blocklist (pages of 50 merged); nil when the user is gone.
    private func blocks(_ user: String) async throws -> Int? {
        let path = "/users/\(EasemobAPI.encode(user))/blocks/users"
        let merged = try await mergedPages(path, family: .blocks, limit: 50, sizeKey: "pageSize") {
            $0["data"]?.array
        } write: { _, all in
            ["data": .array(all)]
        }
        guard let merged else { return nil }
        try AtomicFile.write(merged.data, to: staging + "/blocks/\(Self.safe(user)).json")
        return merged.count
    }

    /// Pages of one owner's list fetched by cursor (at the top level or inside `data`) and merged
    /// into the first page's envelope, without a cursor; nil on a 404.
    private func mergedPages(
        _ path: String, family: PullFamily, limit: Int, sizeKey: String = "limit", extra: [(String, String)] = [],
        items: (JSONValue) -> [JSONValue]?, write: (JSONValue, [JSONValue]) -> [String: JSONValue]
    ) async throws -> (data: Data, count: Int)? {
        var all: [JSONValue] = []
        var first: JSONValue?
        var cursor: String?
        repeat {
            var query = [(sizeKey, String(limit))] + extra
            if let cursor { query.append(("cursor", cursor)) }
            let answer = try await context.api.call(family, path, query: query)
            if answer.status == 404 { return nil }
            try Self.expectOK(answer, "GET \(path)")
            let page = items(answer.json) ?? []
            all += page
            if first == nil { first = answer.json }
            let next = (answer.json["cursor"] ?? answer.json["data"]?["cursor"])?.string
            cursor = page.isEmpty ? nil : next.flatMap { $0.isEmpty ? nil : $0 }
        } while cursor != nil
        guard case .object(var envelope)? = first else { return (Data("{\"data\":[]}".utf8), 0) }
        envelope["cursor"] = nil
        envelope["count"] = .int(Int64(all.count))
        for (key, value) in write(.object(envelope), all) { envelope[key] = value }
        return (Data(JSONValue.object(envelope).text.utf8), all.count)
    }

    /// One group's members (all pages merged), admins and mutes; nil when the group is gone.
    private func group(_ id: String) async throws -> Int? {
        let base = "/chatgroups/\(EasemobAPI.encode(id))"
        let folder = staging + "/chatgroups/\(Self.safe(id))"
        var members: [JSONValue] = []
        var first: [String: JSONValue]?
        var page = 1
        while true {
            let query = [("pagenum", String(page)), ("pagesize", "1000"), ("joined_time", "true")]
            let answer = try await context.api.call(.accounts, base + "/users", query: query)
            if answer.status == 404 { return nil }
            try Self.expectOK(answer, "GET \(base)/users")
            let data = answer.json["data"]?.array ?? []
            members += data
            if first == nil { first = answer.json.objectValue }
            if data.count < 1000 { break }
            page += 1
        }
        var envelope = first ?? [:]
        envelope["data"] = .array(members)
        envelope["count"] = .int(Int64(members.count))
        try AtomicFile.write(Data(JSONValue.object(envelope).text.utf8), to: folder + "/members.json")
        for (name, path) in [("admins.json", "/admin"), ("mutes.json", "/mute")] {
            let answer = try await context.api.call(.accounts, base + path)
            if answer.status == 404 { return nil }
            try Self.expectOK(answer, "GET \(base)\(path)")
            try AtomicFile.write(answer.body, to: folder + "/" + name)
        }
        return members.count
    }

    // MARK: Swap

    /// Puts the generation's folders in place of the export's (the old ones removed): a rename per
    /// folder, redone on resume for the folders still staged.
    func swap() throws {
        let fm = FileManager.default
        let trash = context.path(".pull/old-\(generation)")
        try fm.createDirectory(atPath: trash, withIntermediateDirectories: true)
        for folder in Self.folders where fm.fileExists(atPath: staging + "/" + folder) {
            let live = context.path(folder)
            if fm.fileExists(atPath: live) {
                try? fm.removeItem(atPath: trash + "/" + folder)
                try fm.moveItem(atPath: live, toPath: trash + "/" + folder)
            }
            Failpoint.hit(Self.effect)
            try fm.moveItem(atPath: staging + "/" + folder, toPath: live)
            Failpoint.hit(Self.effect)
        }
        AtomicFile.syncFolder(context.root)
        try context.store.markSwapped(generation)
        try? fm.removeItem(atPath: context.path(".pull"))
    }

    // MARK: Helpers

    /// A list call must answer 200; anything else the pull cannot place is a halt naming the call.
    static func expectOK(_ answer: EasemobAnswer, _ call: String) throws(PullHalt) {
        guard answer.status != 200 else { return }
        let why = answer.error.map { "\($0): \(answer.errorDescription)" } ?? "HTTP \(answer.status)"
        throw PullHalt(.setup("Easemob answered \(call) with \(why)"))
    }

    /// A name that is safe as one file or folder name (an id with `/` or a leading dot is escaped).
    static func safe(_ id: String) -> String {
        let escaped = id.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "/", with: "%2F")
        return escaped.hasPrefix(".") ? "%2E" + escaped.dropFirst() : escaped
    }

    /// An avatar to download, when its reference is an http(s) URL with a usable name.
    static func download(_ url: String, source: String) -> PullFile? {
        let lower = url.lowercased()
        guard lower.hasPrefix("http://") || lower.hasPrefix("https://"), let name = PullContext.fileName(url) else {
            return nil
        }
        return PullFile(url: url, name: name, secret: nil, source: source, line: 0)
    }
}
