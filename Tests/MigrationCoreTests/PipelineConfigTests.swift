import Testing

@testable import MigrationCore

@Suite struct PipelineConfigTests {
    static let valid = """
        name: sample
        source:
          format: canonical
          path: pipelines/sample/export
        target:
          endpoint: http://127.0.0.1:18080/nimserver
          v2_endpoint: http://127.0.0.1:18080
          appkey: sampleappkey0000000000000000000
          app_secret_env: NIM_APP_SECRET
          emulator: true
        throttle:
          rate: 100
        concurrency: 16
        stages: [users, relations, groups, files, history, sessions]
        history:
          roaming: true
        users:
          accid_map: pipelines/acme-accids.csv
        sessions:
          limit: 3000
          create_conversations: false
        """

    @Test func readsEveryKeyOfTheSpecExample() throws {
        let config = try PipelineConfig.parse(yaml: Self.valid)
        #expect(config.name == "sample")
        #expect(config.source == .init(format: .canonical, path: "pipelines/sample/export"))
        #expect(config.target.endpoint == "http://127.0.0.1:18080/nimserver")
        #expect(config.target.v2Endpoint == "http://127.0.0.1:18080")
        #expect(config.target.appSecretEnv == "NIM_APP_SECRET")
        #expect(config.target.emulator)
        #expect(config.throttle.rate == 100)
        #expect(config.concurrency == 16)
        #expect(config.stages == StageID.allCases)
        #expect(config.history.roaming)
        #expect(config.users.accidMap == "pipelines/acme-accids.csv")
        #expect(config.sessions == .init(limit: 3000, createConversations: false))
        #expect(config.statePath == "state/sample.sqlite")
    }

    @Test func appliesDefaultsAndSortsStages() throws {
        let config = try PipelineConfig.parse(
            yaml: """
                name: mini
                source: {format: easemob, path: export}
                target: {endpoint: "https://api.netease.im/nimserver", appkey: k, app_secret_env: SECRET}
                stages: [groups, users]
                """)
        #expect(config.throttle == .init(rate: 100, jitterMs: 50))
        #expect(config.concurrency == 16)
        #expect(config.stages == [.users, .groups])
        #expect(config.sessions.limit == 3000)
        #expect(!config.target.emulator)
        #expect(config.serve == nil)
    }

    /// `throttle.jitter_ms`: how much later the network may deliver one call than another.
    @Test func readsTheThrottlesJitter() throws {
        let config = try PipelineConfig.parse(yaml: Self.base + "throttle:\n  rate: 80\n  jitter_ms: 120")
        #expect(config.throttle == .init(rate: 80, jitterMs: 120))
    }

    /// Each bad file gives one error naming the key path.
    @Test(arguments: [
        ("throttle:\n  rate: fast", "throttle.rate: expected a number"),
        ("throttle:\n  rate: \"100\"", "throttle.rate: expected a number"),
        ("throttle:\n  rate: 0", "throttle.rate: must be between 1 and 100000"),
        ("throttle:\n  rtae: 100", "throttle.rtae: unknown key"),
        ("throttle:\n  jitter_ms: -1", "throttle.jitter_ms: must be between 0 and 1000"),
        ("throttle:\n  jitter_ms: 0.05", "throttle.jitter_ms: expected a number"),
        ("concurency: 4", "concurency: unknown key"),
        ("concurrency: 2.5", "concurrency: expected a number"),
        (
            "stages: [users, chats]",
            "stages[1]: unknown stage 'chats' (stages: users, relations, groups, files, history, sessions)"
        ),
        ("stages: [users, users]", "stages[1]: stage 'users' listed twice"),
        ("stages: users", "stages: expected a list"),
        ("history:\n  roaming: maybe", "history.roaming: expected true or false"),
        ("sessions: 5", "sessions: expected a mapping of keys"),
        ("sessions:\n  limit: -1", "sessions.limit: must be between 1 and 100000"),
    ])
    func rejectsBadValuesWithTheirPath(extra: String, expected: String) {
        #expect(throws: ConfigError.self) { try PipelineConfig.parse(yaml: Self.base + extra) }
        do {
            _ = try PipelineConfig.parse(yaml: Self.base + extra)
        } catch {
            #expect(error.description == expected)
        }
    }

    @Test(arguments: [
        ("", "pipeline file is empty"),
        ("name: [", "not valid YAML"),
        ("- a\n- b", "expected a mapping of keys"),
        ("name: x\n", "source: missing required key"),
        (
            "name: x\nsource: {format: csv, path: p}\n",
            "source.format: unknown format 'csv' (known: canonical, easemob)"
        ),
        ("name: x\nsource: {format: canonical}\n", "source.path: missing required key"),
        ("name: ../etc\n", "name: use letters"),
        ("name: x\nname: y\n", "not valid YAML (Parser: expected all keys to be unique"),
    ])
    func rejectsBrokenFiles(text: String, expectedPrefix: String) {
        do {
            _ = try PipelineConfig.parse(yaml: text)
            Issue.record("accepted: \(text)")
        } catch {
            #expect(error.description.hasPrefix(expectedPrefix), "\(error.description)")
        }
    }

    @Test func refusesASecretInPlaceOfTheVariableName() {
        let yaml = Self.base.replacingOccurrences(of: "app_secret_env: NIM_APP_SECRET", with: "app_secret_env: 4f9c-e1")
        #expect(
            throws: ConfigError(path: "target.app_secret_env", "must name an environment variable, not hold the secret")
        ) {
            try PipelineConfig.parse(yaml: yaml)
        }
    }

    @Test func refusesANonHTTPEndpoint() {
        let yaml = Self.base.replacingOccurrences(of: "http://127.0.0.1:18080/nimserver", with: "ftp://host/x")
        #expect(throws: ConfigError(path: "target.endpoint", "expected an http(s) URL")) {
            try PipelineConfig.parse(yaml: yaml)
        }
    }

    static let base = """
        name: t
        source: {format: canonical, path: export}
        target:
          endpoint: http://127.0.0.1:18080/nimserver
          appkey: k
          app_secret_env: NIM_APP_SECRET

        """
}
