internal import Foundation

/// What the parts of one pull share: the API, the checkpoints, the export folder being written,
/// the downloader (the one URL policy, with the app's own hosts allowed), and a progress line.
struct PullContext: Sendable {
    let api: EasemobAPI
    let store: PullStore
    /// `source.path`: the export folder the adapter reads.
    let root: String
    let downloader: SafeDownloader
    let progress: @Sendable (String) -> Void

    var config: EasemobPullConfig { api.config }

    /// A path inside the export folder.
    func path(_ relative: String) -> String { root + "/" + relative }

    /// The server's now (ms): the latest answer's `timestamp`, or one cheap call to learn it.
    func serverNow() async throws(PullHalt) -> Int64 {
        if let now = api.serverTime { return now }
        _ = try await api.call(.accounts, "/users", query: [("limit", "1")])
        guard let now = api.serverTime else {
            throw PullHalt(.setup("Easemob's answers carry no timestamp: the hours of history cannot be placed"))
        }
        return now
    }

    /// The `pull.host` URL of a chatfile of this app (`…/{org}/{app}/chatfiles/{uuid}`), or nil.
    func chatfile(_ url: String) -> String? {
        let marker = "/" + EasemobAPI.encode(config.org) + "/" + EasemobAPI.encode(config.app) + "/chatfiles/"
        guard let schemeEnd = url.range(of: "://"),
            let pathStart = url[schemeEnd.upperBound...].firstIndex(of: "/"),
            url[pathStart...].hasPrefix(marker)
        else { return nil }
        return config.host + url[pathStart...]
    }

    /// The name a file is saved under in `files/`: its URL's last path segment, exactly as the
    /// adapter looks attachments up (``EasemobMessage/lastSegment(_:)``); nil when that segment
    /// could name something other than a file in the folder.
    static func fileName(_ url: String) -> String? {
        let segment = EasemobMessage.lastSegment(url)
        guard !segment.isEmpty, !segment.hasPrefix("."), !segment.contains("\\"), !segment.contains(":") else {
            return nil
        }
        return segment
    }
}
