/// A NIM answer with `code` 200 (or a tolerated code): the whole JSON object.
public struct NIMResponse: Sendable, Equatable {
    public var code: Int
    public var desc: String?
    public var json: JSONValue

    public subscript(key: String) -> JSONValue? { json[key] }
}
