internal import Foundation

extension HistoryNormalizer {
    /// Body, attachment and notification fields by type.
    func content(_ data: MessageFields, into message: HistoryMessage, warnings: [String]) -> Outcome {
        var message = message
        var warnings = warnings
        let type = message.type
        if Self.notificationTypes.contains(type) {
            if let rejection = notification(data, into: &message) {
                return .rejected(code: rejection.code, reason: rejection.reason)
            }
            return .message(message, warnings: warnings, oldURL: nil)
        }
        if let raw = data.verbatimBody {
            message.verbatimBody = VerbatimText(bytes: raw)
        } else if let body = data.body, body != .null {
            message.body = body.string ?? body.text
        }
        var attach: AttachObject?
        switch data.attach {
        case _ where data.attachObject != nil: attach = data.attachObject
        case nil, .null?: attach = nil
        case .object(let object)?: attach = AttachObject(object)
        case .string(let text)?:
            guard let object = AttachObject(parsing: text) else {
                return .rejected(code: "invalid-attach", reason: "attach is not a JSON object")
            }
            attach = object
        case let other?: return .rejected(code: "invalid-attach", reason: "attach is \(other.text), not an object")
        }
        switch type {
        case 0, 10:
            guard message.hasBody else {
                return .rejected(code: "missing-field", reason: "a type \(type) message needs body")
            }
        case 4:
            guard let a = attach, a["lat"] != nil, a["lng"] != nil else {
                return .rejected(code: "invalid-attach", reason: "a location needs attach with lat and lng")
            }
            message.attachment = .object(a)
        case 100:
            guard attach != nil || message.hasBody else {
                return .rejected(code: "missing-field", reason: "a custom message needs attach or body")
            }
            // A combined (forwarded) record's file is re-hosted like any attachment's.
            guard var a = attach, Self.isCombinedRecord(a), let url = a["url"]?.string, !url.isEmpty else {
                message.attachment = attach.map(Attachment.object)
                return .message(message, warnings: warnings, oldURL: nil)
            }
            return rehosted(&a, url: url, into: message, warnings: warnings)
        default:  // media: 1 image, 2 audio, 3 video, 6 file
            guard var a = attach, let url = a["url"]?.string, !url.isEmpty else {
                return .rejected(code: "invalid-attach", reason: "a type \(type) message needs attach with url")
            }
            for key in Self.mediaNumbers {
                if let value = a[key], let int = Self.integer(value) { a[key] = .int(int) }
            }
            if let ext = a["ext"]?.string, Self.mayHaveOuterWhitespace(ext) {
                a["ext"] = .string(ext.trimmingCharacters(in: .whitespaces))
            }
            return rehosted(&a, url: url, into: message, warnings: warnings)
        }
        return .message(message, warnings: warnings, oldURL: nil)
    }

    /// Whether a custom message's attach is a combined (forwarded) record, whose `url` is a file:
    /// `{"type":"combine","url":…}`, as the Easemob adapter writes it.
    static func isCombinedRecord(_ attach: AttachObject) -> Bool { attach["type"]?.string == "combine" }

    /// The message with its attachment's URL, md5 and size those of the re-hosted file, or with the
    /// old URL kept and a warning.
    private func rehosted(
        _ a: inout AttachObject, url: String, into message: HistoryMessage, warnings: [String]
    ) -> Outcome {
        var message = message
        if let hosted = mapping.file(url) {
            a["url"] = .string(hosted.url)
            a["md5"] = .string(hosted.md5)
            a["size"] = .int(Int64(hosted.size))
            message.attachment = .object(a)
            return .message(message, warnings: warnings, oldURL: nil)
        }
        message.attachment = .object(a)
        return .message(message, warnings: warnings + [Self.oldURLWarning(url)], oldURL: url)
    }

    /// The warning of a message whose attachment keeps its old URL (the history pass lists these
    /// under their own kind, `old-url-kept`).
    static func oldURLWarning(_ url: String) -> String { "attachment \(url) is not re-hosted: the old URL is kept" }

