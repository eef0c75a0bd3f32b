internal import EmulatorKit
import Foundation
import Hummingbird

/// The shared services of one running Easemob emulator, handed to every route.
final class EasemobCore: Sendable {
    /// The configuration the emulator was started with.
    let configuration: EasemobEmulatorConfiguration
    /// The export folder as read at start.
    let snapshot: ExportSnapshot
    /// The virtual clock.
    let clock: VirtualClock
    /// Tokens, rate windows, faults, deletions and the traffic log.
    let state: EmulatorState
    /// Seconds east of UTC of the hour keys.
    let offsetSeconds: Int
    /// Where it listens (the bound port once bound).
    let address: BoundAddress

    /// Reads the export and prepares the services for `configuration`.
    init(configuration: EasemobEmulatorConfiguration) throws {
        guard let offset = HourKey.offsetSeconds(of: configuration.timezone) else {
            throw ExportError(
                path: configuration.exportPath, reason: "timezone \(configuration.timezone) is not an offset")
        }
        self.configuration = configuration
        self.offsetSeconds = offset
        self.snapshot = try ExportSnapshot.load(path: configuration.exportPath, offsetSeconds: offset)
        let start =
            configuration.nowMs ?? snapshot.newestHour.map { $0.endMs + 26 * 3_600_000 }
            ?? Int64((Date().timeIntervalSince1970 * 1000).rounded())
        self.clock = VirtualClock(startMs: start)
        self.state = EmulatorState(configuration: configuration)
        address = BoundAddress(host: configuration.host, port: configuration.port)
    }

    /// `ORG#APP`, as Easemob names the app in its messages.
    var appKey: String { "\(configuration.org)#\(configuration.app)" }

    /// The `uri` of an envelope: the emulator's base URL, `/{org}/{app}` and `rest`.
    func uri(_ rest: String) -> String {
        "\(baseURL)/\(configuration.org)/\(configuration.app)/\(rest)"
    }

    /// The fields most of Easemob's GET envelopes share: `action`, `uri`, `entities`,
    /// `timestamp` (the virtual now) and `duration`.
    func envelope(uri rest: String, _ fields: [String: JSONValue] = [:]) -> [String: JSONValue] {
        var body: [String: JSONValue] = [
            "action": "get", "uri": .string(uri(rest)), "entities": [], "timestamp": .int(clock.nowMs),
            "duration": 0,
        ]
        body.merge(fields) { _, new in new }
        return body
    }

    /// The envelope of a list: its `data` and their `count` besides the shared fields.
    func envelope(uri rest: String, data: JSONValue, count: Int) -> [String: JSONValue] {
        envelope(uri: rest, ["data": data, "count": .int(Int64(count))])
    }

    /// `application`, `organization` and `applicationName`, as the group and history envelopes
    /// carry them.
    var appFields: [String: JSONValue] {
        [
            "application": .string(configuration.applicationID), "organization": .string(configuration.org),
            "applicationName": .string(configuration.app),
        ]
    }

    /// `params` as Easemob echoes the query: every parameter's values as an array of strings;
    /// `nil` when the request has no query.
    static func params(of request: Request) -> JSONValue? {
        var params: [String: [JSONValue]] = [:]
        for (name, value) in request.uri.queryParameters {
            params[String(name), default: []].append(.string(String(value)))
        }
        return params.isEmpty ? nil : .object(params.mapValues { .array($0) })
    }
}

/// The application and the socket are made in EmulatorKit, the same for both emulators.
extension EasemobCore: EmulatorService {
    static let serverName = "EasemobEmulator"
    static let displayName = "Easemob emulator"

    func router() -> Router<EasemobRequestContext> { EasemobRoutes.router(core: self) }
}
