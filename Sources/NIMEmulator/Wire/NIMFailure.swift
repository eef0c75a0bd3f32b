internal import EmulatorKit

/// A business error answered as HTTP 200 with `{"code":…,"desc":…}`, the way NIM reports them.
///
/// Handlers throw it from inside a database transaction, so a failed call rolls back and
/// changes nothing.
struct NIMFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// NIM status code (414 parameter error, 404 not found, 801–815 team errors, …).
    let code: Int
    /// The human-readable reason, naming the offending parameter where there is one.
    let desc: String

    var description: String { "\(code) \(desc)" }

    /// The JSON body NIM answers with.
    var body: JSONValue { ["code": .number(code), "desc": .string(desc)] }

    /// 414: a required parameter is missing.
    static func missing(_ name: String) -> NIMFailure {
        NIMFailure(code: 414, desc: "\(name) is missing")
    }

    /// 414: a parameter is longer than NIM allows.
    static func tooLong(_ name: String, max: Int) -> NIMFailure {
        NIMFailure(code: 414, desc: "\(name) is too long (max \(max))")
    }

    /// 414: a parameter has a value NIM rejects.
    static func invalid(_ name: String) -> NIMFailure {
        NIMFailure(code: 414, desc: "\(name) is invalid")
    }

    /// 404: an account referenced by the call does not exist.
    static func noUser(_ accid: String) -> NIMFailure {
        NIMFailure(code: 404, desc: "user \(accid) not exist")
    }

    /// 404: `accid` does not have `faccid` as a friend (update or delete of a friendship).
    static func notFriend(_ accid: String, _ faccid: String) -> NIMFailure {
        NIMFailure(code: 404, desc: "friend relation \(accid)->\(faccid) not exist")
    }

    /// 803: the team does not exist.
    static func noTeam(_ tid: Int64) -> NIMFailure {
        NIMFailure(code: 803, desc: "team \(tid) not exist")
    }

    /// 802: the operator lacks the permission.
    static let noPermission = NIMFailure(code: 802, desc: "no permission")

    /// 804: a user is not in the team.
    static func notInTeam(_ accid: String) -> NIMFailure {
        NIMFailure(code: 804, desc: "user \(accid) not in team")
    }
}
