internal import Foundation

/// Stage 4: every attachment of the messages (image, audio, video, file, a combined record's
/// file) is downloaded and uploaded to NIM (`msg/fileUpload.action`) through ``FileHosting``.
/// (Avatars and team icons are re-hosted by the users and groups stages, before the account or
/// team is created, so that their `icon` is set at creation: SPEC §5.)
///
/// Each distinct source reference is one item; identical bytes behind different references are
/// uploaded once, also when an avatar or icon had the same bytes. The item's result is the NIM URL
/// with the md5 and size of the bytes uploaded, which the history stage writes into the messages.
/// Dead links and files over 15 MB fail with the reason; their messages keep the old URL.
public struct FilesStage: Stage {
    public let id = StageID.files
    let services: StageServices
    static let mediaTypes: Set<Int64> = [1, 2, 3, 6]

    public init(services: StageServices) {
        self.services = services
    }

    public func register(_ context: StageContext) async throws -> StagePlan {
        let files = services.export.messageFiles()
        let fingerprint = services.export.fingerprint(files)
        try await context.registerOnce(fingerprint: fingerprint) { emit in
            for file in files { try await registerAttachments(file, emit) }
        }
        var plan = try await context.plan([("file", "msg/fileUpload.action")])
        if context.dryRun { try await countUploads(context, into: &plan) }
        return plan
    }

    /// A dry run reads the local attachments to count uploads exactly (identical bytes are uploaded
    /// once, and not at all when an avatar or team icon had them: those stages upload first;
    /// missing and oversize files not at all) and the bytes to re-host. Remote files count one
    /// upload each: the plan does not download them.
    private func countUploads(_ context: StageContext, into plan: inout StagePlan) async throws {
        var seen = Set<String>()
        let root = services.export.attachmentRoot
        _ = FileHosting.countUploads(try await UsersStage.avatars(context.database), root: root, seen: &seen)
        _ = FileHosting.countUploads(try await GroupsStage.icons(context.database), root: root, seen: &seen)
        var references: [String] = []
        for status in [WorkStatus.pending, .inFlight] {
            try await context.database.forEachItem(stage: id, status: status, kind: "file") { item in
                let source = AttachmentSource.decode(item.payload)
                references.append(source.local ?? source.url)
            }
        }
        let count = FileHosting.countUploads(references, root: root, seen: &seen)
        plan.calls["msg/fileUpload.action"] = count.uploads > 0 ? count.uploads : nil
        plan.outputs["files to re-host"] = count.uploads
        plan.outputs["bytes to re-host (local files)"] = count.bytes
        if count.remote > 0 { plan.outputs["remote files (sizes known once downloaded)"] = count.remote }
    }

    static func fileItem(_ url: String, file: String, line: Int, fetch: JSONValue? = nil, attach: JSONValue? = nil)
        -> NewWorkItem
    {
        NewWorkItem(
            key: "file:" + url, kind: "file", payload: AttachmentSource(url: url, fetch: fetch, attach: attach).payload,
            sourceFile: file, sourceLine: line)
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
