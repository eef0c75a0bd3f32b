/// NIM's account id rules (reference §2.1): at most 32 characters of `[A-Za-z0-9_@.-]`,
/// case-insensitive, stored lower-cased.
public enum AccidRules {
    public static let maxLength = 32

    /// Why an accid is not acceptable to NIM, or nil when it is.
    public static func problem(_ accid: String) -> String? {
        if accid.isEmpty { return "accid is empty" }
        if accid.count > maxLength { return "accid '\(accid)' has \(accid.count) characters; NIM allows \(maxLength)" }
        if let bad = accid.unicodeScalars.first(where: { !allowed($0) }) {
            return "accid '\(accid)' has the character '\(bad)'; NIM allows letters, digits, _ @ . -"
        }
        return nil
    }

    static func allowed(_ c: Unicode.Scalar) -> Bool {
        switch c {
        case "a"..."z", "A"..."Z", "0"..."9", "_", "@", ".", "-": true
        default: false
        }
    }

    /// The accid as NIM stores it.
    public static func nim(_ accid: String) -> String { accid.lowercased() }
}
