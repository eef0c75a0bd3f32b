/// The failed items of one stage that failed for one reason (the same code and desc, as
/// `failed.jsonl` writes them): how many, and the first few by key and source file:line.
public struct FailureReason: Sendable, Codable, Equatable {
    /// One listed item: its key and, when it came from a source line, that file and line.
    public struct Item: Sendable, Codable, Equatable {
        public var key: String
        public var file: String?
        public var line: Int?

        /// `file:line`, or the key alone for an item from no line.
        public var location: String {
            guard let file else { return key }
            return line.map { "\(file):\($0)" } ?? file
        }
    }

    public var stage: StageID
    public var code: String
    public var desc: String
    public var count: Int
    /// The first ``listedPerReason`` items, in the order they were registered.
    public var items: [Item]

    /// Items listed per reason (every one is in `failed.jsonl`).
    public static let listedPerReason = 5
    /// Reasons listed per stage, the most frequent first (the rest are counted, not listed).
    public static let listedPerStage = 100
}
