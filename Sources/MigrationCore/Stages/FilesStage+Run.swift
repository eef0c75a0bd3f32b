internal import Foundation

extension FilesStage {
    public func run(_ context: StageContext) async throws {
        let client = try services.requireClient(id)
        let hosting = FileHosting(
            client: client, fetcher: FileFetcher(root: services.export.attachmentRoot), database: context.database,
            stage: id)
        try await context.database.releaseContentClaims()
        try await context.process(kind: "file") { item, _ in
            switch await hosting.host(AttachmentSource.decode(item.payload)) {
            case .success(let hosted): return Self.done(hosted)
            case .failure(let failure): return ItemOutcome(failure)
            }
        }
        await hosting.fetcher.shutdown()
    }

    static func done(_ hosted: HostedFile) -> ItemOutcome {
        let text = (try? JSONEncoder().encode(hosted)).map { String(decoding: $0, as: UTF8.self) }
        return .done(result: text)
    }
}
