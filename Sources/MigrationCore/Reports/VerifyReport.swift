/// What `verify` found: per entity, expected vs found, and each difference.
public struct VerifyReport: Sendable, Codable, Equatable {
    /// One entity kind.
    public struct Entity: Sendable, Codable, Equatable {
        public var expected = 0
        public var found = 0
        public var differences: [String] = []
    }

    public var entities: [String: Entity] = [:]
    /// Every element of the source files, accounted for.
    public var account = SourceAccount()

    public init() {}

    /// All differences.
    public var differenceCount: Int { entities.values.reduce(0) { $0 + $1.differences.count } }

    mutating func add(_ entity: String, _ difference: String) {
        entities[entity, default: Entity()].differences.append(difference)
    }

    mutating func count(_ entity: String, expected: Int, found: Int) {
        entities[entity, default: Entity()].expected += expected
        entities[entity, default: Entity()].found += found
    }

    /// `verify.md`.
    public func markdown(pipeline: String) -> String {
        var out = "# Verification: \(pipeline)\n\n"
        out += differenceCount == 0 ? "No differences.\n\n" : "\(differenceCount) differences.\n\n"
        out += "| entity | expected | found | differences |\n|---|---:|---:|---:|\n"
        for (name, entity) in entities.sorted(by: { $0.key < $1.key }) {
            out += "| \(name) | \(entity.expected) | \(entity.found) | \(entity.differences.count) |\n"
        }
        for (name, entity) in entities.sorted(by: { $0.key < $1.key }) where !entity.differences.isEmpty {
            out += "\n## \(name)\n\n" + entity.differences.map { "- \($0)\n" }.joined()
        }
        return out + account.markdown()
    }
}
