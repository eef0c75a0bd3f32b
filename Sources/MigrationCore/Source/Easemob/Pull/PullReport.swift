internal import Foundation

/// What a pull got and what it could not (SPEC §4 "Report"): `state/NAME/pull.md` + `pull.json`.
/// Nothing is hidden: hours expired (the gaps, by hour), hours still too new, attachments expired,
/// users and groups gone between their list and their detail.
public struct PullReport: Sendable, Codable, Equatable {
    public var pipeline: String
    public var host: String
    public var app: String
    public var lists: [ListLine]
    public var hours: Hours
    public var files: Files
    /// Calls and 429s per family of Easemob's API, this pull.
    public var calls: [String: Calls]
    public var seconds: Double
    /// How long a full pull of this app takes at the configured limits (from the sizes this pull saw).
    public var estimate: Estimate?
    /// Why the pull stopped early, if it did.
    public var halted: String?
    public var exitCode: Int32

    /// One list: pages (cursor lists) or owners saved, entries, and the ids that were gone.
    public struct ListLine: Sendable, Codable, Equatable {
        public var list: String
        public var pages: Int?
        public var saved: Int?
        public var entries: Int
        public var gone: [String]
    }

    /// Every hour asked about, by state; the expired ones as ranges (the gaps).
    public struct Hours: Sendable, Codable, Equatable {
        public var from: String?
        public var to: String?
        public var saved = 0
        public var empty = 0
        public var tooNew: [String] = []
        public var expired = 0
        public var pending: [String] = []
        public var gaps: [Gap] = []
        /// Every hour from `from` to `to`, one letter each (``calendarLetters``): what `pull.html`
        /// draws as a calendar.
        public var calendar: String?

        /// The letter of each state in ``calendar``; `-` is an hour never asked about.
        static let calendarLetters: [HourState: Character] = [
            .saved: "s", .empty: "e", .tooNew: "n", .expired: "x", .pending: "p",
        ]
    }

    /// Consecutive expired hours, `from` to `to` inclusive.
    public struct Gap: Sendable, Codable, Equatable {
        public var from: String
        public var to: String
        public var hours: Int
    }

    /// Downloads by state, and the first of those not saved with where they were referenced.
    public struct Files: Sendable, Codable, Equatable {
        public var saved = 0
        public var expired = 0
        public var failed = 0
        public var refused = 0
        public var pending = 0
        public var unsaved: [Unsaved] = []
    }

    /// A file not saved: `attachment-expired` and the others, by hour file (or list file) and line.
    public struct Unsaved: Sendable, Codable, Equatable {
        public var code: String
        public var url: String
        public var file: String
        public var line: Int
        public var reason: String?
    }

    /// A full pull's calls per family and the time they take at the pull's limits: the lists (account
    /// and blocklist calls, one after the other) beside the history (`history_per_minute` in any
    /// 60 s), then the files.
    public struct Estimate: Sendable, Codable, Equatable {
        public var accountCalls: Int
        public var blockCalls: Int
        public var historyCalls: Int
        public var fileCalls: Int
        public var seconds: Double

        init(accounts: Int, blocks: Int, hours: Int, files: Int, config: EasemobPullConfig) {
            accountCalls = accounts
            blockCalls = blocks
            historyCalls = hours
            fileCalls = files
            // At most `limit` calls in any window: a window's worth at once, the next when the
            // first of them is a window old (the history's 11th call waits a whole minute).
            func paced(_ calls: Int, _ limit: Int, _ window: Double) -> Double {
                Double(max(0, (calls + limit - 1) / limit - 1)) * window
            }
            let second = Double(EasemobAPI.second.components.attoseconds) / 1e18 + 1
            let minute = Double(EasemobAPI.minute.components.seconds)
            let lists = paced(accounts, config.rate, second) + paced(blocks, config.blockRate, second)
            let history = paced(hours, config.historyPerMinute, minute)
            seconds = max(lists, history) + paced(files, config.rate, second)
        }
    }

    public struct Calls: Sendable, Codable, Equatable {
        public var calls: Int
        public var throttled: Int
    }

    /// Whether anything that existed could not be had (exit 1).
    var incomplete: Bool {
        hours.expired > 0 || !hours.pending.isEmpty || files.expired > 0 || files.failed > 0 || files.refused > 0
            || files.pending > 0
    }

