import ExportGenerator
import Foundation
import MigrationCore

/// A scripted week of coexistence on the old server: new users, profile changes, friendships made
/// and ended, blocks, groups created, joined, left and dismissed, messages and recalls — the
/// items `serve` is posted, in the old server's order, and the old server's state they end in.
///
/// The script keeps to what a real old server can emit in this order: a message only between
/// accounts that exist, a team message only by a current member of a live group, a recall after
/// its message. Serve's two queues race; it keeps a group's messages and changes in time order, and
/// a pair's messages and blocks (a message written after its receiver blocked the sender is
/// stored by NIM as blacklisted, one written before is not).
///
/// With `mixedCase`, the old server writes every user id in a random case at each occurrence (as
/// Easemob's clients may: its user names are case-insensitive), so a message and its recall, a
/// friendship's making and ending, name one user in different spellings.
struct CoexistenceWeek {
    /// One item: a canonical message line or a canonical event.
    enum Item {
        case message(String)
        case event(String)
    }

    var items: [Item] = []
    /// The old server's final state, in NIM's (lower-cased) accids; groups by old gid.
    var names: [String: String] = [:]
    var friends: Set<String> = []
    /// Each friendship direction's alias (`a>b`): the adding side's, none on the other.
    var aliases: [String: String] = [:]
    var blocks: Set<String> = []
    var groups: [String: (owner: String, members: Set<String>)] = [:]
    var dismissed: Set<String> = []
    /// Message ids posted, and those recalled.
    var messages: [Int] = []
    var recalled: Set<Int> = []
    /// The p2p messages written while their receiver had the sender on its blacklist.
    var blacklisted: Set<Int> = []

