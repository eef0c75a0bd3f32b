import Crypto
internal import EmulatorKit
import Foundation
import Hummingbird

/// The shared services of one running emulator, handed to every route handler.
final class EmulatorCore: Sendable {
    /// The configuration the emulator was started with.
    let configuration: EmulatorConfiguration
    /// All persistent state.
    let store: EmulatorStore
    /// Frequency control and fault injection.
    let monitor: TrafficMonitor
    /// Request signature checks.
    let verifier: LockedBox<CheckSumVerifier>
    /// Wall-clock milliseconds (timetags, CurTime checks); injectable for tests.
    let nowMs: @Sendable () -> Int64
    /// An outage on demand (`POST /_emulator/outage`): until when, and how the target fails.
    let outage = LockedBox<Outage?>(nil)
    /// v1 endpoints answered with a NIM error code instead of served (`POST /_emulator/refuse`):
    /// a service the app has not enabled, a permission the account lacks.
    let refusals = LockedBox<[String: Int]>([:])
    /// The network's jitter before the rate gate (`arrivalJitterMs`, `POST /_emulator/jitter`).
    let jitter: LockedBox<ArrivalJitter>
    /// Where it listens (the bound port once bound).
    let address: BoundAddress

    /// Opens the state and prepares the services for `configuration`.
    init(configuration: EmulatorConfiguration, nowMs: @escaping @Sendable () -> Int64 = EmulatorCore.systemNowMs) throws
    {
        self.configuration = configuration
        self.store = try EmulatorStore(path: configuration.statePath)
        self.monitor = TrafficMonitor(configuration: configuration)
        self.jitter = LockedBox(ArrivalJitter(maxMs: configuration.arrivalJitterMs, seed: configuration.seed))
        self.verifier = LockedBox(CheckSumVerifier(appKey: configuration.appKey, appSecret: configuration.appSecret))
        self.nowMs = nowMs
        address = BoundAddress(host: configuration.host, port: configuration.port)
    }

    /// Milliseconds since 1970 from the system clock.
    static let systemNowMs: @Sendable () -> Int64 = { Int64((Date().timeIntervalSince1970 * 1000).rounded()) }

    /// A token for a new account: deterministic given the seed and the number issued before.
    static func makeToken(seed: UInt64, serial: Int64, accid: String) -> String {
        let digest = SHA256.hash(data: Data("\(seed)|\(serial)|\(accid)".utf8))
        return digest.prefix(16).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}

/// The application and the socket are made in EmulatorKit, the same for both emulators.
extension EmulatorCore: EmulatorService {
    static let serverName = "NIMEmulator"
    static let displayName = "NIM emulator"

    func router() -> Router<EmulatorRequestContext> { EmulatorRoutes.router(core: self) }
}

/// A value behind a lock, for the rare mutable bits shared across event loops.
/// The target down for a while, for rehearsals and tests of a run's pause (NIM maintenance, a
/// network cut): every API call is cut without an answer, or answered 503, until `untilMs`.
struct Outage: Sendable {
    enum Mode: String, Sendable { case cut, unavailable }
    var untilMs: Int64
    var mode: Mode
}
