internal import Foundation

/// The current NIM owner of each team, as serve keeps it (a `group.owner_changed` moves it).
public struct TeamOwners: Sendable {
    /// The owner serve knows, if any.
    public var known: @Sendable (_ tid: String) async throws -> String?
    /// Records the owner (after a create or an owner change).
    public var record: @Sendable (_ tid: String, _ owner: String) async throws -> Void

    public init(
        known: @escaping @Sendable (String) async throws -> String?,
        record: @escaping @Sendable (String, String) async throws -> Void
    ) {
        self.known = known
        self.record = record
    }
}

extension OldEventApplier {
    /// `group.created`: the team built as the groups stage builds one (``TeamBuilder``: create with up
    /// to 199 invitees, the rest added 200 per call, managers, mutes), its tid in the id map.
    func createGroup(
        _ event: [String: JSONValue], lastChance: Bool, retried: Bool, _ saved: String?,
        _ save: @escaping @Sendable (String) async throws -> Void
    ) async throws -> Outcome {
        guard case .object(let object)? = event["group"] else {
            return .failed(.local("group.created without a group object"))
        }
        var progress = decodeJSON(GroupsStage.Progress.self, saved) ?? GroupsStage.Progress()
        let gid = object["gid"]?.string ?? ""
        if progress.tid == nil, !gid.isEmpty, let tid = try await database.newID(.team, old: gid) {
            return .applied("already in NIM as team \(tid)")
        }
        var reader = RecordReader(object: object, stage: .groups, file: "", line: 0)
        var missing: [String] = []
        let database = database
        let plan = try await GroupPlan.read(&reader, memberLimit: memberLimit) { reference in
            switch try await database.resolveUser(reference) {
            case .migrated(let accid): return .success(accid)
            case .unknown:
                missing.append(reference)
                return .failure(.init(code: "unknown-user", text: "'\(reference)' is not in NIM"))
            case .invalid: return .failure(.init(code: "invalid-user", text: "'\(reference)' has an invalid accid"))
            case .colliding: return .failure(.init(code: "colliding-user", text: "'\(reference)' collides"))
            }
        }
        if !missing.isEmpty, !lastChance {
            throw Wait(
                reason: "group \(gid) waits for user(s) \(missing.prefix(5).joined(separator: ", ")) not in NIM yet")
        }
        guard let plan else {
            return .failed(.local(reader.problems.map(\.message).joined(separator: "; ")))
        }
        var notes = reader.problems.filter { $0.code != "custom-not-json" }.map(\.message)
        var icon: String?
        if let source = plan.icon, !source.isEmpty, progress.tid == nil {
            icon = await rehosted(source, "icon", &notes)
            if icon == nil { notes.append("the team is created without an icon") }
        }
        let builder = TeamBuilder(
            client: client, stage: .groups, database: database,
            save: { progress in try await save(String(decoding: try JSONEncoder().encode(progress), as: UTF8.self)) },
            plan: plan, v2: v2, icon: icon)
        // An earlier attempt may have created the team without recording it (a kill right after
        // team/create): the owner's teams are read for its marker before creating again.
        let tid = try await builder.build(&progress, mayExist: retried || saved != nil)
        try await owners.record(tid, plan.owner)
        return .applied("created team \(tid)" + Self.remarks(notes))
    }

    /// The other `group.*` kinds: one call each on the mapped team, by its current owner. NIM
    /// refusing the owner (802: serve's record is stale, e.g. a kill right after an owner change)
    /// reads the owner back from NIM and tries once more.
    func group(_ change: OldEventKind.TeamChange, _ event: [String: JSONValue]) async throws -> Outcome {
        let gid = event["gid"]?.string ?? (event["group"]?["gid"]?.string ?? "")
        guard !gid.isEmpty else { return .failed(.local("\(change.rawValue) without gid")) }
        guard let tid = try await database.newID(.team, old: gid) else {
            throw Wait(reason: "group \(gid) is not in NIM yet")
        }
        let recorded = try await owner(tid)
        do {
            return try await group(change, event, tid: tid, owner: recorded)
        } catch let failure as CallFailure where failure.kind == .nim && failure.code == 802 {
            let actual = try await owner(tid, fromNIM: true)
            guard actual != recorded else { throw failure }
            return try await group(change, event, tid: tid, owner: actual)
        }
    }

