internal import Foundation

/// Stage 2: friendships (`friend/add.action` type 1, then `friend/update.action` per direction that
/// carries alias or ex) and blacklist / mute list entries (`user/setSpecialRelation.action`).
///
/// A friendship is one item per unordered pair: NIM's type-1 add is mutual, so a pair listed in
/// both directions costs one add. Aliases are separate items processed after every add, so an
/// update never reaches NIM before its friendship. Lines naming unknown, invalid or colliding
/// accounts, and self-relations, are reported and left out.
///
/// With `target.v2_endpoint` (SPEC §5 "Calls"), the add is v2's (`POST /im/v2.1/friends`, type 1),
/// made from the side that carries an alias or ex, with them: that direction's item becomes kind
/// `alias-carried` at registration, is settled without a call once its friendship is added, and
/// only a pair whose two sides both carry something still needs one update.
public struct RelationsStage: Stage {
    public let id = StageID.relations
    let services: StageServices
    static let friendsFile = "friends.jsonl"
    static let blocksFile = "blocklist.jsonl"

    /// One direction's alias and ex.
    struct AliasPayload: Codable {
        var accid: String
        var faccid: String
        var alias: String?
        var ex: String?

        /// As `JSONEncoder` with `.sortedKeys` writes it.
        var json: String {
            JSONObjectWriter.object([
                "accid": .text(accid), "alias": .text(alias), "ex": .text(ex), "faccid": .text(faccid),
            ])
        }
    }

    /// A blacklist (1) or mute list (2) entry.
    struct BlockPayload: Codable {
        var accid: String
        var target: String
        var relationType: Int

        /// As `JSONEncoder` with `.sortedKeys` writes it.
        var json: String {
            JSONObjectWriter.object([
                "accid": .text(accid), "relationType": .int(relationType), "target": .text(target),
            ])
        }
    }

    public init(services: StageServices) {
        self.services = services
    }

    /// Whether friendships are added with the v2 API (alias and ex in the add).
    var v2: Bool { services.config.target.v2Endpoint != nil }
    static let addV2Endpoint = NIMRequest.addFriendV2(accid: "", faccid: "", alias: nil, ex: nil).endpointName

    public func register(_ context: StageContext) async throws -> StagePlan {
        let export = services.export
        let fingerprint =
            export.fingerprint([UsersStage.file, Self.friendsFile, Self.blocksFile]) + "|map:"
            + services.accidMap.fingerprint + (v2 ? "|v2" : "")
        try await context.registerOnce(fingerprint: fingerprint) { emit in
            var book = AccountBook()
            let users = try context.database.userLookup()
            if export.has(Self.friendsFile) { try await readFriends(context, users, &book, emit) }
            if export.has(Self.blocksFile) { try await readBlocks(context, users, &book, emit) }
            try await context.database.setAccounts(layer: id.rawValue, book)
        } settled: {
            if v2 { try await context.database.markCarriedAliases(stage: id) }
        }
        // What the v2 add would save (an update only where both sides carry something), counted on a
        // second reader while the plan's counts are made (two passes over a million items, two cores).
        async let twoSided = v2 ? 0 : context.database.twoSidedAliases(stage: id)
        var plan = try await context.plan([
            ("friend", v2 ? Self.addV2Endpoint : "friend/add.action"), ("alias", "friend/update.action"),
            ("block", "user/setSpecialRelation.action"), ("alias-carried", nil),
        ])
        if !v2 {
            var floor = plan.calls
            floor[Self.addV2Endpoint] = floor.removeValue(forKey: "friend/add.action")
            floor["friend/update.action"] = try await twoSided
            plan.floorCalls = floor.filter { $0.value > 0 }
        }
        return plan
    }

    private func readFriends(
        _ context: StageContext, _ users: UserLookup, _ book: inout AccountBook,
        _ emit: ([NewWorkItem]) async throws -> Void
    ) async throws {
        try await context.readRecords(Self.friendsFile, in: services.export, stage: id, &book, emit) { line in
            var reader = line
            defer { line = reader }
            guard let a = reader.requiredID("accid"), let b = reader.requiredID("faccid") else { return [] }
            guard let (from, to) = try resolvePair(a, b, &reader, users) else { return [] }
            let pair = from < to ? (from, to) : (to, from)
            var items = [
                NewWorkItem(
                    key: "friend:\(pair.0)|\(pair.1)", kind: "friend", sourceFile: Self.friendsFile,
                    sourceLine: reader.line)
            ]
            let alias = reader.text("alias", limit: 128)
            let ex = reader.text("ex", limit: 256)
            if alias != nil || ex != nil {
                let payload = AliasPayload(accid: from, faccid: to, alias: alias, ex: ex)
                items.append(
                    NewWorkItem(
                        key: "alias:\(from)>\(to)", kind: "alias",
                        payload: payload.json, sourceFile: Self.friendsFile, sourceLine: reader.line))
            }
            return items
        }
    }

