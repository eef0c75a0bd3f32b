internal import MigrationCore

/// Serve's failures are the core's ``CallFailure`` (as the stages' are): a NIM call's, an
/// attachment download's, or serve's own step's. These are the words serve stores with a message or
/// event and lists on `/failed`.
extension CallFailure {
    /// The text stored and listed: serve's own step says what it was; a NIM call names its endpoint
    /// and code (its ``description``); a download names the attachment.
    var reason: String {
        switch kind {
        case .local: desc
        case .nim: description
        case .download: "attachment \(endpoint): \(desc)"
        }
    }

    /// A message's attachment `url` that could not be re-hosted: the hosting's failure (a download's,
    /// an upload's or serve's own) as a download failure of that URL, its code, text and retryability
    /// kept.
    static func attachment(_ url: String, _ failure: CallFailure) -> CallFailure {
        var attachment = CallFailure.download(url, code: failure.code, failure.desc, retryable: failure.retryable)
        attachment.underlying = failure.underlying ?? failure.description
        return attachment
    }

    /// A failure of serve's own step (`doing`: what it was doing) made from a Swift error: the
    /// error's text after what was being done, the error itself kept in ``underlying``.
    static func local(_ doing: String, _ error: any Error, retryable: Bool = true) -> CallFailure {
        var failure = CallFailure.local("\(doing): \(String(describing: error))", retryable: retryable)
        failure.underlying = String(reflecting: error)
        return failure
    }
}
