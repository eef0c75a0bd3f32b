import Foundation

/// Finds and runs the package's executables as real child processes.
enum Processes {
    /// The folder holding the built products (`.build/debug` or the platform-specific one).
    static let productsDirectory: URL = {
        let fm = FileManager.default
        var candidates: [URL] = []
        if let argument = CommandLine.arguments.first {
            var url = URL(fileURLWithPath: argument).deletingLastPathComponent()
            for _ in 0..<4 {
                candidates.append(url)
                url = url.deletingLastPathComponent()
            }
        }
        candidates.append(packageRoot.appendingPathComponent(".build/debug"))
        return candidates.first { fm.isExecutableFile(atPath: $0.appendingPathComponent("nim-migrate").path) }
            ?? packageRoot.appendingPathComponent(".build/debug")
    }()

    /// The checkout this test file belongs to.
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func executable(_ name: String) -> URL { productsDirectory.appendingPathComponent(name) }

    /// Starts a process with stdout and stderr captured to files in `directory`.
    static func start(
        _ name: String, _ arguments: [String], in directory: String, environment: [String: String] = [:]
    ) throws -> (Process, stdout: URL, stderr: URL) {
        let process = Process()
        process.executableURL = executable(name)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let id = UUID().uuidString.prefix(8)
        let out = URL(fileURLWithPath: directory).appendingPathComponent(".out-\(id)")
        let err = URL(fileURLWithPath: directory).appendingPathComponent(".err-\(id)")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        try process.run()
        return (process, out, err)
    }

    /// Runs a process to its end; returns exit code, stdout and stderr.
    static func run(
        _ name: String, _ arguments: [String], in directory: String, environment: [String: String] = [:]
    ) async throws -> (code: Int32, stdout: String, stderr: String) {
        let (process, out, err) = try start(name, arguments, in: directory, environment: environment)
        while process.isRunning { try await Task.sleep(for: .milliseconds(20)) }
        let stdout = (try? String(contentsOf: out, encoding: .utf8)) ?? ""
        let stderr = (try? String(contentsOf: err, encoding: .utf8)) ?? ""
        try? FileManager.default.removeItem(at: out)
        try? FileManager.default.removeItem(at: err)
        return (process.terminationStatus, stdout, stderr)
    }

    /// Runs `/bin/sh -c command` in `directory` to its end and returns its exit code. Waits by
    /// polling, never by blocking a thread: tests share a small cooperative pool, and a blocked
    /// thread would stretch the timed sleeps of the kill tests running beside.
    static func shell(_ command: String, in directory: String) async throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        try process.run()
        while process.isRunning { try await Task.sleep(for: .milliseconds(20)) }
        return process.terminationStatus
    }

    /// A fresh temporary folder.
    static func temporaryDirectory() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("nimmig-e2e-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}
