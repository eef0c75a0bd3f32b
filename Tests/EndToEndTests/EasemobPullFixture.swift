import EasemobEmulator
import Foundation
import MigrationCore

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `nim-migrate pull` as a real process against an in-process Easemob emulator serving an
/// Easemob export folder (by default the bundled sample): a temporary folder with `p.yaml`
/// pulling into `export/`, and a second pipeline `o.yaml` that reads the original folder, so a
/// test can compare the adapter's conversions of both.
struct EasemobPullFixture {
    static let secret = "pull-e2e-secret"
    static let sample = Processes.packageRoot.path + "/pipelines/easemob-sample/export"
    let emulator: EasemobEmulatorServer
    let dir: String
    let original: String

    var exportPath: String { dir + "/export" }

    /// Runs `body` with an emulator configured by `configure` and a pull pipeline with `keys`
    /// added to its `pull:` section; everything is stopped and removed afterwards.
    static func with(
        export: String = sample, keys: [String] = [],
        _ configure: (inout EasemobEmulatorConfiguration) -> Void = { _ in },
        _ body: (EasemobPullFixture) async throws -> Void
    ) async throws {
        let dir = try Processes.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var config = EasemobEmulatorConfiguration(exportPath: export, clientSecret: secret)
        config.historyPerMinute = 6000
        configure(&config)
        let emulator = try await EasemobEmulatorServer.start(config)
        let fixture = EasemobPullFixture(emulator: emulator, dir: dir, original: export)
        try fixture.writePipelines(keys: ["history_per_minute: 600", "rate: 100"] + keys)
        try await withCleanup {
            try await body(fixture)
        } cleanup: {
            await emulator.shutdown()
        }
    }

    func writePipelines(keys: [String]) throws {
        let target = #"target: {endpoint: "http://127.0.0.1:1/nimserver", appkey: k, app_secret_env: NIM_SECRET}"#
        let pull = [
            "    host: \(emulator.baseURL)", "    org: easemob-demo", "    app: chatdemoui",
            "    client_id: YXA6emulator",
            "    client_secret_env: EASEMOB_SECRET",
        ]
        try TestFiles.write(
            ["name: pulled", "source:", "  format: easemob", "  path: export", "  pull:"] + pull
                + keys.map { "    " + $0 }
                + [target, "stages: [users, relations, groups, files, history]"], to: dir + "/p.yaml")
        try TestFiles.write(
            [
                "name: original", "source: {format: easemob, path: \"\(original)\"}", target,
                "stages: [users, relations, groups, files, history]",
            ], to: dir + "/o.yaml")
    }

    /// Runs `nim-migrate COMMAND PIPELINE` in the fixture's folder.
    func run(_ command: String = "pull", _ pipeline: String = "p.yaml", secret: String = secret) async throws -> (
        code: Int32, stdout: String, stderr: String
    ) {
        try await Processes.run(
            "nim-migrate", [command, pipeline], in: dir, environment: ["EASEMOB_SECRET": secret, "NIM_SECRET": "x"])
    }

    /// Starts `nim-migrate pull` without waiting (for kill tests).
    func start(environment: [String: String] = [:]) throws -> (Process, stdout: URL, stderr: URL) {
        try Processes.start(
            "nim-migrate", ["pull", "p.yaml"], in: dir,
            environment: ["EASEMOB_SECRET": Self.secret].merging(environment) { $1 })
    }

    /// The pull's report.
    func report() throws -> JSONValue {
        try JSONValue.parse(try Data(contentsOf: URL(fileURLWithPath: dir + "/state/pulled/pull.json")))
    }

    /// The emulator's traffic log.
    func traffic() async throws -> JSONValue {
        try await admin("/_emulator/traffic", method: "GET")
    }

    /// Calls one of the emulator's admin routes.
    @discardableResult
    func admin(_ path: String, method: String = "POST") async throws -> JSONValue {
        guard let url = URL(string: emulator.baseURL + path) else { throw URLError(.badURL) }
        var request = URLRequest(url: url)
        request.httpMethod = method
        let (data, _) = try await URLSession.shared.data(for: request)
        return (try? JSONValue.parse(data)) ?? .null
    }

    /// The canonical files the adapter writes for `pipeline` (`state/NAME/easemob-source/`), by
    /// name: what the stages would read. Made by `nim-migrate plan`.
    func canonical(_ pipeline: String, name: String) async throws -> [String: String] {
        _ = try await run("plan", pipeline)
        let folder = dir + "/state/\(name)/easemob-source"
        var out: [String: String] = [:]
        let enumerator = FileManager.default.enumerator(atPath: folder)
        while let relative = enumerator?.nextObject() as? String {
            // The data the stages read, not the adapter's own logs (which name the files they read).
            guard relative.hasSuffix(".jsonl") || relative.hasSuffix(".txt"), !relative.contains("problem") else {
                continue
            }
            out[relative] = try String(contentsOfFile: folder + "/" + relative, encoding: .utf8)
        }
        return out
    }

    /// Every file under `relative` of a folder, by path, with its bytes.
    static func files(_ root: String, _ relative: String) -> [String: Data] {
        var out: [String: Data] = [:]
        let base = root + "/" + relative
        let enumerator = FileManager.default.enumerator(atPath: base)
        while let path = enumerator?.nextObject() as? String {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: base + "/" + path, isDirectory: &isDirectory),
                !isDirectory.boolValue, !path.split(separator: "/").contains(where: { $0.hasPrefix(".") })
            else { continue }
            out[path] = FileManager.default.contents(atPath: base + "/" + path)
        }
        return out
    }
}
