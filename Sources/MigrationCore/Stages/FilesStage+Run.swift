internal import Crypto
internal import Foundation

extension FilesStage {
    public func run(_ context: StageContext) async throws {
        let client = try services.requireClient(id)
        let fetcher = FileFetcher(root: services.export.attachmentRoot)
        try await context.database.releaseContentClaims()
        try await context.process(kind: "file") { item, _ in
            await rehost(AttachmentSource.decode(item.payload), client: client, fetcher: fetcher, context: context)
        }
        await fetcher.shutdown()
        guard !context.stop.isRequested else { return }
        try await context.process(kind: "avatar") { item, _ in
            guard let p = decodeJSON(AvatarPayload.self, item.payload) else {
                return .failed(.unreadableItem)
            }
            return await setIcon(p.url, context) { hosted async throws(CallFailure) in
                _ = try await client.send(.updateUserInfo(accid: p.accid, icon: hosted.url), stage: id)
            }
        }
        guard !context.stop.isRequested else { return }
        try await context.process(kind: "team-icon") { item, _ in
            guard let p = decodeJSON(IconPayload.self, item.payload) else {
                return .failed(.unreadableItem)
            }
            guard let tid = try? await context.database.newID(.team, old: p.gid) else {
                return .failed(.local("group \(p.gid) has no team (see the groups stage)", retryable: true))
            }
            return await setIcon(p.url, context) { hosted async throws(CallFailure) in
                var settings = NIMRequest.TeamSettings()
                settings.icon = hosted.url
                _ = try await client.send(.updateTeam(tid: tid, owner: p.owner, settings: settings), stage: id)
            }
        }
    }

    /// Download, deduplicate by content, upload.
    private func rehost(_ source: AttachmentSource, client: NIMClient, fetcher: FileFetcher, context: StageContext)
        async -> ItemOutcome
    {
        let reference = source.url
        let data: Data
        switch await fetcher.fetch(source) {
        case .failure(let failure): return .failed(failure)
        case .success(let bytes): data = bytes
        }
        let sha = CheckSum.hex(SHA256.hash(data: data))
        do {
            while true {
                switch try await context.database.claimContent(sha) {
                case .hosted(let hosted): return Self.done(hosted)
                case .busy: try await Task.sleep(for: .milliseconds(50))
                case .mine:
                    do {
                        let hosted = try await FileRehoster.upload(
                            data, named: source.name ?? reference, client: client, stage: id)
                        try await context.database.hostContent(sha, hosted)
                        try await context.database.map([IDMapping(kind: .file, old: reference, new: hosted.url)])
                        return Self.done(hosted)
                    } catch let error as CallFailure {
                        try? await context.database.releaseClaim(sha)
                        return ItemOutcome(error)
                    }
                }
            }
        } catch {
            return ItemOutcome(.local(error))
        }
    }

    static func done(_ hosted: HostedFile) -> ItemOutcome {
        let text = (try? JSONEncoder().encode(hosted)).map { String(decoding: $0, as: UTF8.self) }
        return .done(result: text)
    }

    /// Sets an avatar or icon once its file is re-hosted.
    private func setIcon(
        _ url: String, _ context: StageContext, _ call: (HostedFile) async throws(CallFailure) -> Void
    ) async -> ItemOutcome {
        guard let item = try? await context.database.item(stage: id, key: "file:" + url) else {
            return .failed(.local("no file item for \(url)"))
        }
        guard item.status == .done, let hosted = decodeJSON(HostedFile.self, item.result) else {
            return .failed(.local("\(url) was not re-hosted (see its file item)", retryable: item.status != .failed))
        }
        do {
            try await call(hosted)
            return .done(result: hosted.url)
        } catch {
            return ItemOutcome(error)
        }
    }
}
