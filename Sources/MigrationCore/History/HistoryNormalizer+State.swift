internal import GRDB

extension StateDatabase {
    /// Runs `body` with the id maps exactly as the history stage reads them — accids resolved by
    /// ``StateDatabase/resolveUser(_:)``, old gid → tid from the id map, attachment URLs the files
    /// stage re-hosted — in one read transaction, so that `serve` maps a message the way the
    /// history stage would. `extraFiles` answers for URLs the files stage never saw (files that
    /// `serve` re-hosted itself); the files stage's map is asked first.
    public func withHistoryMapping<T: Sendable>(
        extraFiles: [String: HostedFile] = [:], _ body: @Sendable (HistoryNormalizer.Mapping) throws -> T
    ) async throws -> T {
        try await pool.read { db in
            let tx = HistoryTransaction(db: db, keyTable: "history_key_blocks", dryRun: false)
            let mapping = HistoryNormalizer.Mapping(
                user: { (try? tx.resolveUser($0)) ?? .unknown },
                team: { (try? tx.newID(.team, old: $0)) ?? nil },
                file: { url in
                    guard let hosted = ((try? tx.hostedFile(url)) ?? nil) ?? extraFiles[url] else { return nil }
                    return (hosted.url, hosted.md5, hosted.size)
                })
            return try body(mapping)
        }
    }
}

extension HostedFile {
    /// A re-hosted file recorded elsewhere (e.g. by `serve`).
    public static func make(url: String, md5: String, size: Int) -> HostedFile {
        HostedFile(url: url, md5: md5, size: size)
    }
}
