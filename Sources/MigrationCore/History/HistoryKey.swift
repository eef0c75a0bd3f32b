/// NIM's identity of a history message (注1: msgid, from, to/tid and createTime), as the history
/// pass's key store holds it: `createTime` and a stable 64-bit hash of the rest. The store is
/// ordered by time first, so an export read in time order inserts its keys side by side instead
/// of all over the index.
struct HistoryKey: Hashable {
    var time: Int64
    var fingerprint: Int64
    /// A team message's key (the fingerprint tells the kinds apart too; the store keeps the times
    /// of each kind apart, so that a team file read after a p2p file is still "past every key").
    var team = false
}

extension HistoryMessage {
    /// ``key`` as the key store holds it.
    var storeKey: HistoryKey {
        var hasher = StableHasher()
        hasher.combine(UInt64(bitPattern: msgid))
        switch conversation {
        case .p2p(let from, let to):
            hasher.combine(from)
            hasher.combine(to)
        case .team(let accid, let tid):
            hasher.combine(accid)
            hasher.combine(tid)
            hasher.combine(1)
        }
        return HistoryKey(time: createTime, fingerprint: Int64(bitPattern: hasher.finalize()), team: isTeam)
    }
}
