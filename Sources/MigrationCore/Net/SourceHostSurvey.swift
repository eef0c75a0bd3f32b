internal import Foundation

/// One host the source's files come from, as the plan lists it (SPEC §5 "Untrusted addresses"):
/// how many references name it and whether the URL policy lets the tool fetch from it.
public struct HostLine: Sendable, Codable, Equatable {
    /// The host name or address; `export folder` for paths inside the export.
    public var host: String
    public var references: Int
    public var allowed: Bool
    /// Why it is refused, in words ("loopback", "private network (10.0.0.7)", …).
    public var why: String?
}

/// What the plan predicts of the downloads: every attachment, avatar and icon still to fetch,
/// grouped by host and judged by the URL policy with one lookup per name — the same decision the
/// run makes — and a `url-refused` warning at the first line of each refused reference.
struct SourceHostSurvey {
    let database: StateDatabase
    let policy: URLPolicy
    let resolver: any HostResolver
    /// The export folder, against which local paths are judged.
    let root: String

    /// One reference still to fetch and where it was written.
    private struct Reference {
        var text: String
        var stage: StageID
        var file: String?
        var line: Int?
        var what: String
    }

    /// The hosts, most referenced first, and the warnings of the refused references.
    func survey() async throws -> (hosts: [HostLine], problems: [Problem]) {
        var counts: [String: Int] = [:]
        var decisions: [String: URLRefusal?] = [:]
        var problems: [Problem] = []
        // What each reference text was judged (many accounts share an avatar), bounded.
        var judged: [String: (host: String, refusal: URLRefusal?)] = [:]
        for reference in try await references() {
            let host: String
            let refusal: URLRefusal?
            if let known = judged[reference.text] {
                (host, refusal) = known
            } else {
                (host, refusal) = await judge(reference.text, decisions: &decisions)
                if judged.count >= 100_000 { judged.removeAll(keepingCapacity: true) }
                judged[reference.text] = (host, refusal)
            }
            counts[host, default: 0] += 1
            if let refusal {
                problems.append(
                    FilesStage.refused(
                        refusal, stage: reference.stage, file: reference.file, line: reference.line,
                        what: reference.what))
            }
            if decisions[host] == nil { decisions[host] = .some(refusal) }
        }
        let hosts = counts.map { host, count in
            let refusal = decisions[host] ?? nil
            return HostLine(host: host, references: count, allowed: refusal == nil, why: refusal?.why)
        }
        return (hosts.sorted { ($0.references, $1.host) > ($1.references, $0.host) }, problems)
    }

    /// The host a reference is fetched from and the policy's refusal, if any (a name resolved once).
    private func judge(_ text: String, decisions: inout [String: URLRefusal?]) async -> (String, URLRefusal?) {
        switch FileFetcher.scheme(text) {
        case nil, "file"?:
            guard FileFetcher.localPath(text, root: root) != nil else {
                return ("outside the export folder", URLRefusal(reference: text, host: text, reason: .leavesExport))
            }
            return ("export folder", nil)
        case "http"?, "https"?: break
        case let other?: return (other + ":", URLRefusal(reference: text, host: text, reason: .scheme(other)))
        }
        let target: URLPolicy.Target
        switch policy.screen(text) {
        case .failure(let refusal): return (refusal.host, refusal)
        case .success(let screened): target = screened
        }
        guard case .name(let name) = target.host else { return (target.hostText, nil) }
        if let known = decisions[name] {
            return (name, known.map { URLRefusal(reference: text, host: $0.host, reason: $0.reason) })
        }
        // A name that does not resolve here is judged at download time (a dead link, not a refusal).
        guard let addresses = try? await resolver.resolve(name) else { return (name, nil) }
        switch policy.admit(target, addresses: addresses, reference: text) {
        case .success: return (name, nil)
        case .failure(let refusal): return (name, refusal)
        }
    }

    private func references() async throws -> [Reference] {
        var out: [Reference] = []
        for status in [WorkStatus.pending, .inFlight] {
            // The avatars read by SQLite: decoding every account's payload was a tenth of a plan.
            for avatar in try await database.payloadTextOrigins(stage: .users, status: status, field: "icon") {
                let file = SourceOrigins.iconFile(avatar.file ?? UsersStage.file)
                out.append(Reference(text: avatar.text, stage: .users, file: file, line: avatar.line, what: "avatar"))
            }
            try await database.forEachItem(stage: .groups, status: status) { item in
                guard let icon = decodeJSON(GroupPlan.self, item.payload)?.icon, !icon.isEmpty else { return }
                out.append(
                    Reference(
                        text: icon, stage: .groups, file: item.sourceFile, line: item.sourceLine, what: "team icon"))
            }
            try await database.forEachItem(stage: .files, status: status, kind: "file") { item in
                let source = AttachmentSource.decode(item.payload)
                let local = source.local.flatMap { FileFetcher.localPath($0, root: root) }
                let text = local.map { FileManager.default.fileExists(atPath: $0) } == true ? source.local : nil
                out.append(
                    Reference(
                        text: text ?? source.url, stage: .files, file: item.sourceFile, line: item.sourceLine,
                        what: "attachment"))
            }
        }
        return out
    }
}
