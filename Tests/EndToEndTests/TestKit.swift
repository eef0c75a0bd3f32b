import Foundation
import MigrationCore
import NIMEmulator
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

// The end-to-end tests' kit: an emulator to migrate into (`TestTarget`, scoped by `withTarget`),
// a pipeline file naming it and the environment to run `nim-migrate` with (`TestPipeline`), and
// waiting on a condition instead of sleeping (`waitUntil`).

/// An in-process emulator on loopback (a free port), signing with `secret`.
struct TestTarget: Sendable {
    /// The appkey test pipelines and clients name (the emulator takes any).
    static let appKey = "k"
    let server: EmulatorServer
    let secret: String

    var baseURL: String { server.baseURL }

    /// Starts one; `limit` (calls per sliding second) stays the emulator's default when nil.
    static func start(
        secret: String, limit: Int? = nil, _ configure: (inout EmulatorConfiguration) -> Void = { _ in }
    ) async throws -> TestTarget {
        var config = EmulatorConfiguration(appSecret: secret)
        config.port = 0
        if let limit { config.limit = limit }
        configure(&config)
        return TestTarget(server: try await EmulatorServer.start(config), secret: secret)
    }

    /// The emulator's state (`/_emulator/dump`).
    func dump() async throws -> JSONValue {
        guard let url = URL(string: baseURL + "/_emulator/dump") else { throw URLError(.badURL) }
        return try JSONValue.parse(try await URLSession.shared.data(from: url).0)
    }

    /// POSTs to one of the emulator's admin paths (`/_emulator/outage?…`, `/_emulator/secret?…`).
    func post(_ path: String) async throws {
        guard let url = URL(string: baseURL + path) else { throw URLError(.badURL) }
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        _ = try await URLSession.shared.data(for: request)
    }

    /// A client signed like the tool's (at `rate` calls per second), for changing the target behind
    /// the tool's back.
    func client(rate: Int = 100) -> NIMClient {
        NIMClient(
            .init(endpoint: baseURL + "/nimserver", appKey: Self.appKey, secret: Secret(secret), rate: rate),
            calls: CallRecorder())
    }

    /// Uploads `data` (an old CDN's file); returns its URL.
    func upload(_ data: Data, name: String, type: String) async throws -> String {
        let client = client()
        let answer = try await withCleanup {
            try await client.send(.uploadFile(data, name: name, type: type), stage: .files)
        } cleanup: {
            await client.shutdown()
        }
        guard let url = answer["url"]?.string else { throw URLError(.badServerResponse) }
        return url
    }

    /// Writes `dir/p.yaml` migrating into this target (see `TestPipeline.write`).
    func pipeline(
        in dir: String, name: String, format: String = "canonical", stages: [StageID], rate: Int? = nil,
        concurrency: Int? = nil, v2: Bool = false, target: [String] = [], extra: [String] = [],
        allow: [String] = TestPipeline.loopback, environment: [String: String] = [:]
    ) throws -> TestPipeline {
        try TestPipeline.write(
            in: dir, endpoint: baseURL, secret: secret, name: name, format: format, stages: stages, rate: rate,
            concurrency: concurrency, v2: v2, target: target, extra: extra, allow: allow, environment: environment)
    }

    func shutdown() async { await server.shutdown() }
}

/// Runs `body` with a fresh ``TestTarget`` and shuts it down afterwards, also when `body` throws
/// (a failed `#require`, a process that could not start).
func withTarget<T>(
    secret: String = "s", limit: Int? = nil, _ configure: (inout EmulatorConfiguration) -> Void = { _ in },
    _ body: (TestTarget) async throws -> T
) async throws -> T {
    let target = try await TestTarget.start(secret: secret, limit: limit, configure)
    return try await withCleanup {
        try await body(target)
    } cleanup: {
        await target.shutdown()
    }
}

/// A pipeline file `dir/p.yaml` and the environment `nim-migrate` runs it with.
struct TestPipeline: Sendable {
    /// The variable that carries the AppSecret (`target.app_secret_env`).
    static let secretVariable = "E2E_SECRET"
    let dir: String
    let name: String
    let environment: [String: String]

    /// `dir/state/NAME`, where the run writes its reports and history files.
    var state: String { dir + "/state/" + name }

    /// Writes the pipeline: `name`, source `{format, path: export}`, the target at `endpoint` (its
    /// `/nimserver`, with `v2_endpoint` when `v2`, then the `target` keys), `throttle.rate` and
    /// `concurrency` when given, `stages` (none: no `stages` key), then the `extra` lines. The environment holds the
    /// secret and `environment`.
    /// What the tests' old CDNs are: emulators on loopback, which the URL policy refuses unless
    /// a pipeline lists it (SPEC §5 "Untrusted addresses").
    static let loopback = ["127.0.0.1"]

