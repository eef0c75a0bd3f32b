import Foundation
import MigrationCore
import Testing

/// SPEC §9's account, read from a pipeline's state after its run: every element of every source
/// file migrated or reported.
enum SourceAccountCheck {
    /// The account of pipeline `name` run in `dir`.
    static func account(dir: String, name: String) async throws -> SourceAccount {
        try await SourceAccount.build(database: try StateDatabase(path: dir + "/state/\(name).sqlite"))
    }

    /// Expects nothing unaccounted, and at least `files` source files in the account.
    static func expectEverythingAccounted(
        dir: String, name: String, files: Int = 1, sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let account = try await account(dir: dir, name: name)
        #expect(account.files.count >= files, "\(account.files)", sourceLocation: sourceLocation)
        for file in account.files where file.unaccounted != 0 {
            Issue.record(
                "\(file.file): \(file.unaccounted) entries unaccounted (\(file))", sourceLocation: sourceLocation)
        }
        #expect(account.files.allSatisfy { $0.pending == 0 }, "\(account.files)", sourceLocation: sourceLocation)
    }
}
