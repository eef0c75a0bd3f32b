internal import Foundation

/// Stage 1: one `user/create.action` per account of `users.jsonl`.
///
/// Registration reads the file once into the `source_user` table (the directory every later
/// stage resolves accids through), applying the operator's accid renames, then marks accounts
/// that collide after NIM's lower-casing. Invalid and colliding accounts are reported and not
/// migrated, and neither are their relations, memberships or messages. Tokens given in the export
/// are kept; missing ones are generated at registration, so they are durable before any call.
/// An account that already exists (414 "already register") gets its token set with
/// `user/update.action`, so `tokens.csv` is always right.
///
/// An avatar file is re-hosted (``FileHosting``, as the files stage does) before its account is
/// created, so `icon` is set by the create itself (SPEC §5: no update call). An avatar that cannot
/// be re-hosted does not hold the account back: it is created without one, and the avatar is
/// reported (`avatar-not-rehosted`) where it came from. A process killed between the upload and
/// the create finds the upload in the id map and does not upload again.
public struct UsersStage: Stage {
    public let id = StageID.users
    let services: StageServices
    static let file = "users.jsonl"

    public init(services: StageServices) {
        self.services = services
    }

    public func register(_ context: StageContext) async throws -> StagePlan {
        let export = services.export
        let fingerprint = export.fingerprint([Self.file]) + "|map:" + services.accidMap.fingerprint
        try await context.registerOnce(fingerprint: fingerprint) { emit in
            guard export.has(Self.file) else {
                try await context.report([
                    Problem(
                        stage: id, file: Self.file, line: 0, code: "missing-file",
                        message: "the export has no users.jsonl", severity: .warning)
                ])
                return
            }
            var book = AccountBook()
            try await readAccounts(context, &book)
            try await reportCollisions(context, &book)
            try await context.database.setAccounts(layer: id.rawValue, book)
            guard context.origins.translates(Self.file) else {
                // The accounts' lines are their own: they become work items in one statement.
                try await context.database.registerAcceptedUsers()
                return
            }
            try await context.database.forEachAcceptedUser(batch: 20_000) { rows in
                try await emit(
                    rows.map {
                        NewWorkItem(
                            key: $0.nim, kind: "user", payload: $0.payload, sourceFile: $0.file, sourceLine: $0.line)
                    })
            }
        }
        let counts = try await context.database.counts()[id] ?? StageCounts()
        var plan = StagePlan(
            items: counts.total, calls: counts.remaining > 0 ? ["user/create.action": counts.remaining] : [:])
        let avatars = try await Self.avatars(context.database)
        if context.dryRun {
            var seen = Set<String>()
            let count = FileHosting.countUploads(avatars, root: services.export.attachmentRoot, seen: &seen)
            if count.uploads > 0 { plan.calls["msg/fileUpload.action"] = count.uploads }
        } else if !avatars.isEmpty {
            plan.calls["msg/fileUpload.action"] = Set(avatars).count
        }
        return plan
    }

    /// The avatar references of the accounts still to create.
    static func avatars(_ database: StateDatabase) async throws -> [String] {
        try await database.payloadTexts(stage: .users, statuses: [.pending, .inFlight], field: "icon")
    }

    /// Pass over users.jsonl into `source_user`.
    private func readAccounts(_ context: StageContext, _ book: inout AccountBook) async throws {
        var rows: [SourceUserRow] = []
        var problems: [Problem] = []
        func flush() async throws {
            for (duplicate, first) in try await context.database.insertSourceUsers(rows) {
                if duplicate.status == .ok {
                    book.withdrawn(context.origins.locate(duplicate.file, duplicate.line).file)
                }
                problems.append(
                    Problem(
                        stage: id, file: duplicate.file, line: duplicate.line, code: "duplicate-user",
                        message: "accid '\(duplicate.original)' is listed again; the first (\(first)) is migrated",
                        severity: .warning))
            }
            try await context.report(problems)
            rows.removeAll(keepingCapacity: true)
            problems.removeAll(keepingCapacity: true)
        }
        try await LineReader(path: services.export.path(Self.file)).forEachLine { line, bytes in
            let origin = context.origins.locate(Self.file, line).file
            book.read(origin)
            switch RecordReader.parse(bytes, stage: id, file: Self.file, line: line) {
            case .failure(let problem):
                problems.append(problem)
                book.reported(origin)
            case .success(var reader):
                if var user = SourceUser.read(&reader) {
                    let mapped = services.accidMap.apply(user.accid)
                    var status = SourceUserRow.Status.ok
                    if let reason = AccidRules.problem(mapped) {
                        let renamed = mapped == user.accid ? "" : " (renamed from '\(user.accid)' by users.accid_map)"
                        reader.problem(
                            "invalid-accid",
                            reason + renamed + "; not migrated, nor its relations, memberships and messages")
                        status = .invalid
                        book.reported(origin)
                    } else {
                        book.passed(origin)
                    }
                    if user.token == nil { user.token = CheckSum.nonce() }
                    let original = user.accid
                    user.accid = AccidRules.nim(mapped)
                    let payload = status == .ok ? user.json : nil
                    rows.append(
                        SourceUserRow(
                            original: original, nim: AccidRules.nim(mapped), status: status, file: Self.file,
                            line: line,
                            payload: payload))
                } else {
                    book.reported(origin)
                }
                problems.append(contentsOf: reader.problems)
            }
            if rows.count >= 20_000 || problems.count >= 5000 { try await flush() }
        }
        try await flush()
    }