    static func write(
        in dir: String, endpoint: String, secret: String, name: String, format: String = "canonical",
        stages: [StageID], rate: Int? = nil, concurrency: Int? = nil, v2: Bool = false, target: [String] = [],
        extra: [String] = [], allow: [String] = loopback, environment: [String: String] = [:]
    ) throws -> TestPipeline {
        let targetKeys =
            ["endpoint: \"\(endpoint)/nimserver\""] + (v2 ? ["v2_endpoint: \"\(endpoint)\""] : [])
            + ["appkey: \(TestTarget.appKey)", "app_secret_env: \(secretVariable)"] + target
        var lines = [
            "name: \(name)", "source: {format: \(format), path: export}",
            "target: {\(targetKeys.joined(separator: ", "))}",
        ]
        if let rate { lines.append("throttle: {rate: \(rate)}") }
        if let concurrency { lines.append("concurrency: \(concurrency)") }
        if !stages.isEmpty { lines.append("stages: [\(stages.map(\.rawValue).joined(separator: ", "))]") }
        if !allow.isEmpty { lines.append("files: {allow: [\(allow.map { "\"\($0)\"" }.joined(separator: ", "))]}") }
        try TestFiles.write(lines + extra, to: dir + "/p.yaml")
        return TestPipeline(
            dir: dir, name: name, environment: environment.merging([secretVariable: secret]) { _, secret in secret })
    }

    /// Runs `nim-migrate COMMAND p.yaml ARGUMENTS` to its end; `environment` adds to (or overrides)
    /// the pipeline's.
    func run(_ command: String = "run", _ arguments: [String] = [], environment: [String: String] = [:])
        async throws -> (code: Int32, stdout: String, stderr: String)
    {
        try await Processes.run(
            "nim-migrate", [command, "p.yaml"] + arguments, in: dir,
            environment: self.environment.merging(environment) { _, new in new })
    }

    /// ``run(_:_:environment:)`` with the AppSecret `secret` instead of the target's.
    func run(_ command: String = "run", secret: String) async throws -> (code: Int32, stdout: String, stderr: String) {
        try await run(command, environment: [Self.secretVariable: secret])
    }

    /// Starts `nim-migrate COMMAND p.yaml` without waiting for it.
    func start(_ command: String = "run", environment: [String: String] = [:]) throws -> (
        Process, stdout: URL, stderr: URL
    ) {
        try Processes.start(
            "nim-migrate", [command, "p.yaml"], in: dir, environment: self.environment.merging(environment) { $1 })
    }

    /// The text of `state/NAME/PATH`.
    func text(_ path: String) throws -> String {
        try String(contentsOfFile: state + "/" + path, encoding: .utf8)
    }

    /// The text of `state/NAME/PATH`, empty when there is no such file.
    func textIfAny(_ path: String) -> String { (try? text(path)) ?? "" }

    /// The lines of `state/NAME/PATH`.
    func lines(_ path: String) throws -> [String] {
        try text(path).split(separator: "\n").map(String.init)
    }

    /// `state/NAME/PATH` parsed as JSON.
    func json(_ path: String) throws -> JSONValue {
        try JSONValue.parse(try Data(contentsOf: URL(fileURLWithPath: state + "/" + path)))
    }
}

/// Files of an export.
enum TestFiles {
    /// A fresh temporary folder with `export/` and `folders` inside it (`messages` is `export/messages`).
    static func workspace(_ folders: String...) throws -> (dir: String, export: String) {
        let dir = try Processes.temporaryDirectory()
        let export = dir + "/export"
        for folder in folders.isEmpty ? [""] : folders {
            try FileManager.default.createDirectory(atPath: export + "/" + folder, withIntermediateDirectories: true)
        }
        return (dir, export)
    }

    /// Writes `lines`, each ended by a newline.
    static func write(_ lines: [String], to path: String) throws {
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
    }

    /// Runs `command` with `/bin/sh` in `dir`, expecting it to succeed.
    static func shell(_ command: String, in dir: String, sourceLocation: SourceLocation = #_sourceLocation)
        async throws
    {
        #expect(try await Processes.shell(command, in: dir) == 0, "\(command)", sourceLocation: sourceLocation)
    }
}

/// Polls `condition` every `interval` until it holds or `timeout` has passed; returns whether it
/// held. For waiting on what a test waits for (a process's progress, its end) instead of sleeping
/// for a time that a loaded machine may overrun.
@discardableResult
func waitUntil(
    timeout: Duration, every interval: Duration = .milliseconds(20), _ condition: () async throws -> Bool
) async throws -> Bool {
    let clock = ContinuousClock()
    let end = clock.now + timeout
    while true {
        if try await condition() { return true }
        if clock.now >= end { return false }
        try await Task.sleep(for: interval)
    }
}

extension Process {
    /// Waits for the process to end by polling, never by blocking a thread (see ``Processes/shell(_:in:)``).
    func exited() async throws {
        while isRunning { try await Task.sleep(for: .milliseconds(10)) }
    }
}
