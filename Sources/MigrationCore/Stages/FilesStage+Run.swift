internal import Foundation

extension FilesStage {
    public func run(_ context: StageContext) async throws {
        let hosting = try await services.fileHosting(id, context)
        try await context.process(kind: "file") { item, _ in
            switch await hosting.host(AttachmentSource.decode(item.payload)) {
            case .success(let hosted): return Self.done(hosted)
            case .failure(let failure):
                guard let refusal = failure.refusal else { return ItemOutcome(failure) }
                do {
                    try await context.report([
                        Self.refused(refusal, stage: id, file: item.sourceFile, line: item.sourceLine)
                    ])
                } catch {
                    return .failed(.local(error))
                }
                return .skipped(reason: refusal.description)
            }
        }
        await hosting.fetcher.shutdown()
    }

    static func done(_ hosted: HostedFile) -> ItemOutcome {
        let text = (try? JSONEncoder().encode(hosted)).map { String(decoding: $0, as: UTF8.self) }
        return .done(result: text)
    }

    /// The `url-refused` warning of a reference the URL policy does not fetch (SPEC §5): where it
    /// was first written, the host or path and why; its messages keep the old URL.
    static func refused(_ refusal: URLRefusal, stage: StageID, file: String?, line: Int?, what: String = "attachment")
        -> Problem
    {
        Problem(
            stage: stage, file: file ?? "", line: line ?? 0, code: "url-refused",
            message: "\(what) \(refusal.reference) is not fetched: \(refusal.description)", severity: .warning)
    }
}
