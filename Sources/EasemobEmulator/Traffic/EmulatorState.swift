/// The emulator's mutable state: issued tokens, rate windows, fault switches, deleted users and
/// groups, the download counter and the traffic log.
///
/// Every change is one synchronous step on the actor (no awaits inside), so decisions are
/// consistent under concurrent requests.
actor EmulatorState {
    /// What the gate decided for a call.
    enum Verdict: Sendable, Equatable {
        case admit
        case reachLimit
        case resourceLimited
    }

    /// How an outage fails calls.
    enum OutageMode: String, Sendable {
        /// HTTP 503.
        case unavailable
        /// The connection is closed without an answer.
        case cut
    }

    private var tokens: [String: Int64?] = [:]
    private var windows: [RateFamily: SlidingWindow] = [:]
    private var limits: [RateFamily: Int?] = [:]
    private var resourceLimited: Set<RateFamily>
    private var bursts: [RateFamily: Int] = [:]
    private var outage: (untilElapsedMs: Int64, mode: OutageMode)?
    private var downloads = 0
    private var truncateAt: Int?
    private var log: [TrafficEntry] = []
    private var firstSeq = 1
    /// Lowercased usernames removed with `POST /_emulator/delete-user`.
    private(set) var deletedUsers: Set<String> = []
    /// Group IDs removed with `POST /_emulator/delete-group`.
    private(set) var deletedGroups: Set<String> = []

    /// The state of a fresh emulator for `configuration`.
    init(configuration: EasemobEmulatorConfiguration) {
        for family in RateFamily.allCases { limits[family] = family.limit(in: configuration) }
        resourceLimited = configuration.resourceLimited
        truncateAt = configuration.truncateDownload
    }

    // MARK: tokens

    /// Remembers `token`, valid until `expiresMs` (virtual; `nil`: forever).
    func issue(_ token: String, expiresMs: Int64?) {
        tokens[token] = expiresMs
    }

    /// The failure of a call carrying `token` at virtual `nowMs`, `nil` when it may pass.
    func authenticate(_ token: String?, nowMs: Int64) -> EasemobError? {
        guard let token, !token.isEmpty else { return .expiredToken }
        guard let expiry = tokens[token] else { return .badToken }
        if let expiry, expiry <= nowMs { return .expiredToken }
        return nil
    }

    /// Makes every issued token expired at virtual `nowMs`.
    func expireTokens(nowMs: Int64) {
        for token in tokens.keys { tokens[token] = nowMs }
    }

    // MARK: rates and faults

    /// Whether a call of `family` arriving at real `elapsedMs` is served or refused 429.
    func admit(_ family: RateFamily, elapsedMs: Int64) -> Verdict {
        if resourceLimited.contains(family) { return .resourceLimited }
        if let left = bursts[family], left > 0 {
            bursts[family] = left - 1
            return .reachLimit
        }
        guard let limit = limits[family] ?? nil else { return .admit }
        var window = windows[family] ?? SlidingWindow(limit: limit, windowMs: Int64(family.windowSeconds) * 1000)
        window.limit = limit
        let admitted = window.admit(at: elapsedMs)
        windows[family] = window
        return admitted ? .admit : .reachLimit
    }

    /// Sets a family's limit per window (`nil`: unlimited).
    func setLimit(_ family: RateFamily, _ limit: Int?) {
        limits[family] = limit
    }

    /// The next `count` calls of `family` answer 429 `reach_limit`.
    func burst(_ family: RateFamily, count: Int) {
        bursts[family] = max(0, count)
    }

    /// Turns the edition-quota answer (429 `resource_limited`) on or off for `family`.
    func setResourceLimited(_ family: RateFamily, _ on: Bool) {
        if on { resourceLimited.insert(family) } else { resourceLimited.remove(family) }
    }

    /// Starts an outage lasting until real `untilElapsedMs` (a past instant ends it).
    func startOutage(untilElapsedMs: Int64, mode: OutageMode) {
        outage = (untilElapsedMs, mode)
    }

    /// The outage in force at real `elapsedMs`, if any.
    func outageMode(at elapsedMs: Int64) -> OutageMode? {
        guard let outage, elapsedMs < outage.untilElapsedMs else { return nil }
        return outage.mode
    }

    /// Counts a signed download and tells whether it is the one to cut short.
    func nextDownloadIsTruncated() -> Bool {
        downloads += 1
        return downloads == truncateAt
    }

    /// The `n`-th signed download from now (1 = the next) is cut short.
    func truncate(nth n: Int) {
        truncateAt = downloads + max(1, n)
    }

    // MARK: deletions

    /// Removes a user from every list and detail.
    func deleteUser(_ username: String) {
        deletedUsers.insert(username.lowercased())
    }

    /// Removes a group from every list and detail.
    func deleteGroup(_ id: String) {
        deletedGroups.insert(id)
    }

    // MARK: traffic

    /// Records an arrival; returns its sequence number.
    func record(_ make: (Int) -> TrafficEntry) -> Int {
        let entry = make(firstSeq + log.count)
        log.append(entry)
        return entry.seq
    }

    /// Sets the status answered to the request `seq`.
    func complete(_ seq: Int, status: Int) {
        let index = seq - firstSeq
        guard index >= 0 && index < log.count else { return }
        log[index].status = status
    }

    /// The traffic log so far.
    func traffic() -> [TrafficEntry] { log }

    /// Empties the traffic log.
    func resetTraffic() {
        firstSeq += log.count
        log.removeAll()
    }

    /// The configured limit of `family` (`nil`: unlimited).
    func limit(of family: RateFamily) -> Int? { limits[family] ?? nil }
}
