internal import Foundation

/// A work item's JSON payload, progress or result decoded, or nil when absent or unreadable.
func decodeJSON<T: Decodable>(_ type: T.Type, _ text: String?) -> T? {
    text.flatMap { try? JSONDecoder().decode(T.self, from: Data($0.utf8)) }
}
