extension StateDatabase {
    /// Keyset paging, the one loop of every streamed read: `page` reads the elements after a key
    /// (`start` first, then the key of the last element of the page before, by `key`) and `body`
    /// gets each page, until a page comes back empty. Memory holds one page, and no transaction
    /// stays open while `body` runs.
    func forEachPage<Key, Element>(
        from start: Key, _ page: (Key) async throws -> [Element], key: (Element) -> Key,
        _ body: ([Element]) async throws -> Void
    ) async throws {
        var after = start
        while true {
            let elements = try await page(after)
            guard let last = elements.last else { return }
            try await body(elements)
            after = key(last)
        }
    }
}