    private func readBlocks(
        _ context: StageContext, _ users: UserLookup, _ book: inout AccountBook,
        _ emit: ([NewWorkItem]) async throws -> Void
    ) async throws {
        try await context.readRecords(Self.blocksFile, in: services.export, stage: id, &book, emit) { line in
            var reader = line
            defer { line = reader }
            guard let a = reader.requiredID("accid"), let b = reader.requiredID("targetAcc") else { return [] }
            guard let type = reader.int("relationType", allowed: 1...2) else {
                reader.problem("invalid-field", "relationType must be 1 (blacklist) or 2 (mute list)")
                return []
            }
            guard let (from, to) = try resolvePair(a, b, &reader, users) else { return [] }
            let payload = BlockPayload(accid: from, target: to, relationType: type)
            return [
                NewWorkItem(
                    key: "block:\(from)>\(to):\(type)", kind: "block",
                    payload: payload.json, sourceFile: Self.blocksFile, sourceLine: reader.line)
            ]
        }
    }

    /// Both ends resolved to NIM accids, or nil with the line's problem recorded.
    private func resolvePair(_ a: String, _ b: String, _ reader: inout RecordReader, _ users: UserLookup)
        throws -> (String, String)?
    {
        let from = try users.nimAccid(a)
        let to = try users.nimAccid(b)
        switch (from, to) {
        case (.success(let x), .success(let y)):
            if x == y {
                reader.problem("self-relation", "'\(a)' and '\(b)' are the same account")
                return nil
            }
            return (x, y)
        case (.failure(let p), _), (_, .failure(let p)):
            // A user who is not in the export at all (Easemob keeps deleted users in block lists)
            // leaves nothing to migrate: a warning. Invalid and colliding accounts are errors.
            reader.problem(p.code, "\(p.text): relation left out", p.code == "unknown-user" ? .warning : .error)
            return nil
        }
    }

    public func run(_ context: StageContext) async throws {
        let client = try services.requireClient(id)
        let v2 = client.configuration.v2Endpoint != nil
        try await context.process(kind: "friend", on: client.executor) { item, _ in
            let pair = item.key.dropFirst("friend:".count).split(separator: "|").map(String.init)
            guard pair.count == 2 else { return .failed(.unreadableItem) }
            guard v2 else {
                return await Self.outcome { () async throws(CallFailure) in
                    _ = try await client.send(.addFriend(accid: pair[0], faccid: pair[1]), stage: id)
                }
            }
            // The add carries the alias of the direction marked at registration, if any.
            var carried: WorkItem?
            for key in ["alias:\(pair[0])>\(pair[1])", "alias:\(pair[1])>\(pair[0])"] {
                if let alias = try? await context.database.item(stage: id, key: key), alias.kind == "alias-carried" {
                    carried = alias
                    break
                }
            }
            let alias = carried.flatMap { decodeJSON(AliasPayload.self, $0.payload) }
            let request = NIMRequest.addFriendV2(
                accid: alias?.accid ?? pair[0], faccid: alias?.faccid ?? pair[1], alias: alias?.alias, ex: alias?.ex)
            return await Self.outcome(result: carried.map { Self.carriedMark($0.key) }) {
                () async throws(CallFailure) in _ = try await client.send(request, stage: id)
            }
        }
        guard !context.stop.isRequested else { return }
        try await context.process(kind: "alias-carried", on: client.executor) { item, _ in
            guard let p = decodeJSON(AliasPayload.self, item.payload) else { return .failed(.unreadableItem) }
            let friendKey = "friend:" + [p.accid, p.faccid].sorted().joined(separator: "|")
            guard let friend = try? await context.database.item(stage: id, key: friendKey) else {
                return .failed(.local("no friendship item \(friendKey)"))
            }
            switch friend.status {
            case .done where friend.result == Self.carriedMark(item.key): return .done()
            case .done:
                // Added before the v2 endpoint was set (or by v1): the alias still needs its update.
                return await Self.outcome { () async throws(CallFailure) in
                    _ = try await client.send(
                        .updateFriend(accid: p.accid, faccid: p.faccid, alias: p.alias, ex: p.ex), stage: id)
                }
            case .failed: return .failed(.local("the friendship was not added (see \(friendKey))"))
            default: return .failed(.local("the friendship is not added yet (\(friendKey))", retryable: true))
            }
        }
        guard !context.stop.isRequested else { return }
        try await context.process(kind: "alias", on: client.executor) { item, _ in
            guard let p = decodeJSON(AliasPayload.self, item.payload) else { return .failed(.unreadableItem) }
            return await Self.outcome { () async throws(CallFailure) in
                _ = try await client.send(
                    .updateFriend(accid: p.accid, faccid: p.faccid, alias: p.alias, ex: p.ex), stage: id)
            }
        }
        guard !context.stop.isRequested else { return }
        try await context.process(kind: "block", on: client.executor) { item, _ in
            guard let p = decodeJSON(BlockPayload.self, item.payload) else { return .failed(.unreadableItem) }
            return await Self.outcome { () async throws(CallFailure) in
                _ = try await client.send(
                    .setSpecialRelation(accid: p.accid, target: p.target, relationType: p.relationType), stage: id)
            }
        }
    }

    /// The friendship item's result when its add carried the alias item `key`.
    static func carriedMark(_ key: String) -> String { "carried " + key }

    /// `.done` (with `result`) when the calls succeed, the NIM error otherwise.
    static func outcome(result: String? = nil, _ calls: () async throws(CallFailure) -> Void) async -> ItemOutcome {
        do {
            try await calls()
            return .done(result: result)
        } catch {
            return ItemOutcome(error)
        }
    }
}
