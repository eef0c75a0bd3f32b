internal import EmulatorKit
import GRDB

/// `user/*.action`: accounts and profiles (reference §2.1–2.4, §2.6).
enum UserHandlers {
    /// Profile fields and their length limits (§2.1).
    static let profileFields: [(name: String, max: Int)] = [
        ("name", 64), ("icon", 1024), ("sign", 256), ("email", 64), ("birth", 16), ("mobile", 32), ("ex", 1024),
    ]

    /// The profile fields present in the call, each checked against its length limit.
    static func profileValues(_ p: V1Parameters) throws -> [String: String] {
        var values: [String: String] = [:]
        for field in profileFields {
            values[field.name] = try p.optional(field.name, max: field.max)
        }
        return values
    }

    /// `user/create.action`: a new account; an existing accid is `414 already register`.
    static func create(_ p: V1Parameters, _ core: EmulatorCore) async throws -> JSONValue {
        let accid = try p.accid("accid")
        let token = try p.optional("token", max: 128)
        let props = try p.optional("props", max: 1024)
        let gender = try p.optionalInt("gender", in: [0, 1, 2])
        let values = try profileValues(p)
        let now = core.nowMs()
        let seed = core.configuration.seed
        let user = try await core.store.write { db -> UserRecord in
            guard try UserRecord.fetchOne(db, key: accid) == nil else {
                throw NIMFailure(code: 414, desc: "already register")
            }
            let issued: String
            if let token, !token.isEmpty {
                issued = token
            } else {
                issued = EmulatorCore.makeToken(
                    seed: seed, serial: try Counters.add(db, Counters.token, 1), accid: accid)
            }
            let user = UserRecord(
                accid: accid, token: issued, name: values["name"], icon: values["icon"], sign: values["sign"],
                email: values["email"], birth: values["birth"], mobile: values["mobile"], gender: Int(gender ?? 0),
                ex: values["ex"], props: props, createTime: now)
            try user.insert(db)
            return user
        }
        return [
            "code": 200,
            "info": ["token": .string(user.token), "accid": .string(user.accid), "name": .string(user.name ?? "")],
        ]
    }

    /// `user/update.action`: sets the token of an existing account.
    static func update(_ p: V1Parameters, _ core: EmulatorCore) async throws -> JSONValue {
        let accid = try p.accid("accid")
        let token = try p.optional("token", max: 128)
        let props = try p.optional("props", max: 1024)
        try await core.store.write { db in
            var user = try existingUser(db, accid)
            if let token, !token.isEmpty { user.token = token }
            if let props { user.props = props }
            try user.update(db)
        }
        return ["code": 200]
    }

    /// `user/refreshToken.action`: issues a new token.
    static func refreshToken(_ p: V1Parameters, _ core: EmulatorCore) async throws -> JSONValue {
        let accid = try p.accid("accid")
        let seed = core.configuration.seed
        let token = try await core.store.write { db -> String in
            var user = try existingUser(db, accid)
            user.token = EmulatorCore.makeToken(
                seed: seed, serial: try Counters.add(db, Counters.token, 1), accid: accid)
            try user.update(db)
            return user.token
        }
        return ["code": 200, "info": ["accid": .string(accid), "token": .string(token)]]
    }

    /// `user/updateUinfo.action`: changes the given profile fields (empty strings allowed).
    static func updateUinfo(_ p: V1Parameters, _ core: EmulatorCore) async throws -> JSONValue {
        let accid = try p.accid("accid")
        let gender = try p.optionalInt("gender", in: [0, 1, 2])
        let values = try profileValues(p)
        try await core.store.write { db in
            var user = try existingUser(db, accid)
            if let value = values["name"] { user.name = value }
            if let value = values["icon"] { user.icon = value }
            if let value = values["sign"] { user.sign = value }
            if let value = values["email"] { user.email = value }
            if let value = values["birth"] { user.birth = value }
            if let value = values["mobile"] { user.mobile = value }
            if let value = values["ex"] { user.ex = value }
            if let gender { user.gender = Int(gender) }
            try user.update(db)
        }
        return ["code": 200]
    }

    /// `user/getUinfos.action`: profiles of up to 200 accounts; unknown ones are left out.
    static func getUinfos(_ p: V1Parameters, _ core: EmulatorCore) async throws -> JSONValue {
        let accids = try p.accidArray("accids", maxCount: 200)
        let users = try await core.store.read { db in
            try accids.compactMap { try UserRecord.fetchOne(db, key: $0) }
        }
        return ["code": 200, "uinfos": .array(users.map(uinfo))]
    }

    /// The `uinfos` entry of one account: set fields only, plus gender and status flags.
    static func uinfo(_ user: UserRecord) -> JSONValue {
        var info: [String: JSONValue] = [
            "accid": .string(user.accid), "gender": .number(user.gender), "valid": true, "mute": false,
        ]
        let optional: [(String, String?)] = [
            ("name", user.name), ("icon", user.icon), ("sign", user.sign), ("email", user.email),
            ("birth", user.birth), ("mobile", user.mobile), ("ex", user.ex),
        ]
        for (key, value) in optional {
            if let value { info[key] = .string(value) }
        }
        return .object(info)
    }

    /// `user/setSpecialRelation.action`: adds or removes a blacklist (1) / mute-list (2) entry.
    static func setSpecialRelation(_ p: V1Parameters, _ core: EmulatorCore) async throws -> JSONValue {
        let accid = try p.accid("accid")
        let target = try p.accid("targetAcc")
        let relationType = try p.requiredInt("relationType", in: [1, 2])
        let value = try p.requiredInt("value", in: [0, 1])
        guard accid != target else { throw NIMFailure.invalid("targetAcc") }
        try await core.store.write { db in
            _ = try existingUser(db, accid)
            _ = try existingUser(db, target)
            let record = SpecialRelationRecord(accid: accid, targetAcc: target, relationType: Int(relationType))
            if value == 1 {
                try record.insert(db, onConflict: .ignore)
            } else {
                try record.delete(db)
            }
        }
        return ["code": 200]
    }

    /// `user/listBlackAndMuteList.action`: the account's blacklist and mute list, sorted.
    static func listBlackAndMuteList(_ p: V1Parameters, _ core: EmulatorCore) async throws -> JSONValue {
        let accid = try p.accid("accid")
        let relations = try await core.store.read { db -> [SpecialRelationRecord] in
            _ = try existingUser(db, accid)
            return try SpecialRelationRecord.filter(Column("accid") == accid).order(Column("targetAcc")).fetchAll(db)
        }
        return [
            "code": 200,
            "blacklist": .strings(relations.filter { $0.relationType == 1 }.map(\.targetAcc)),
            "mutelist": .strings(relations.filter { $0.relationType == 2 }.map(\.targetAcc)),
        ]
    }

    /// The account, or `404 … not exist`.
    static func existingUser(_ db: Database, _ accid: String) throws -> UserRecord {
        guard let user = try UserRecord.fetchOne(db, key: accid) else { throw NIMFailure.noUser(accid) }
        return user
    }
}
