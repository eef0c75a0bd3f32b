internal import Crypto
internal import Foundation

/// Stage 4: every attachment of the messages (image, audio, video, file), every avatar and team
/// icon is downloaded and uploaded to NIM (`msg/fileUpload.action`), then avatars and icons are
/// set (`user/updateUinfo.action`, `team/update.action`).
///
/// Each distinct source reference is one item; identical bytes behind different references are
/// uploaded once (the content's SHA-256 is claimed in the state database before the upload, so
/// concurrent items with the same bytes wait for one upload). The item's result is the NIM URL
/// with the md5 and size of the bytes uploaded, which the history stage writes into the messages.
/// Dead links and files over 15 MB fail with the reason; their messages keep the old URL.
public struct FilesStage: Stage {
    public let id = StageID.files
    let services: StageServices
    static let mediaTypes: Set<Int64> = [1, 2, 3, 6]

    struct AvatarPayload: Codable {
        var accid: String
        var url: String
    }

    struct IconPayload: Codable {
        var gid: String
        var owner: String
        var url: String
    }

    public init(services: StageServices) {
        self.services = services
    }

    public func register(_ context: StageContext) async throws -> StagePlan {
        let history = HistoryStage(services: services)
        let files = history.messageFiles()
        let fingerprint = services.export.fingerprint(files + [UsersStage.file, GroupsStage.file])
        try await context.registerOnce(fingerprint: fingerprint) { emit in
            try await registerAvatarsAndIcons(context, emit)
            for file in files { try await registerAttachments(file, emit) }
        }
        var plan = try await context.plan([
            ("file", "msg/fileUpload.action"), ("avatar", "user/updateUinfo.action"),
            ("team-icon", "team/update.action"),
        ])
        if context.dryRun { try await countUploads(context, into: &plan) }
        return plan
    }

    /// A dry run reads the local attachments to count uploads exactly (identical bytes are uploaded
    /// once; missing and oversize files not at all) and the bytes to re-host. Remote files count one
    /// upload each: the plan does not download them.
    private func countUploads(_ context: StageContext, into plan: inout StagePlan) async throws {
        var hashes = Set<String>()
        var uploads = 0
        var bytes = 0
        var remote = 0
        for status in [WorkStatus.pending, .inFlight] {
            try await context.database.forEachItem(stage: id, status: status, kind: "file") { item in
                let source = AttachmentSource.decode(item.payload)
                let reference = source.local ?? source.url
                let lower = reference.lowercased()
                if lower.hasPrefix("http://") || lower.hasPrefix("https://") {
                    uploads += 1
                    remote += 1
                    return
                }
                guard let path = FileFetcher.localPath(reference, root: services.export.attachmentRoot),
                    let data = FileManager.default.contents(atPath: path), data.count <= FileFetcher.limit
                else { return }
                if hashes.insert(CheckSum.hex(SHA256.hash(data: data))).inserted {
                    uploads += 1
                    bytes += data.count
                }
            }
        }
        plan.calls["msg/fileUpload.action"] = uploads > 0 ? uploads : nil
        plan.outputs["files to re-host"] = uploads
        plan.outputs["bytes to re-host (local files)"] = bytes
        if remote > 0 { plan.outputs["remote files (sizes known once downloaded)"] = remote }
    }

    static func fileItem(_ url: String, file: String, line: Int, fetch: JSONValue? = nil, attach: JSONValue? = nil)
        -> NewWorkItem
    {
        NewWorkItem(
            key: "file:" + url, kind: "file", payload: AttachmentSource(url: url, fetch: fetch, attach: attach).payload,
            sourceFile: file, sourceLine: line)
    }

    private func registerAvatarsAndIcons(_ context: StageContext, _ emit: ([NewWorkItem]) async throws -> Void)
        async throws
    {
        let encoder = JSONEncoder()
        try await context.database.forEachAcceptedUser(batch: 5000) { rows in
            var items: [NewWorkItem] = []
            for row in rows {
                guard let user = decodeJSON(SourceUser.self, row.payload), let icon = user.icon, !icon.isEmpty
                else { continue }
                // Named where the avatar came from (an Easemob user-attribute file, say).
                let origin = SourceOrigins.iconFile(row.file)
                items.append(Self.fileItem(icon, file: origin, line: row.line))
                let payload = String(
                    decoding: try encoder.encode(AvatarPayload(accid: user.accid, url: icon)), as: UTF8.self)
                items.append(
                    NewWorkItem(
                        key: "avatar:" + user.accid, kind: "avatar", payload: payload, sourceFile: origin,
                        sourceLine: row.line))
            }
            try await emit(items)
        }
        var items: [NewWorkItem] = []
        for status in [WorkStatus.pending, .inFlight, .done, .failed] {
            for item in try await context.database.allItems(stage: .groups, status: status) {
                guard let plan = decodeJSON(GroupPlan.self, item.payload), let icon = plan.icon, !icon.isEmpty
                else { continue }
                items.append(Self.fileItem(icon, file: item.sourceFile ?? GroupsStage.file, line: item.sourceLine ?? 0))
                let payload = String(
                    decoding: try encoder.encode(IconPayload(gid: plan.gid, owner: plan.owner, url: icon)),
                    as: UTF8.self)
                items.append(
                    NewWorkItem(
                        key: "icon:" + plan.gid, kind: "team-icon", payload: payload, sourceFile: item.sourceFile,
                        sourceLine: item.sourceLine))
            }
        }
        try await emit(items)
    }

    /// One pass over a message file for `attach.url` of media messages.
    private func registerAttachments(_ file: String, _ emit: ([NewWorkItem]) async throws -> Void) async throws {
        var items: [NewWorkItem] = []
        var seen = Set<String>()
        try await LineReader(path: services.export.path(file)).forEachLine { line, bytes in
            // The line's members as the history stage reads them (no objects built for the rest).
            guard let bytes, let fields = bytes.withUnsafeBytes({ MessageFields.read($0.bindMemory(to: UInt8.self)) }),
                let type = fields.type.flatMap(HistoryNormalizer.integer), Self.mediaTypes.contains(type) || type == 100
            else { return }
            var attach = fields.attachObject?.json ?? fields.attach
            if case .string(let text)? = attach { attach = try? JSONValue.parse(Data(text.utf8)) }
            // Of custom messages, only a combined record's file is re-hosted.
            if type == 100, attach?["type"]?.string != "combine" { return }
            guard let url = attach?["url"]?.string, !url.isEmpty, seen.insert(url).inserted else { return }
            if seen.count > 100_000 { seen.removeAll(keepingCapacity: true) }
            items.append(Self.fileItem(url, file: file, line: line, fetch: fields.fetch, attach: attach))
            if items.count >= 5000 {
                try await emit(items)
                items.removeAll(keepingCapacity: true)
            }
        }
        try await emit(items)
    }
}
