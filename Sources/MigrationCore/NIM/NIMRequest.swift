public import Foundation

/// One call to NIM, before signing: endpoint, body, and whether repeating it is harmless.
public struct NIMRequest: Sendable, Equatable {
    /// How the body is sent.
    public enum Body: Sendable, Equatable {
        /// v1: `application/x-www-form-urlencoded`; list values are JSON arrays inside a field.
        case form([(String, String)])
        /// v1 `msg/fileUpload.action`: multipart with the file in part `content`.
        case multipart(fields: [(String, String)], fileName: String, content: Data)
        /// v2: a JSON body.
        case json(JSONValue)

        public static func == (lhs: Body, rhs: Body) -> Bool {
            switch (lhs, rhs) {
            case (.form(let a), .form(let b)): a.elementsEqual(b, by: ==)
            case (.multipart(let a, let n1, let c1), .multipart(let b, let n2, let c2)):
                a.elementsEqual(b, by: ==) && n1 == n2 && c1 == c2
            case (.json(let a), .json(let b)): a == b
            default: false
            }
        }
    }

    /// `user/create.action` (v1, appended to the endpoint) or `POST /im/v2.1/conversations` (v2).
    public var path: String
    public var method: String
    public var body: Body
    /// Whether the v2 base URL is used.
    public var v2: Bool
    /// Safe to repeat after an unanswered attempt (creation calls without a natural key are not).
    public var idempotent: Bool
    /// NIM answers that count as success for this call, e.g. 414 "already register" on user/create.
    public var tolerated: [Tolerance]

    /// An answer a stage treats as done.
    public struct Tolerance: Sendable, Equatable {
        public var code: Int
        /// Matched as a prefix of `desc`, case-insensitively; empty matches any desc.
        public var descPrefix: String

        public init(code: Int, descPrefix: String = "") {
            self.code = code
            self.descPrefix = descPrefix
        }

        func matches(code: Int, desc: String) -> Bool {
            code == self.code && (descPrefix.isEmpty || desc.lowercased().hasPrefix(descPrefix.lowercased()))
        }
    }

    /// A v1 form call.
    public init(_ path: String, _ fields: [(String, String?)], idempotent: Bool = true, tolerated: [Tolerance] = []) {
        self.path = path
        method = "POST"
        body = .form(fields.compactMap { key, value in value.map { (key, $0) } })
        v2 = false
        self.idempotent = idempotent
        self.tolerated = tolerated
    }

    /// A v2 JSON call.
    public init(v2 path: String, method: String = "POST", json: JSONValue, idempotent: Bool = true) {
        self.path = path
        self.method = method
        body = .json(json)
        v2 = true
        self.idempotent = idempotent
        tolerated = []
    }

    /// The name counted in reports: `user/create.action`, `POST /im/v2.1/conversations`.
    public var endpointName: String {
        v2 ? "\(method) \(path.split(separator: "?").first.map(String.init) ?? path)" : path
    }

    /// A JSON array of strings, as NIM wants list parameters.
    public static func jsonArray(_ values: [String]) -> String {
        JSONValue.array(values.map(JSONValue.string)).text
    }
}
