internal import Foundation

/// Applies one change the old server made after the snapshot (SPEC §7 `/old/events`) to NIM,
/// through the process's one ``NIMClient`` and with the pipeline's id maps: users, friendships,
/// blacklists and teams. (`message.recalled` needs serve's own queue and is applied there.)
///
/// Each call resolves old ids as the stages do (`source_user`, the team id map); an account or
/// team that is not there yet makes the event wait (``Outcome/waiting(_:)``) — serve retries it when
/// another event creates something, and fails it after `serve.dependency_wait`. A user created here
/// joins `source_user` (so messages and later events resolve it, and `nim-migrate ids` lists it); a
/// team created here joins the id map. Multi-call events (`group.created`) keep their progress
/// through `save`, so a kill between two calls resumes after the last one.
public struct OldEventApplier: Sendable {
    let client: NIMClient
    let database: StateDatabase
    let accidMap: AccidMap
    let hosting: FileHosting
    let memberLimit: Int
    let v2: Bool
    /// The current NIM owner of a team (serve keeps it; NIM's `team/query` when it does not know).
    let owners: TeamOwners

    public init(
        client: NIMClient, database: StateDatabase, config: PipelineConfig, hosting: FileHosting, owners: TeamOwners
    ) throws {
        self.client = client
        self.database = database
        accidMap = try config.users.accidMap.map { try AccidMap(path: $0) } ?? AccidMap()
        self.hosting = hosting
        memberLimit = config.groups.memberLimit
        v2 = config.target.v2Endpoint != nil
        self.owners = owners
    }

    /// How an event ended (this attempt). Failures are ``CallFailure``s, as the stages' are: NIM's,
    /// a download's, or the applier's own (`.local`, its `desc` saying what is wrong).
    public enum Outcome: Sendable, Equatable {
        /// Done in NIM; the text says what was done.
        case applied(String)
        /// Needs an account, team or friendship that is not there yet: what NIM said (404, 803, 804),
        /// or what is missing.
        case waiting(CallFailure)
        /// A transient failure (or a halt of the client): try again later.
        case retry(CallFailure)
        /// Can never apply.
        case failed(CallFailure)
    }

    /// Where the event is recorded (for `source_user` rows it creates): `serve-events` and its number.
    public struct Origin: Sendable {
        public var file: String
        public var line: Int
        public init(file: String, line: Int) {
            self.file = file
            self.line = line
        }
    }

    /// Applies `event` (the canonical object). `lastChance`: the dependency wait is over, so a
    /// `group.created` leaves out members that still do not exist instead of waiting for them.
    /// `retried`: an earlier attempt may have reached NIM (so a create looks before creating).
    public func apply(
        _ event: [String: JSONValue], origin: Origin, lastChance: Bool, retried: Bool, progress: String?,
        save: @escaping @Sendable (String) async throws -> Void
    ) async -> Outcome {
        let type = event["type"]?.string ?? ""
        guard let kind = OldEventKind(rawValue: type) else { return .failed(.local("unknown event type '\(type)'")) }
        do {
            switch kind.family {
            case .user(created: true): return try await createUser(event, origin)
            case .user(created: false): return try await updateUser(event)
            case .friendship(let change): return try await friend(change, event)
            case .block(let added): return try await block(added, event)
            case .groupCreated:
                return try await createGroup(event, lastChance: lastChance, retried: retried, progress, save)
            case .team(let change): return try await group(change, event)
            case .recall:
                // Serve's own queue knows the recalled message (its RecallApplier): nothing here can.
                return .failed(.local("message.recalled is applied by serve's recall applier"))
            }
        } catch let failure as CallFailure {
            return Self.outcome(failure)
        } catch let wait as Wait {
            return .waiting(.local(wait.reason))
        } catch {
            return .retry(.local(error))
        }
    }

    /// A NIM failure as an outcome: what NIM says is missing waits (an event may create it).
    public static func outcome(_ failure: CallFailure) -> Outcome {
        if failure.retryable || failure.ambiguous || failure.halt != nil { return .retry(failure) }
        if failure.kind == .nim, [404, 803, 804].contains(failure.code) { return .waiting(failure) }
        return .failed(failure)
    }

    /// An avatar or team icon re-hosted in NIM, or nil with a note saying why not (what the caller
    /// does then — keep the old URL, go without — it says itself).
    func rehosted(_ source: String, _ what: String, _ notes: inout [String]) async -> String? {
        switch await hosting.rehost(source) {
        case .success(let hosted): return hosted.url
        case .failure(let failure):
            notes.append("\(what) \(source) not re-hosted (\(failure.desc))")
            return nil
        }
    }

    /// The notes of an applied event (fields cut or dropped, files not re-hosted) after its result.
    static func remarks(_ notes: [String]) -> String {
        notes.isEmpty ? "" : "; " + notes.joined(separator: "; ")
    }

    /// Thrown where something the event needs is not there yet.
    struct Wait: Error {
        var reason: String
    }

    // MARK: Users