    /// `pull.md`.
    public func markdown() -> String {
        var out = "# Pull: \(pipeline)\n\n`\(app)` at `\(host)`, \(RunReport.duration(seconds)).\n\n"
        if let halted { out += "**Stopped early:** \(halted)\n\n" }
        out +=
            "## Lists\n\n| list | pages | saved | entries | gone between list and detail |\n|---|---:|---:|---:|---|\n"
        for line in lists {
            let gone = line.gone.isEmpty ? "" : line.gone.prefix(20).joined(separator: ", ")
            out += "| \(line.list) | \(line.pages.map(String.init) ?? "") | \(line.saved.map(String.init) ?? "") | "
            out += "\(line.entries) | \(gone)\(line.gone.count > 20 ? " …" : "") |\n"
        }
        out += "\n## History\n\n"
        if let from = hours.from, let to = hours.to { out += "Hours \(from) to \(to) (`yyyyMMddHH`).\n\n" }
        out += "| saved | empty | too new (asked again next pull) | expired | pending |\n|---:|---:|---:|---:|---:|\n"
        out +=
            "| \(hours.saved) | \(hours.empty) | \(hours.tooNew.count) | \(hours.expired) | \(hours.pending.count) |\n"
        if !hours.gaps.isEmpty {
            out += "\n**Gaps** (hours Easemob no longer keeps — their messages cannot be pulled):\n\n"
            for gap in hours.gaps { out += "- \(gap.from) – \(gap.to) (\(gap.hours) h)\n" }
        }
        out +=
            "\n## Attachments and avatars\n\n| saved | expired | refused | failed | pending |\n|---:|---:|---:|---:|---:|\n"
        out += "| \(files.saved) | \(files.expired) | \(files.refused) | \(files.failed) | \(files.pending) |\n"
        if !files.unsaved.isEmpty {
            out += "\n| code | file:line | URL | why |\n|---|---|---|---|\n"
            for file in files.unsaved {
                out += "| \(file.code) | \(file.file):\(file.line) | \(file.url) | \(file.reason ?? "") |\n"
            }
        }
        if let estimate {
            out += "\nA full pull of this app at these limits takes about \(RunReport.duration(estimate.seconds)): "
            out += "\(estimate.accountCalls) account and group calls, \(estimate.blockCalls) blocklist calls, "
            out += "\(estimate.historyCalls) hours of history, \(estimate.fileCalls) files.\n"
        }
        out += "\n## Calls\n\n| family | calls | 429 |\n|---|---:|---:|\n"
        for (family, calls) in calls.sorted(by: { $0.key < $1.key }) {
            out += "| \(family) | \(calls.calls) | \(calls.throttled) |\n"
        }
        return out
    }
}

extension PullReport {
    /// The report of the pull's state database (every pull so far), with this pull's calls.
    static func build(
        pipeline: String, config: EasemobPullConfig, store: PullStore, generation: Int64,
        calls: [PullFamily: (calls: Int, throttled: Int)], seconds: Double, halted: PullHalt?
    ) throws -> PullReport {
        var lists: [ListLine] = []
        for (name, step) in try store.steps(generation).sorted(by: { $0.key < $1.key }) where name != "details" {
            lists.append(ListLine(list: name, pages: step.pages, saved: nil, entries: step.entries, gone: []))
        }
        for (name, owners) in try store.ownerCounts(generation).sorted(by: { $0.key < $1.key }) {
            lists.append(
                ListLine(list: name, pages: nil, saved: owners.saved, entries: owners.entries, gone: owners.gone))
        }
        var hours = Hours()
        let all = try store.hours().sorted { $0.key < $1.key }
        hours.from = all.first?.key
        hours.to = all.last?.key
        var gap: Gap?
        for (hour, state) in all {
            switch state.state {
            case .saved: hours.saved += 1
            case .empty: hours.empty += 1
            case .tooNew: hours.tooNew.append(hour)
            case .pending: hours.pending.append(hour)
            case .expired: hours.expired += 1
            }
            if state.state == .expired, let key = HourKey(hour) {
                if var open = gap, let last = HourKey(open.to), last.next(offset: config.timezoneOffset) == key {
                    open.to = hour
                    open.hours += 1
                    gap = open
                } else {
                    if let open = gap { hours.gaps.append(open) }
                    gap = Gap(from: hour, to: hour, hours: 1)
                }
            }
        }
        if let open = gap { hours.gaps.append(open) }
        hours.calendar = calendar(
            from: hours.from, to: hours.to,
            states: Dictionary(uniqueKeysWithValues: all.map { ($0.key, $0.value.state) }),
            offset: config.timezoneOffset)
        var files = Files()
        let counts = try store.fileCounts()
        files.saved = counts[.saved] ?? 0
        files.expired = counts[.expired] ?? 0
        files.failed = counts[.failed] ?? 0
        files.refused = counts[.refused] ?? 0
        files.pending = counts[.pending] ?? 0
        files.unsaved = try store.unsavedFiles(limit: 200).map { file, state, detail in
            Unsaved(
                code: state == .expired ? "attachment-expired" : state == .refused ? "url-refused" : "download-failed",
                url: file.url, file: file.source, line: file.line, reason: detail)
        }
        let steps = try store.steps(generation)
        let owners = try store.ownerCounts(generation)
        func ownerCalls(_ list: String) -> Int { (owners[list]?.saved ?? 0) + (owners[list]?.gone.count ?? 0) }
        let accountCalls =
            1 + (steps["users"]?.pages ?? 0) + (steps["user-attributes"]?.pages ?? 0) + ownerCalls("contacts")
            + (steps["chatgroups"]?.pages ?? 0) + (steps["details"]?.pages ?? 0) + 3 * (owners["group"]?.saved ?? 0)
        let estimate = Estimate(
            accounts: accountCalls, blocks: ownerCalls("blocks"), hours: all.count,
            files: files.saved + files.expired + files.failed + files.refused + files.pending, config: config)
        var report = PullReport(
            pipeline: pipeline, host: config.host, app: "\(config.org)/\(config.app)", lists: lists, hours: hours,
            files: files,
            calls: Dictionary(
                uniqueKeysWithValues: calls.map {
                    ($0.key.rawValue, Calls(calls: $0.value.calls, throttled: $0.value.throttled))
                }),
            seconds: seconds, estimate: estimate, halted: halted?.description, exitCode: 0)
        report.exitCode = halted?.exitCode ?? (report.incomplete ? 1 : 0)
        return report
    }

    /// One letter per hour from the first hour asked to the last (`-` for one never asked).
    private static func calendar(from: String?, to: String?, states: [String: HourState], offset: Int) -> String? {
        guard let first = from.flatMap(HourKey.init), let last = to.flatMap(HourKey.init) else { return nil }
        var out = ""
        var key = first
        while key <= last {
            out.append(states[key.text].flatMap { Hours.calendarLetters[$0] } ?? "-")
            key = key.next(offset: offset)
        }
        return out
    }
}
