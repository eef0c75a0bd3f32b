internal import Foundation

extension FilesStage {
    public func run(_ context: StageContext) async throws {
        let hosting = try await services.fileHosting(id, context)
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
