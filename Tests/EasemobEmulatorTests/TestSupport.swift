import EasemobEmulator
import EmulatorKit
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import TestSupportKit
import Testing

/// The repository's root (three levels above this file).
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().path

/// The bundled Easemob sample export (hour keys in Beijing time).
let sampleExport = repositoryRoot + "/pipelines/easemob-sample/export"
/// The export assembled from Easemob's published examples (hour keys in UTC, plain hour files).
let corpusExport = repositoryRoot + "/Tests/Corpora/easemob/export"
/// Easemob's published response examples.
let corpusExamples = repositoryRoot + "/Tests/Corpora/easemob/examples"

let testClientID = "YXA6test-client"
let testSecret = "test-secret"

/// A configuration over the sample export with test credentials; `adjust` changes the rest.
func sampleConfiguration(
    _ adjust: (inout EasemobEmulatorConfiguration) -> Void = { _ in }
) -> EasemobEmulatorConfiguration {
    var configuration = EasemobEmulatorConfiguration(exportPath: sampleExport, clientSecret: testSecret)
    configuration.clientID = testClientID
    adjust(&configuration)
    return configuration
}

/// A configuration over the corpus export: UTC hour keys, org/app as in its examples' URIs.
func corpusConfiguration(
    _ adjust: (inout EasemobEmulatorConfiguration) -> Void = { _ in }
) -> EasemobEmulatorConfiguration {
    var configuration = EasemobEmulatorConfiguration(exportPath: corpusExport, clientSecret: testSecret)
    configuration.clientID = testClientID
    configuration.org = "XXXX"
    configuration.app = "testapp"
    configuration.timezone = "UTC"
    adjust(&configuration)
    return configuration
}

/// A reply: HTTP status, headers and body.
typealias Reply = TestReply

extension TestReply {
    /// The body as a JSON object (empty when it is not one).
    var json: [String: Any] { (try? JSONSerialization.jsonObject(with: bytes)) as? [String: Any] ?? [:] }
    /// The body's top-level keys.
    var keys: Set<String> { Set(json.keys) }
    /// The body's `data` as an array.
    var dataArray: [Any] { json["data"] as? [Any] ?? [] }
    /// The body as text.
    var text: String { String(decoding: bytes, as: UTF8.self) }
    /// The status and Easemob's error fields.
    var failure: EasemobFailure {
        EasemobFailure(status, json["error"] as? String, json["error_description"] as? String)
    }
}

/// An Easemob error answer: the status, `error` and `error_description`.
struct EasemobFailure: Equatable {
    var status: Int
    var error: String?
    var description: String?

    init(_ status: Int, _ error: String?, _ description: String?) {
        self.status = status
        self.error = error
        self.description = description
    }
}

/// Easemob's calls, through the router test framework.
extension Caller {
    /// A GET, with a bearer token when given.
    func get(_ uri: String, token: String? = nil, headers: HTTPFields = [:]) async throws -> Reply {
        var headers = headers
        if let token { headers[.authorization] = "Bearer \(token)" }
        return try await send(.get, uri, headers, nil)
    }

    /// A POST of a JSON body, with a bearer token when given.
    func post(_ uri: String, json: Any? = nil, token: String? = nil) async throws -> Reply {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let token { headers[.authorization] = "Bearer \(token)" }
        let body = try json.map { ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: $0)) }
        return try await send(.post, uri, headers, body)
    }

    /// A fresh token for the test credentials.
    func token(org: String = "easemob-demo", app: String = "chatdemoui", ttl: Any? = nil) async throws -> String {
        var body: [String: Any] = [
            "grant_type": "client_credentials", "client_id": testClientID, "client_secret": testSecret,
        ]
        if let ttl { body["ttl"] = ttl }
        let reply = try await post("/\(org)/\(app)/token", json: body)
        return try #require(reply.json["access_token"] as? String, "token: \(reply.text)")
    }
}

/// Runs `test` against the emulator through `app.test(.router)`.
func withEmulator(
    _ configuration: EasemobEmulatorConfiguration = sampleConfiguration(),
    _ test: @escaping @Sendable (Caller) async throws -> Void
) async throws {
    try await withRouterTest(try EasemobEmulatorApplication.make(configuration), test)
}

/// The top-level keys of a published example of the corpus.
func exampleKeys(_ name: String) throws -> Set<String> {
    let data = try Data(contentsOf: URL(fileURLWithPath: corpusExamples + "/" + name))
    let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    return Set(object.keys)
}

/// The path and query of an absolute URL (what a test sends to the router).
func pathAndQuery(_ url: String) throws -> String {
    let components = try #require(URLComponents(string: url))
    return components.percentEncodedPath + (components.percentEncodedQuery.map { "?" + $0 } ?? "")
}
