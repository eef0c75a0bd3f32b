internal import Foundation

extension GroupsStage {
    /// Reads one `groups.jsonl` line into a plan (see ``GroupPlan/read(_:memberLimit:resolve:)``).
    func readGroup(_ reader: inout RecordReader, _ users: UserLookup) async throws -> GroupPlan? {
        try await GroupPlan.read(&reader, memberLimit: services.config.groups.memberLimit) {
            try users.nimAccid($0)
        }
    }
}

extension GroupPlan {
    /// Reads one group object (a `groups.jsonl` line, a `group.created` event's `group`) into a plan,
    /// leaving out (and reporting) members that cannot be migrated; a group whose owner cannot be
    /// migrated is reported and not migrated. `resolve` turns a source accid into a NIM accid.
    static func read(
        _ reader: inout RecordReader, memberLimit cap: Int,
        resolve: (String) async throws -> Result<String, UserReferenceProblem>
    ) async throws -> GroupPlan? {
        guard let gid = reader.requiredID("gid"), let ownerRef = reader.requiredID("owner") else { return nil }
        let owner: String
        switch try await resolve(ownerRef) {
        case .success(let accid): owner = accid
        case .failure(let p):
            reader.problem("group-owner", "owner \(p.text): group \(gid) not migrated")
            return nil
        }
        var leftOut: [String] = []
        func resolveAll(_ refs: [String]) async throws -> [String] {
            var out: [String] = []
            for ref in refs {
                switch try await resolve(ref) {
                case .success(let accid) where accid != owner && !out.contains(accid): out.append(accid)
                case .success: continue
                case .failure(let p): if !leftOut.contains(p.text) { leftOut.append(p.text) }
                }
            }
            return out
        }
        var admins = try await resolveAll(reader.idList("admins"))
        var members = try await resolveAll(reader.idList("members"))
        for admin in admins where !members.contains(admin) { members.append(admin) }
        var muted = try await resolveAll(reader.idList("muted")).filter { members.contains($0) }
        if !leftOut.isEmpty {
            reader.problem(
                "group-members", "group \(gid): left out of the team: \(leftOut.joined(separator: "; "))", .warning)
        }
        var settings = NIMRequest.TeamSettings()
        settings.intro = reader.text("intro", limit: 512)
        settings.announcement = reader.text("announcement", limit: 1024)
        settings.joinmode = reader.int("joinmode", allowed: 0...2)
        settings.beinvitemode = reader.int("beinvitemode", allowed: 0...1)
        settings.invitemode = reader.int("invitemode", allowed: 0...1)
        settings.uptinfomode = reader.int("uptinfomode", allowed: 0...1)
        settings.upcustommode = reader.int("upcustommode", allowed: 0...1)
        // The team's size: the source's limit, never over the app's cap (`groups.member_limit`),
        // raised to hold the members up to that cap; members beyond the cap are left out.
        let sourceLimit = reader.int("teamMemberLimit", allowed: 2...100_000) ?? min(200, cap)
        if sourceLimit > cap {
            reader.problem(
                "team-member-limit-capped",
                "group \(gid): its limit \(sourceLimit) is over groups.member_limit \(cap): the team is created "
                    + "with \(cap) (raise the cap in the NIM console and in the pipeline to keep \(sourceLimit))",
                .warning)
        }
        let size = members.count + 1
        if size > cap {
            // Managers are kept first, then members in source order.
            var kept = Set(admins.prefix(cap - 1))
            for member in members where kept.count < cap - 1 { kept.insert(member) }
            let beyond = members.filter { !kept.contains($0) }
            members = members.filter(kept.contains)
            admins = admins.filter(kept.contains)
            muted = muted.filter(kept.contains)
            reader.problem(
                "team-member-limit",
                "group \(gid) has \(size) members, over groups.member_limit \(cap): "
                    + "\(beyond.count) left out of the team (\(beyond.prefix(20).joined(separator: ", "))"
                    + "\(beyond.count > 20 ? ", …" : ""))",
                .warning)
        } else if members.count + 1 > sourceLimit {
            reader.problem(
                "team-member-limit",
                "group \(gid) has \(members.count + 1) members, over its limit \(sourceLimit): raised",
                .warning)
        }
        settings.teamMemberLimit = min(max(sourceLimit, members.count + 1), cap)
        let (custom, marked) = GroupPlan.markedCustom(reader.text("custom", limit: 1024), gid: gid)
        if !marked {
            reader.problem(
                "custom-not-json",
                "group \(gid): custom is not a JSON object; a crash during creation is reconciled by name",
                .warning)
        }
        settings.custom = custom
        var muteAll = false
        if case .bool(let flag)? = reader.object["muteAll"] { muteAll = flag }
        let name = reader.text("tname", limit: 64) ?? "group \(gid)"
        return GroupPlan(
            gid: gid, tname: name, owner: owner, members: members, admins: admins, muted: muted, muteAll: muteAll,
            settings: settings, custom: custom, icon: reader.text("icon", limit: 4096), marked: marked)
    }
}