    private func createUser(_ event: [String: JSONValue], _ origin: Origin) async throws -> Outcome {
        guard case .object(let object)? = event["user"] else {
            return .failed(.local("user.created without a user object"))
        }
        var reader = RecordReader(object: object, stage: .users, file: origin.file, line: origin.line)
        guard var user = SourceUser.read(&reader) else { return .failed(.local("user.created without an accid")) }
        let original = user.accid
        let mapped = accidMap.apply(original)
        if let reason = AccidRules.problem(mapped) { return .failed(.local("accid '\(original)': \(reason)")) }
        user.accid = AccidRules.nim(mapped)
        if case .migrated(let accid) = try await database.resolveUser(original) {
            return .applied("already migrated as \(accid)")
        }
        if user.token == nil { user.token = CheckSum.nonce() }
        var notes = reader.problems.map(\.message)
        if let icon = user.icon, !icon.isEmpty {
            user.icon = await rehosted(icon, "avatar", &notes) ?? icon
        }
        let response = try await client.send(
            .createUser(
                accid: user.accid, token: user.token, name: user.name, icon: user.icon, sign: user.sign,
                email: user.email, birth: user.birth, mobile: user.mobile, gender: user.gender, ex: user.ex),
            stage: .users)
        if response.code != 200, let token = user.token {
            // Already registered (an earlier attempt's unanswered create, or the operator's): the
            // token and the profile the create did not set, as the users stage does.
            _ = try await client.send(.updateToken(accid: user.accid, token: token), stage: .users)
            var profile = user
            profile.token = nil
            if profile != SourceUser(accid: user.accid) {
                _ = try await client.send(.updateUserProfile(profile), stage: .users)
            }
            notes.append("the account existed already: token and profile set")
        }
        let payload = String(decoding: try JSONEncoder().encode(user), as: UTF8.self)
        _ = try await database.insertSourceUsers([
            SourceUserRow(
                original: original, nim: user.accid, status: .ok, file: origin.file, line: origin.line,
                payload: payload)
        ])
        return .applied("created \(user.accid)" + Self.remarks(notes))
    }

    private func updateUser(_ event: [String: JSONValue]) async throws -> Outcome {
        guard case .object(let object)? = event["user"] else {
            return .failed(.local("user.updated without a user object"))
        }
        var reader = RecordReader(object: object, stage: .users, file: "", line: 0)
        guard var user = SourceUser.read(&reader) else { return .failed(.local("user.updated without an accid")) }
        user.accid = try await nim(user.accid)
        var notes = reader.problems.map(\.message)
        if let icon = user.icon, !icon.isEmpty {
            user.icon = await rehosted(icon, "avatar", &notes) ?? icon
        }
        var done: [String] = []
        if let token = user.token {
            _ = try await client.send(.updateToken(accid: user.accid, token: token), stage: .users)
            done.append("token")
        }
        user.token = nil
        if user != SourceUser(accid: user.accid) {
            _ = try await client.send(.updateUserProfile(user), stage: .users)
            done.append("profile")
        }
        return .applied(
            "updated \(user.accid): " + (done.isEmpty ? "nothing to change" : done.joined(separator: ", "))
                + Self.remarks(notes))
    }

    /// The NIM accid of an old one, or a wait for the event that creates it.
    func nim(_ reference: String) async throws -> String {
        switch try await database.resolveUser(reference) {
        case .migrated(let accid): return accid
        case .unknown: throw Wait(reason: "user '\(reference)' is not in NIM yet")
        case .invalid: throw CallFailure.local("user '\(reference)' has an invalid accid (see users.jsonl)")
        case .colliding: throw CallFailure.local("user '\(reference)' collides with another accid (see users.jsonl)")
        }
    }

    // MARK: Friends and blacklists

    private func friend(_ change: OldEventKind.Friendship, _ event: [String: JSONValue]) async throws -> Outcome {
        guard let a = event["accid"]?.string, let b = event["faccid"]?.string else {
            return .failed(.local("\(change.rawValue) needs accid and faccid"))
        }
        let accid = try await nim(a)
        let faccid = try await nim(b)
        let alias = event["alias"]?.string
        let ex = event["ex"].flatMap { $0.string ?? ($0 == .null ? nil : $0.text) }
        switch change {
        case .removed:
            // SPEC §7: both directions end. NIM's reference does not say whether one delete ends one
            // direction or both, so each direction is deleted and "not a friend" (404) counts as done:
            // true under either reading, and a repeat after a kill changes nothing.
            for (owner, friend) in [(accid, faccid), (faccid, accid)] {
                _ = try await client.send(.deleteFriend(accid: owner, faccid: friend), stage: .relations)
            }
            return .applied("\(accid) and \(faccid) are no longer friends")
        case .added where v2:
            _ = try await client.send(
                .addFriendV2(accid: accid, faccid: faccid, alias: alias, ex: ex), stage: .relations)
            return .applied("\(accid) and \(faccid) are friends")
        case .added:
            _ = try await client.send(.addFriend(accid: accid, faccid: faccid), stage: .relations)
            if alias != nil || ex != nil {
                _ = try await client.send(
                    .updateFriend(accid: accid, faccid: faccid, alias: alias, ex: ex), stage: .relations)
            }
            return .applied("\(accid) and \(faccid) are friends")
        case .updated:
            guard alias != nil || ex != nil else { return .applied("nothing to change") }
            _ = try await client.send(
                .updateFriend(accid: accid, faccid: faccid, alias: alias, ex: ex), stage: .relations)
            return .applied("updated \(accid)'s side of \(faccid)")
        }
    }

    private func block(_ add: Bool, _ event: [String: JSONValue]) async throws -> Outcome {
        guard let a = event["accid"]?.string, let b = event["targetAcc"]?.string else {
            return .failed(.local("block events need accid and targetAcc"))
        }
        let relation = event["relationType"]?.int.map(Int.init) ?? 1
        guard relation == 1 || relation == 2 else {
            return .failed(.local("relationType must be 1 (blacklist) or 2 (mute)"))
        }
        let accid = try await nim(a)
        let target = try await nim(b)
        _ = try await client.send(
            .setSpecialRelation(accid: accid, target: target, relationType: relation, add: add), stage: .relations)
        return .applied("\(accid) \(add ? "blocks" : "no longer blocks") \(target)")
    }
}
