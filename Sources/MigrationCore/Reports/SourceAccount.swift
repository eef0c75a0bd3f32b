/// Every element of every source file, accounted for (SPEC §9): per file the operator has (the
/// original Easemob file, for an Easemob export), how many entries were read, migrated, reported
/// (left out with a problem, or failed), still pending — and any that are in none of these.
public struct SourceAccount: Sendable, Codable, Equatable {
    /// One source file's account.
    public struct FileLine: Sendable, Codable, Equatable {
        public var file: String
        public var read: Int
        public var migrated: Int
        public var reported: Int
        public var pending: Int
        /// Read but neither migrated, reported nor pending: lost without a word.
        public var unaccounted: Int
    }

    public var files: [FileLine] = []

    /// Elements lost without a word, over every file.
    public var unaccounted: Int { files.reduce(0) { $0 + abs($1.unaccounted) } }

    /// Builds the account from the adapter's and the stages' counts and the work items' outcomes.
    ///
    /// For a file an adapter converted, its entries were read by the adapter (`source` layer):
    /// each became a line of the converted export (then read by a stage, which migrated or
    /// reported it), was folded into another line (a member into its group's; migrated with it),
    /// or was reported. A line whose work failed is reported (it is in `failed.jsonl`); one whose
    /// work is not finished is pending.
    public static func build(database: StateDatabase) async throws -> SourceAccount {
        var source: [String: ElementAccount] = [:]
        var stages: [String: ElementAccount] = [:]
        for (layer, file, account) in try await database.accounts() {
            if layer == AccountBook.sourceLayer {
                source[file] = account
            } else {
                stages[file] = (stages[file] ?? ElementAccount()) + account
            }
        }
        let items = try await database.itemLinesByOutcome()
        var out = SourceAccount()
        for file in Set(source.keys).union(stages.keys).sorted() {
            let stage = stages[file] ?? ElementAccount()
            let (failed, pending) = items[file] ?? (0, 0)
            var line = FileLine(
                file: file, read: stage.read, migrated: 0, reported: 0, pending: pending, unaccounted: 0)
            line.migrated = stage.passed - failed - pending
            line.reported = stage.reported + failed
            if let adapter = source[file] {
                line.read = adapter.read
                line.migrated += adapter.merged
                line.reported += adapter.reported
            }
            line.unaccounted = line.read - line.migrated - line.reported - line.pending
            out.files.append(line)
        }
        return out
    }

    /// The account as a Markdown section.
    public func markdown() -> String {
        var out = "\n## Every element accounted for\n\n"
        out +=
            unaccounted == 0
            ? "Every entry of every source file was migrated or reported by file and line.\n\n"
            : "**\(unaccounted) entries are unaccounted for**: read, but neither migrated nor reported.\n\n"
        out += "| file | read | migrated | reported | pending | unaccounted |\n|---|---:|---:|---:|---:|---:|\n"
        for f in files {
            out += "| \(f.file) | \(f.read) | \(f.migrated) | \(f.reported) | \(f.pending) | \(f.unaccounted) |\n"
        }
        return out
    }
}
