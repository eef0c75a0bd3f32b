/// How the elements of one source file ended (SPEC §9): each one migrated, or left out with a
/// problem that names its file and line. Adapters and stages keep one per file they read; an
/// element that is in none of the counts was dropped without a word, and `verify` names its file.
public struct ElementAccount: Sendable, Codable, Equatable {
    /// Elements read: the entries of a saved response's array, the non-blank lines of a line file.
    public var read = 0
    /// Elements handed on: a line of the converted export (an adapter), work registered or a line
    /// written to the output (a stage).
    public var passed = 0
    /// Elements folded into another element's line (an Easemob member entry into its group's line,
    /// a user attribute into its user's line).
    public var merged = 0
    /// Elements left out, each with a problem naming its file and line.
    public var reported = 0

    public init(read: Int = 0, passed: Int = 0, merged: Int = 0, reported: Int = 0) {
        self.read = read
        self.passed = passed
        self.merged = merged
        self.reported = reported
    }

    /// Elements read that are in none of the other counts (0 unless something was lost silently).
    public var unaccounted: Int { read - passed - merged - reported }

    public static func + (a: ElementAccount, b: ElementAccount) -> ElementAccount {
        ElementAccount(
            read: a.read + b.read, passed: a.passed + b.passed, merged: a.merged + b.merged,
            reported: a.reported + b.reported)
    }
}

/// The accounts of the files one reader goes through, kept while it reads.
public struct AccountBook: Sendable, Equatable {
    /// Accounts by file name (the original file's, for an adapted source).
    public private(set) var files: [String: ElementAccount] = [:]

    /// The layer name of a source adapter's accounts (stages use their own names).
    public static let sourceLayer = "source"

    public init() {}

    /// Sets the account of `file`.
    public mutating func set(_ file: String, _ account: ElementAccount) { files[file] = account }

    /// Counts one element of `file` as read.
    public mutating func read(_ file: String, _ count: Int = 1) { files[file, default: ElementAccount()].read += count }
    /// Counts one element of `file` as handed on.
    public mutating func passed(_ file: String, _ count: Int = 1) {
        files[file, default: ElementAccount()].passed += count
    }
    /// Counts one element of `file` as folded into another line.
    public mutating func merged(_ file: String, _ count: Int = 1) {
        files[file, default: ElementAccount()].merged += count
    }
    /// Counts one element of `file` as left out and reported.
    public mutating func reported(_ file: String, _ count: Int = 1) {
        files[file, default: ElementAccount()].reported += count
    }
    /// Moves one element of `file` from handed on to reported (found wanting after it was passed).
    public mutating func withdrawn(_ file: String) {
        files[file, default: ElementAccount()].passed -= 1
        files[file, default: ElementAccount()].reported += 1
    }
    /// Moves `count` elements of `file` from folded-in to reported (their line was dropped).
    public mutating func unmerged(_ file: String, _ count: Int) {
        files[file, default: ElementAccount()].merged -= count
        files[file, default: ElementAccount()].reported += count
    }
    /// Adds another book's counts.
    public mutating func add(_ other: AccountBook) {
        for (file, account) in other.files { files[file] = (files[file] ?? ElementAccount()) + account }
    }
}