    /// Whether trimming `.whitespaces` could change `text`: for ASCII text (nearly every file
    /// extension) whether it starts or ends with a space or a tab — the only ASCII characters that
    /// trimming removes — without Unicode character analysis; otherwise by its first and last
    /// characters.
    static func mayHaveOuterWhitespace(_ text: String) -> Bool {
        let utf8 = text.utf8
        guard let first = utf8.first, let last = utf8.last else { return false }
        if first < 0x80, last < 0x80, utf8.allSatisfy({ $0 < 0x80 }) {
            return first == 0x20 || first == 0x09 || last == 0x20 || last == 0x09
        }
        return text.first?.isWhitespace == true || text.last?.isWhitespace == true
    }

    /// Members of a media attachment that the plan has as numbers (sources often give strings).
    private static let mediaNumbers = ["size", "w", "h", "dur"]

    /// Team notifications 101–110: `accid2` for 101–106 and 108, `tinfo` for 107.
    private func notification(_ data: MessageFields, into message: inout HistoryMessage) -> Rejection? {
        guard case .team(_, let tid) = message.conversation else {
            return Rejection(code: "notification-not-team", reason: "type \(message.type) is a team notification")
        }
        let type = message.type
        if (101...106).contains(type) || type == 108 {
            guard let ref = data.accid2?.string else {
                return Rejection(code: "missing-field", reason: "a type \(type) notification needs accid2")
            }
            switch user(ref, "accid2") {
            case .success(let accid): message.accid2 = accid
            case .failure(let rejection): return rejection
            }
        }
        guard type == 107 else { return nil }
        guard case .object(let tinfo)? = data.tinfo else {
            return Rejection(code: "invalid-tinfo", reason: "a type 107 notification needs a tinfo object")
        }
        var out: [String: JSONValue] = [:]
        for (key, value) in tinfo {
            if key == "tid" {
                guard let gid = value.string, mapping.team(gid) == tid else {
                    return Rejection(
                        code: "invalid-tinfo", reason: "tinfo.tid \(value.text) differs from the message's tid")
                }
                out["tid"] = .int(Int64(tid) ?? 0)
                continue
            }
            guard let number = Int(key), (14...24).contains(number) else {
                return Rejection(code: "invalid-tinfo", reason: "tinfo key \(key) is not one of 14–24")
            }
            switch number {
            case 16, 17, 21, 22, 23, 24:
                let allowed: ClosedRange<Int64> = number == 16 ? 0...2 : 0...1
                guard let int = Self.integer(value), allowed.contains(int) else {
                    return Rejection(
                        code: "invalid-tinfo",
                        reason:
                            "tinfo \(key) is \(value.text); the plan allows \(allowed.lowerBound)–\(allowed.upperBound)"
                    )
                }
                out[key] = .int(int)
            default:
                guard let text = value.string else {
                    return Rejection(code: "invalid-tinfo", reason: "tinfo \(key) must be a string")
                }
                out[key] = .string(text)
            }
        }
        guard out["tid"] != nil else { return Rejection(code: "invalid-tinfo", reason: "tinfo must contain tid") }
        guard out.count > 1 else { return Rejection(code: "invalid-tinfo", reason: "tinfo changes nothing") }
        message.tinfo = out
        return nil
    }

    func user(_ reference: String, _ field: String) -> Result<String, Rejection> {
        switch mapping.user(reference) {
        case .migrated(let accid): .success(accid)
        case .unknown:
            .failure(Rejection(code: "unknown-user", reason: "\(field) '\(reference)' is not in users.jsonl"))
        case .invalid: .failure(Rejection(code: "invalid-user", reason: "\(field) '\(reference)' has an invalid accid"))
        case .colliding:
            .failure(Rejection(code: "colliding-user", reason: "\(field) '\(reference)' collides with another accid"))
        }
    }
}
