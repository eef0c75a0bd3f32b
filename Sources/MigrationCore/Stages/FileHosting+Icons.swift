extension FileHosting {
    /// The NIM URL for an avatar or team icon set at creation: re-hosted earlier (the id map) or
    /// now. One that cannot be re-hosted gives nil after `unhosted` reported it (the account or
    /// team is created without it); only a halt of the run is a failure.
    func iconURL(_ reference: String, unhosted: (CallFailure) async -> Void) async -> Result<String?, CallFailure> {
        if let url = await hostedURL(reference) { return .success(url) }
        switch await host(AttachmentSource(url: reference, fetch: nil, attach: nil)) {
        case .success(let hosted):
            Failpoint.hit("hosting.after-icon-upload")
            return .success(hosted.url)
        case .failure(let failure) where failure.halt != nil: return .failure(failure)
        case .failure(let failure):
            await unhosted(failure)
            return .success(nil)
        }
    }

    /// Why an avatar or icon has no NIM URL, in a report's words: refused by the URL policy, or
    /// not re-hosted with the failure's reason.
    static func notHosted(_ failure: CallFailure) -> String {
        failure.refusal.map { "is not fetched: \($0)" } ?? "could not be re-hosted (\(failure.desc))"
    }
}
