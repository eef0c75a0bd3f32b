import ArgumentParser
import Foundation
import MigrationCore

extension NIMMigrate {
    /// `nim-migrate pipeline-info` (for scripts/migrate): the few facts a shell needs, as
    /// `key=value` lines, after the pipeline file has been validated.
    struct PipelineInfo: PipelineCommand {
        static let configuration = CommandConfiguration(
            commandName: "pipeline-info", abstract: "Print shell variables describing a pipeline.", shouldDisplay: false
        )

        @OptionGroup var pipeline: PipelineArgument

        func execute() async throws -> ExitStatus {
            let config = try PipelineConfig.load(path: pipeline.pipeline)
            let port = URL(string: config.target.endpoint)?.port ?? 18080
            print("name=\(config.name)")
            print("emulator=\(config.target.emulator ? 1 : 0)")
            print("port=\(port)")
            print("secret_env=\(config.target.appSecretEnv)")
            if let pull = config.source.pull {
                print("pull_port=\(URL(string: pull.host)?.port ?? 18081)")
                print("pull_secret_env=\(pull.clientSecretEnv)")
                print("pull_client_id='\(pull.clientID)'")
                print("pull_org='\(pull.org)'")
                print("pull_app='\(pull.app)'")
                if let emulator = pull.emulator { print("pull_emulator='\(emulator)'") }
            }
            return .done
        }
    }
}