    private func reportCollisions(_ context: StageContext, _ book: inout AccountBook) async throws {
        var problems: [Problem] = []
        for group in try await context.database.markCollidingUsers() {
            for row in group {
                book.withdrawn(context.origins.locate(row.file, row.line).file)
                let others = group.filter { $0 != row }.map { "'\($0.original)' (\($0.file):\($0.line))" }
                problems.append(
                    Problem(
                        stage: id, file: row.file, line: row.line, code: "colliding-accid",
                        message:
                            "accid '\(row.original)' becomes '\(row.nim)' in NIM, like \(others.joined(separator: ", ")); "
                            + "neither is migrated until users.accid_map renames one"))
            }
        }
        try await context.report(problems)
    }

    public func run(_ context: StageContext) async throws {
        let client = try services.requireClient(id)
        let hosting = try await services.fileHosting(id, context)
        try await context.process(on: client.executor) { item, _ in
            guard let user = decodeJSON(SourceUser.self, item.payload), let token = user.token else {
                return .failed(.unreadableItem)
            }
            var icon: String?
            if let avatar = user.icon, !avatar.isEmpty {
                switch await avatarURL(avatar, of: user.accid, hosting, context) {
                case .success(let url): icon = url
                case .failure(let halt): return ItemOutcome(halt)
                }
            }
            do throws(CallFailure) {
                let response = try await client.send(
                    .createUser(
                        accid: user.accid, token: token, name: user.name, icon: icon, sign: user.sign,
                        email: user.email, birth: user.birth, mobile: user.mobile, gender: user.gender, ex: user.ex),
                    stage: id)
                if response.code != 200 {
                    // The account was there already (an earlier attempt's unanswered create, or the
                    // operator's): its token — and its avatar, which the create did not set — now.
                    _ = try await client.send(.updateToken(accid: user.accid, token: token), stage: id)
                    if let icon { _ = try await client.send(.updateUserInfo(accid: user.accid, icon: icon), stage: id) }
                }
                return .done(result: token)
            } catch {
                return ItemOutcome(error)
            }
        }
        await hosting.fetcher.shutdown()
        try await writeTokens(context)
    }

    /// The NIM URL for an account's avatar (see ``FileHosting/iconURL(_:unhosted:)``); one that
    /// cannot be re-hosted is reported where it came from.
    private func avatarURL(_ avatar: String, of accid: String, _ hosting: FileHosting, _ context: StageContext)
        async -> Result<String?, CallFailure>
    {
        await hosting.iconURL(avatar) { failure in
            let location = try? await context.database.sourceUserLocation(nim: accid)
            try? await context.report([
                Problem(
                    stage: id, file: SourceOrigins.iconFile(location?.file ?? Self.file), line: location?.line ?? 0,
                    code: failure.refusal == nil ? "avatar-not-rehosted" : "url-refused",
                    message:
                        "avatar \(avatar) of '\(accid)' \(FileHosting.notHosted(failure)): the account is created without it",
                    severity: .warning)
            ])
        }
    }

    /// `tokens.csv` (accid,token), mode 0600: what the app server needs to log users in.
    private func writeTokens(_ context: StageContext) async throws {
        let path = services.outputDirectory + "/tokens.csv"
        guard FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]),
            let handle = FileHandle(forWritingAtPath: path)
        else { throw StageFailure(stage: id, .cannotWrite(path: path, cause: String(cString: strerror(errno)))) }
        defer { try? handle.close() }
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        try handle.write(contentsOf: Data("accid,token\n".utf8))
        var after: Int64 = 0
        while true {
            let items = try await context.database.items(stage: id, status: .done, after: after, limit: 5000)
            guard let last = items.last else { break }
            let text = items.map { "\(CSV.field($0.key)),\(CSV.field($0.result ?? ""))\n" }.joined()
            try handle.write(contentsOf: Data(text.utf8))
            after = last.id
        }
    }
}