    /// `count` items over `initial` accounts `Old0`… that already exist, seeded; `mixedCase`
    /// spells each user id at random each time it is written (the same script otherwise).
    init(count: Int, initial: Int, seed: UInt64, mixedCase: Bool = false) {
        var random = SplitMix64(seed: seed)
        var casing = SplitMix64(seed: seed ^ 0x5EED_CA5E)
        /// The id as the old server writes it this time.
        func spell(_ accid: String) -> String {
            guard mixedCase else { return accid }
            return String(
                accid.map { character in
                    guard character.isLetter else { return character }
                    return casing.next() % 2 == 0
                        ? Character(character.uppercased()) : Character(character.lowercased())
                })
        }
        var users = (0..<initial).map { "Old\($0)" }
        var time: Int64 = 1_700_000_000_000
        var nextUser = 0
        var nextGroup = 0
        var nextMessage = 0
        var nextEvent = 0
        var sent: [(id: Int, from: String, to: String, time: Int64)] = []
        func pick<T>(_ values: [T]) -> T { values[Int(random.next() % UInt64(values.count))] }
        func pair() -> (String, String) {
            let a = pick(users)
            var b = pick(users)
            while b == a { b = pick(users) }
            return (a, b)
        }
        func key(_ a: String, _ b: String) -> String { "\(a.lowercased())>\(b.lowercased())" }
        var out: [Item] = []
        func event(_ type: String, _ fields: String) {
            nextEvent += 1
            out.append(.event("{\"id\":\"w\(nextEvent)\",\"time\":\(time),\"type\":\"\(type)\",\(fields)}"))
        }
        for _ in 0..<count {
            time += 1 + Int64(random.next() % 50)
            let roll = random.next() % 100
            switch roll {
            case 0..<8:
                nextUser += 1
                let accid = "Week\(nextUser)"
                users.append(accid)
                names[accid.lowercased()] = "week \(nextUser)"
                event("user.created", "\"user\":{\"accid\":\"\(spell(accid))\",\"name\":\"week \(nextUser)\"}")
            case 8..<14:
                let accid = pick(users)
                let name = "renamed \(time)"
                names[accid.lowercased()] = name
                event("user.updated", "\"user\":{\"accid\":\"\(spell(accid))\",\"name\":\"\(name)\"}")
            case 14..<24:
                let (a, b) = pair()
                guard !friends.contains(key(a, b)) else { continue }
                friends.formUnion([key(a, b), key(b, a)])
                // An alias of its own, so one a friendship ended and made again must not keep.
                aliases[key(a, b)] = "pal \(time)"
                event(
                    "friend.added", "\"accid\":\"\(spell(a))\",\"faccid\":\"\(spell(b))\",\"alias\":\"pal \(time)\"")
            case 24..<28:
                guard let friendship = friends.sorted().first(where: { _ in random.next() % 4 == 0 }) else { continue }
                let parts = friendship.split(separator: ">").map(String.init)
                let a = users.first { $0.lowercased() == parts[0] } ?? parts[0]
                let b = users.first { $0.lowercased() == parts[1] } ?? parts[1]
                friends.subtract([key(a, b), key(b, a)])
                aliases[key(a, b)] = nil
                aliases[key(b, a)] = nil
                event("friend.removed", "\"accid\":\"\(spell(a))\",\"faccid\":\"\(spell(b))\"")
            case 28..<32:
                let (a, b) = pair()
                let adding = !blocks.contains(key(a, b))
                if adding { blocks.insert(key(a, b)) } else { blocks.remove(key(a, b)) }
                event(
                    adding ? "block.added" : "block.removed",
                    "\"accid\":\"\(spell(a))\",\"targetAcc\":\"\(spell(b))\",\"relationType\":1")
            case 32..<37:
                nextGroup += 1
                let gid = "wg\(nextGroup)"
                let owner = pick(users)
                var members: Set<String> = []
                for _ in 0..<3 { members.insert(pick(users)) }
                members.remove(owner)
                groups[gid] = (owner.lowercased(), Set(members.map { $0.lowercased() }))
                let list = members.sorted().map { "\"\(spell($0))\"" }.joined(separator: ",")
                event(
                    "group.created",
                    "\"group\":{\"gid\":\"\(gid)\",\"tname\":\"week group \(nextGroup)\",\"owner\":\"\(spell(owner))\",\"members\":[\(list)]}"
                )
            case 37..<43:
                guard !groups.isEmpty else { continue }
                let gid = pick(groups.keys.sorted())
                let accid = pick(users)
                guard accid.lowercased() != groups[gid]?.owner else { continue }
                if groups[gid]?.members.contains(accid.lowercased()) == true {
                    groups[gid]?.members.remove(accid.lowercased())
                    event("group.members_removed", "\"gid\":\"\(gid)\",\"accids\":[\"\(spell(accid))\"]")
                } else {
                    // The old server's groups hold at most 200 (NIM's default team size here).
                    guard (groups[gid]?.members.count ?? 0) < 150 else { continue }
                    groups[gid]?.members.insert(accid.lowercased())
                    event("group.members_added", "\"gid\":\"\(gid)\",\"accids\":[\"\(spell(accid))\"]")
                }
            case 43..<45:
                guard let gid = groups.keys.sorted().first(where: { _ in random.next() % 4 == 0 }) else { continue }
                groups[gid] = nil
                dismissed.insert(gid)
                event("group.dismissed", "\"gid\":\"\(gid)\"")
            case 45..<50:
                guard let (id, from, to, created) = sent.last(where: { !recalled.contains($0.id) }) else { continue }
                recalled.insert(id)
                event(
                    "message.recalled",
                    "\"msgid\":\(id),\"from\":\"\(spell(from))\",\"to\":\"\(spell(to))\",\"createTime\":\(created)")
            case 50..<56:
                // Any current member writes (serve keeps a group's messages and changes in time order).
                guard !groups.isEmpty else { continue }
                let gid = pick(groups.keys.sorted())
                guard let group = groups[gid] else { continue }
                let writer = pick([group.owner] + group.members.sorted())
                guard let from = users.first(where: { $0.lowercased() == writer }) else { continue }
                nextMessage += 1
                messages.append(nextMessage)
                out.append(
                    .message(
                        "{\"data\":{\"msgid\":\(nextMessage),\"accid\":\"\(spell(from))\",\"tid\":\"\(gid)\",\"createTime\":\(time),\"body\":\"message \(nextMessage)\"},\"type\":0}"
                    ))
            default:
                let (from, to) = pair()
                nextMessage += 1
                messages.append(nextMessage)
                sent.append((nextMessage, from, to, time))
                if blocks.contains(key(to, from)) { blacklisted.insert(nextMessage) }
                out.append(
                    .message(
                        "{\"data\":{\"msgid\":\(nextMessage),\"from\":\"\(spell(from))\",\"to\":\"\(spell(to))\",\"createTime\":\(time),\"body\":\"message \(nextMessage)\"},\"type\":0}"
                    ))
            }
        }
        items = out
    }

    var eventCount: Int { items.filter { if case .event = $0 { true } else { false } }.count }
}