    private func group(
        _ change: OldEventKind.TeamChange, _ event: [String: JSONValue], tid: String, owner: String
    ) async throws -> Outcome {
        switch change {
        case .updated: return try await updateGroup(tid, owner, event)
        case .dismissed:
            _ = try await client.send(.removeTeam(tid: tid, owner: owner), stage: .groups)
            return .applied("dismissed team \(tid)")
        case .membersAdded:
            let accids = try await members(event, except: owner)
            for batch in GroupPlan.chunks(accids, GroupPlan.addBatch) {
                _ = try await client.send(.addTeamMembers(tid: tid, owner: owner, members: batch), stage: .groups)
            }
            return .applied("added \(accids.count) member(s) to team \(tid)")
        case .membersRemoved:
            let accids = try await members(event, except: owner)
            for batch in GroupPlan.chunks(accids, GroupPlan.addBatch) {
                _ = try await client.send(.kickTeamMembers(tid: tid, owner: owner, members: batch), stage: .groups)
            }
            return .applied("removed \(accids.count) member(s) from team \(tid)")
        case .managersAdded, .managersRemoved:
            let accids = try await members(event, except: owner)
            let add = change == .managersAdded
            for batch in GroupPlan.chunks(accids, GroupPlan.managerBatch) {
                _ = try await client.send(
                    add
                        ? .addTeamManagers(tid: tid, owner: owner, members: batch)
                        : .removeTeamManagers(tid: tid, owner: owner, members: batch), stage: .groups)
            }
            return .applied("\(add ? "made" : "unmade") \(accids.count) manager(s) of team \(tid)")
        case .memberMuted:
            guard let reference = event["accid"]?.string else {
                return .failed(.local("group.member_muted needs accid"))
            }
            let accid = try await nim(reference)
            let mute = event["mute"]?.bool ?? true
            _ = try await client.send(
                .setTeamMemberMute(tid: tid, owner: owner, accid: accid, mute: mute), stage: .groups)
            return .applied("\(mute ? "muted" : "unmuted") \(accid) in team \(tid)")
        case .ownerChanged:
            guard let reference = event["owner"]?.string else {
                return .failed(.local("group.owner_changed needs owner"))
            }
            let newOwner = try await nim(reference)
            guard newOwner != owner else { return .applied("\(owner) already owns team \(tid)") }
            _ = try await client.send(.changeTeamOwner(tid: tid, owner: owner, newOwner: newOwner), stage: .groups)
            try await owners.record(tid, newOwner)
            return .applied("team \(tid) now owned by \(newOwner) (\(owner) stays a member)")
        }
    }

    private func updateGroup(_ tid: String, _ owner: String, _ event: [String: JSONValue]) async throws -> Outcome {
        guard case .object(let object)? = event["group"] else {
            return .failed(.local("group.updated without a group object"))
        }
        var reader = RecordReader(object: object, stage: .groups, file: "", line: 0)
        var settings = NIMRequest.TeamSettings()
        settings.intro = reader.text("intro", limit: 512)
        settings.announcement = reader.text("announcement", limit: 1024)
        settings.custom = reader.text("custom", limit: 1024)
        settings.joinmode = reader.int("joinmode", allowed: 0...2)
        settings.teamMemberLimit = reader.int("teamMemberLimit", allowed: 2...Int64(memberLimit))
        settings.beinvitemode = reader.int("beinvitemode", allowed: 0...1)
        settings.invitemode = reader.int("invitemode", allowed: 0...1)
        settings.uptinfomode = reader.int("uptinfomode", allowed: 0...1)
        settings.upcustommode = reader.int("upcustommode", allowed: 0...1)
        var notes: [String] = []
        if let icon = reader.text("icon", limit: 4096), !icon.isEmpty {
            settings.icon = await rehosted(icon, "icon", &notes) ?? icon
        }
        let name = reader.text("tname", limit: 64)
        var done: [String] = []
        if name != nil || settings != NIMRequest.TeamSettings() {
            _ = try await client.send(
                .updateTeam(tid: tid, owner: owner, name: name, settings: settings), stage: .groups)
            done.append("profile")
        }
        if case .bool(let mute)? = object["muteAll"] {
            _ = try await client.send(.setTeamMute(tid: tid, owner: owner, mute: mute), stage: .groups)
            done.append(mute ? "muted all" : "unmuted all")
        }
        return .applied(
            "updated team \(tid): " + (done.isEmpty ? "nothing to change" : done.joined(separator: ", "))
                + Self.remarks(reader.problems.map(\.message) + notes))
    }

    /// The NIM accids of the event's `accids` (the owner left out).
    private func members(_ event: [String: JSONValue], except owner: String) async throws -> [String] {
        var out: [String] = []
        for reference in event["accids"]?.array.compactMap(\.string) ?? [] {
            let accid = try await nim(reference)
            if accid != owner, !out.contains(accid) { out.append(accid) }
        }
        return out
    }

    /// The team's current owner: serve's record, else (or when asked) NIM's `team/query`.
    private func owner(_ tid: String, fromNIM: Bool = false) async throws -> String {
        if !fromNIM, let known = try await owners.known(tid) { return known }
        let response = try await client.send(.queryTeams([tid]), stage: .groups)
        guard let owner = response["tinfos"]?.array.first?["owner"]?.string else {
            throw CallFailure(code: 803, desc: "team \(tid) not found", endpoint: "team/query.action")
        }
        try await owners.record(tid, owner)
        return owner
    }
}
