import Foundation
import Testing

/// Bad pipeline files through the real executable: one clear line each, exit 2, no state.
@Suite struct PipelineFileTests {
    static let good = """
        name: e2e
        source: {format: canonical, path: export}
        target: {endpoint: "http://127.0.0.1:1/nimserver", appkey: k, app_secret_env: E2E_SECRET}
        stages: [users]

        """

    @Test(
        arguments: [
            ("missing.yaml", nil, "cannot read pipeline file missing.yaml"),
            ("empty.yaml", "", "pipeline file is empty"),
            ("tabs.yaml", "name: x\n\tsource: y", "not valid YAML"),
            ("list.yaml", "- 1\n- 2", "expected a mapping of keys"),
            ("noname.yaml", "source: {format: canonical, path: export}", "name: missing required key"),
            ("rate.yaml", good + "throttle: {rate: fast}", "throttle.rate: expected a number"),
            ("unknown.yaml", good + "colour: blue", "colour: unknown key"),
            (
                "format.yaml", good.replacingOccurrences(of: "canonical", with: "tencent"),
                "source.format: unknown format 'tencent'"
            ),
            (
                "stage.yaml", good.replacingOccurrences(of: "[users]", with: "[users, chats]"),
                "stages[1]: unknown stage 'chats'"
            ),
            (
                "endpoint.yaml", good.replacingOccurrences(of: "http://127.0.0.1:1/nimserver", with: "not a url"),
                "target.endpoint: expected an http(s) URL"
            ),
            ("concurrency.yaml", good + "concurrency: 0", "concurrency: must be between 1 and 1024"),
            (
                "easemob.yaml",
                good.replacingOccurrences(of: "canonical", with: "easemob").replacingOccurrences(
                    of: "path: export", with: "path: gone"),
                "source.path: no such folder: gone"
            ),
            (
                "source.yaml", good.replacingOccurrences(of: "path: export", with: "path: nowhere"),
                "source.path: no such folder: nowhere"
            ),
            (
                "secret.yaml", good.replacingOccurrences(of: "E2E_SECRET", with: "E2E_UNSET_SECRET"),
                "target.app_secret_env: environment variable E2E_UNSET_SECRET is not set"
            ),
        ] as [(String, String?, String)])
    func badPipelineGivesOneLineExitTwoAndNoState(file: String, text: String?, expected: String) async throws {
        let dir = try Processes.temporaryDirectory()
        try FileManager.default.createDirectory(atPath: dir + "/export", withIntermediateDirectories: true)
        if let text { try text.write(toFile: dir + "/" + file, atomically: true, encoding: .utf8) }
        let result = try await Processes.run(
            "nim-migrate", ["run", file], in: dir, environment: ["E2E_SECRET": "s3cr3t"])
        #expect(result.code == 2)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(result.stderr)")
        #expect(result.stderr.hasPrefix("nim-migrate: \(file): \(expected)"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/state"), "no state for a pipeline that cannot run")
    }
}
