/// Runs `body`, then `cleanup` — also when `body` throws: the `defer` of a clean-up that must be
/// awaited (a client's or a server's `shutdown()`), which a `defer` block cannot do.
public func withCleanup<T>(
    isolation: isolated (any Actor)? = #isolation, _ body: () async throws -> T, cleanup: () async -> Void
) async throws -> T {
    let result: T
    do {
        result = try await body()
    } catch {
        await cleanup()
        throw error
    }
    await cleanup()
    return result
}
