public import MigrationCore

/// Everything `serve` needs, resolved from the pipeline's `serve:` section and the environment
/// before anything is opened: a missing section, token or secret is a ``ConfigError`` (exit 2).
public struct ServeSettings: Sendable {
    /// Host to bind (`127.0.0.1` unless `serve.listen` says otherwise).
    public var host: String
    /// Port to bind; 0 picks a free one (tests).
    public var port: Int
    /// The shared bearer token (never logged).
    public var token: BearerToken
    /// The AppSecret, for `sendMsg` and for verifying NIM's CC signatures (never logged).
    public var secret: Secret
    /// Messages created before this instant (ms) belong to the history import.
    public var cutoff: Int64
    /// Where NIM's CC messages are forwarded; nil keeps them queued.
    public var oldServerURL: String?
    /// How long (ms) a message or event waits for the user, group or friendship it needs.
    public var dependencyWaitMs: Int64
    /// The pipeline.
    public var pipeline: PipelineConfig
    /// The serve database: `state/NAME/serve.sqlite`.
    public var storePath: String

    /// Resolves the settings; `listen` overrides `serve.listen` (used by tests).
    public init(pipeline: PipelineConfig, environment: [String: String]) throws(ConfigError) {
        guard let serve = pipeline.serve else {
            throw ConfigError(path: "serve", "the pipeline has no serve: section (listen, token_env, cutoff)")
        }
        guard let token = environment[serve.tokenEnv], !token.isEmpty else {
            throw ConfigError(path: "serve.token_env", "environment variable \(serve.tokenEnv) is not set")
        }
        guard let secret = environment[pipeline.target.appSecretEnv], !secret.isEmpty else {
            throw ConfigError(
                path: "target.app_secret_env", "environment variable \(pipeline.target.appSecretEnv) is not set")
        }
        guard let (host, port) = Self.split(listen: serve.listen) else {
            throw ConfigError(path: "serve.listen", "expected HOST:PORT, e.g. 127.0.0.1:18090")
        }
        self.host = host
        self.port = port
        self.token = BearerToken(token)
        self.secret = Secret(secret)
        cutoff = serve.cutoff
        oldServerURL = serve.oldServerURL
        dependencyWaitMs = Int64(serve.dependencyWait) * 1000
        self.pipeline = pipeline
        storePath = "\(pipeline.outputDirectory)/serve.sqlite"
    }

    /// `HOST:PORT` or `[V6]:PORT`; a bare `:PORT` binds loopback.
    static func split(listen: String) -> (String, Int)? {
        guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]),
            (0...65535).contains(port)
        else { return nil }
        var host = String(listen[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return (host.isEmpty ? "127.0.0.1" : host, port)
    }

    /// The serve lock: `state/NAME-serve.lock` (not the `run` lock: serve runs beside a run).
    public var lockPath: String { "state/\(pipeline.name)-serve.lock" }
}
