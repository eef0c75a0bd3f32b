extension Verifier {
    func verifyTeams(_ report: inout VerifyReport) async throws {
        let items = try await doneItems(.groups)
        var plans: [String: GroupPlan] = [:]
        for item in items {
            if let tid = item.result, let plan = decodeJSON(GroupPlan.self, item.payload) { plans[tid] = plan }
        }
        var found = 0
        for batch in GroupPlan.chunks(plans.keys.sorted(), 10) {
            let response = try await client.send(.queryTeams(batch), stage: .groups)
            var byTid: [String: JSONValue] = [:]
            for team in response["tinfos"]?.array ?? [] {
                if let tid = team["tid"]?.string { byTid[tid] = team }
            }
            for tid in batch {
                guard let plan = plans[tid] else { continue }
                guard let team = byTid[tid] else {
                    report.add("teams", "team \(tid) (group \(plan.gid)) is missing")
                    continue
                }
                found += 1
                try await compare(team, tid: tid, plan: plan, &report)
            }
        }
        report.count("teams", expected: plans.count, found: found)
    }

    private func compare(_ team: JSONValue, tid: String, plan: GroupPlan, _ report: inout VerifyReport) async throws {
        let label = "team \(tid) (group \(plan.gid))"
        if team["owner"]?.string != plan.owner {
            report.add("teams", "\(label): owner is \(team["owner"]?.text ?? "absent"), expected \(plan.owner)")
        }
        if team["tname"]?.string != plan.tname {
            report.add("teams", "\(label): name is \(team["tname"]?.text ?? "absent"), expected \(plan.tname)")
        }
        let admins = Set((team["admins"]?.array ?? []).compactMap(Self.accid))
        let members = Set((team["members"]?.array ?? []).compactMap(Self.accid)).union(admins).subtracting([plan.owner])
        for missing in Set(plan.members).subtracting(members).sorted() {
            report.add("teams", "\(label): member \(missing) is missing")
        }
        for extra in members.subtracting(plan.members).sorted() {
            report.add("teams", "\(label): \(extra) is a member but not in the source")
        }
        for missing in Set(plan.admins).subtracting(admins).sorted() where members.contains(missing) {
            report.add("teams", "\(label): \(missing) is not a manager")
        }
        if !plan.muted.isEmpty {
            let response = try await client.send(.listTeamMute(tid: tid, owner: plan.owner), stage: .groups)
            let muted = Set((response["mutes"]?.array ?? []).compactMap(Self.accid))
            for missing in Set(plan.muted).subtracting(muted).sorted() where members.contains(missing) {
                report.add("teams", "\(label): \(missing) is not muted")
            }
        }
    }

    /// An accid given as a string or as an object with `accid`.
    static func accid(_ value: JSONValue) -> String? { value.string ?? value["accid"]?.string }
}
