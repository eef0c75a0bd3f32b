internal import Foundation
internal import Yams

extension PipelineConfig {
    /// Reads and validates a pipeline file; every problem is a ``ConfigError`` naming its key path.
    public static func load(path: String) throws(ConfigError) -> PipelineConfig {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigError(path: "", "cannot read pipeline file \(path)")
        }
        return try parse(yaml: text)
    }

    /// Parses pipeline YAML text (see ``load(path:)``).
    public static func parse(yaml text: String) throws(ConfigError) -> PipelineConfig {
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: text) else { throw ConfigError(path: "", "pipeline file is empty") }
            root = node
        } catch let error as ConfigError {
            throw error
        } catch {
            throw ConfigError(path: "", "not valid YAML (\(Self.yamlProblem(error)))")
        }
        var top = try ConfigNode(root, path: "")
        let config = try PipelineConfig(reading: &top)
        try top.finish()
        return config
    }

    private static func yamlProblem(_ error: any Error) -> String {
        let text = String(describing: error)
        return text.split(separator: "\n").first.map(String.init) ?? text
    }

    private init(reading top: inout ConfigNode) throws(ConfigError) {
        name = try top.string("name")
        guard name.range(of: "^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$", options: .regularExpression) != nil else {
            throw ConfigError(path: "name", "use letters, digits, '_', '.', '-' (it names files under state/)")
        }
        source = try Self.readSource(&top)
        target = try Self.readTarget(&top)
        var throttleNode = try top.optionalSection("throttle")
        throttle = Throttle(
            rate: try throttleNode?.int("rate", default: 100, in: 1...100_000) ?? 100,
            jitterMs: try throttleNode?.int("jitter_ms", default: 50, in: 0...1000) ?? 50)
        try throttleNode?.finish()
        concurrency = try top.int("concurrency", default: 16, in: 1...1024)
        stages = try Self.readStages(&top)
        var historyNode = try top.optionalSection("history")
        history = History(roaming: try historyNode?.bool("roaming", default: true) ?? true)
        try historyNode?.finish()
        var usersNode = try top.optionalSection("users")
        users = Users(accidMap: try usersNode?.optionalString("accid_map"))
        try usersNode?.finish()
        var groupsNode = try top.optionalSection("groups")
        groups = Groups(memberLimit: try groupsNode?.int("member_limit", default: 200, in: 2...100_000) ?? 200)
        try groupsNode?.finish()
        var sessionsNode = try top.optionalSection("sessions")
        sessions = Sessions(
            limit: try sessionsNode?.int("limit", default: 3000, in: 1...100_000) ?? 3000,
            createConversations: try sessionsNode?.bool("create_conversations", default: false) ?? false
        )
        try sessionsNode?.finish()
        files = try Self.readFiles(&top)
        serve = try Self.readServe(&top)
    }

    private static func readFiles(_ top: inout ConfigNode) throws(ConfigError) -> Files {
        guard var node = try top.optionalSection("files") else { return Files() }
        var files = Files()
        if let list = try node.stringList("allow") {
            do {
                files.allow = try AllowList(list.map(\.value))
            } catch {
                throw ConfigError(path: list[error.index].path, error.description)
            }
        }
        try node.finish()
        return files
    }

    private static func readSource(_ top: inout ConfigNode) throws(ConfigError) -> Source {
        var node = try top.section("source")
        let formatName = try node.string("format")
        let format: SourceFormat
        switch SourceFormats.resolve(formatName) {
        case .success(let known): format = known
        case .failure(let unknown): throw ConfigError(path: node.child("format"), unknown.description)
        }
        var source = Source(format: format, path: try node.string("path"))
        if var pull = try node.optionalSection("pull") {
            guard SourceFormats.vendor(for: format)?.hasPull == true else {
                let vendors = SourceFormats.pulling
                throw ConfigError(
                    path: pull.path,
                    "pull copies an \(vendors.map(\.displayName).joined(separator: " or ")) app: set source.format: "
                        + vendors.map(\.format).joined(separator: " or "))
            }
            source.pull = try EasemobPullConfig(reading: &pull)
            try pull.finish()
        }
        try node.finish()
        return source
    }

    private static func readTarget(_ top: inout ConfigNode) throws(ConfigError) -> Target {
        var node = try top.section("target")
        let endpoint = try node.string("endpoint")
        try checkURL(endpoint, path: node.child("endpoint"))
        let v2 = try node.optionalString("v2_endpoint")
        if let v2 { try checkURL(v2, path: node.child("v2_endpoint")) }
        let appKey = try node.string("appkey")
        let secretEnv = try node.string("app_secret_env")
        guard secretEnv.range(of: "^[A-Za-z_][A-Za-z0-9_]*$", options: .regularExpression) != nil else {
            throw ConfigError(
                path: node.child("app_secret_env"), "must name an environment variable, not hold the secret")
        }
        let target = Target(
            endpoint: endpoint, v2Endpoint: v2, appKey: appKey, appSecretEnv: secretEnv,
            emulator: try node.bool("emulator", default: false),
            outageWait: try node.int("outage_wait", default: 600, in: 1...86_400))
        try node.finish()
        return target
    }

    static func checkURL(_ text: String, path: String) throws(ConfigError) {
        guard let url = URL(string: text), let scheme = url.scheme, ["http", "https"].contains(scheme),
            url.host != nil
        else { throw ConfigError(path: path, "expected an http(s) URL") }
    }

    private static func readStages(_ top: inout ConfigNode) throws(ConfigError) -> [StageID] {
        guard let list = try top.stringList("stages") else { return StageID.allCases }
        var stages: [StageID] = []
        for (path, name) in list {
            guard let stage = StageID(rawValue: name) else {
                let known = StageID.allCases.map(\.rawValue).joined(separator: ", ")
                throw ConfigError(path: path, "unknown stage '\(name)' (stages: \(known))")
            }
            guard !stages.contains(stage) else { throw ConfigError(path: path, "stage '\(name)' listed twice") }
            stages.append(stage)
        }
        guard !stages.isEmpty else { throw ConfigError(path: top.child("stages"), "must list at least one stage") }
        return stages.sorted()
    }

    private static func readServe(_ top: inout ConfigNode) throws(ConfigError) -> Serve? {
        guard var node = try top.optionalSection("serve") else { return nil }
        var serve = Serve(
            listen: try node.optionalString("listen") ?? "127.0.0.1:18090",
            tokenEnv: try node.optionalString("token_env") ?? "NIM_SERVE_TOKEN",
            cutoff: try node.optionalInt64("cutoff") ?? 0,
            oldServerURL: try node.optionalString("old_server_url"))
        if let wait = try node.optionalInt64("dependency_wait") {
            guard wait >= 0 else { throw ConfigError(path: node.child("dependency_wait"), "must be 0 or more seconds") }
            serve.dependencyWait = Int(wait)
        }
        try node.finish()
        return serve
    }
}
