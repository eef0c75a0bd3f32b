internal import AsyncHTTPClient
public import Foundation
internal import NIOCore
internal import NIOPosix

/// Every download of a URL the old side wrote goes through here (SPEC §5 "Untrusted
/// addresses"): the URL is screened by ``URLPolicy``, its host resolved once by the injected
/// ``HostResolver``, the answer admitted, and the connection made to that admitted address (the
/// client's DNS is overridden for the name: the `Host` header and TLS name stay the URL's). Each
/// redirect hop is screened, resolved and admitted the same way; download headers (Easemob's
/// `share-secret`) go only to the scheme, host and port of the URL they were given for.
public final class SafeDownloader: Sendable {
    public let policy: URLPolicy
    let resolver: any HostResolver
    private let clients = ClientPool()
    /// Redirects followed at most.
    static let maxRedirects = 5

    public init(policy: URLPolicy, resolver: any HostResolver = SystemResolver()) {
        self.policy = policy
        self.resolver = resolver
    }

    /// Closes every connection.
    public func shutdown() async {
        await clients.shutdown()
    }

    /// The answer's bytes (at most `limit + 1`, so a caller sees an oversize file without holding
    /// it all), or why not: a refusal (``CallFailure/refusal`` set, never retryable), an HTTP
    /// status other than 200, or a transport failure (retryable).
    public func download(_ reference: String, headers: [(String, String)] = [], limit: Int) async -> Result<
        Data, CallFailure
    > {
        var current = reference
        var origin: String?
        for _ in 0...Self.maxRedirects {
            let target: URLPolicy.Target
            switch policy.screen(current) {
            case .failure(let refusal): return .failure(.refused(refusal, reference: reference))
            case .success(let screened): target = screened
            }
            let home = "\(target.scheme)://\(target.hostText):\(target.port ?? (target.scheme == "https" ? 443 : 80))"
            if origin == nil { origin = home }
            let address: IPAddress
            switch await admitted(target, reference: reference) {
            case .failure(let failure): return .failure(failure)
            case .success(let admitted): address = admitted
            }
            var request = HTTPClientRequest(url: target.url)
            if home == origin { for (name, value) in headers { request.headers.add(name: name, value: value) } }
            do {
                let client = await clients.client(for: target, connectingTo: address)
                let response = try await client.execute(request, timeout: .seconds(60))
                let code = Int(response.status.code)
                if [301, 302, 303, 307, 308].contains(code), let location = response.headers.first(name: "location") {
                    guard let next = URL(string: location, relativeTo: URL(string: target.url))?.absoluteString else {
                        return .failure(
                            .download(reference, code: code, "download: a redirect to '\(location)'", retryable: false))
                    }
                    current = next
                    continue
                }
                guard code == 200 else {
                    return .failure(.download(reference, code: code, "download: HTTP \(code)", retryable: code >= 500))
                }
                var data = Data()
                for try await chunk in response.body {
                    data.append(contentsOf: chunk.readableBytesView)
                    if data.count > limit { break }
                }
                if let length = response.headers.first(name: "content-length").flatMap(Int.init), data.count < length,
                    data.count <= limit
                {
                    return .failure(
                        .download(reference, "download: \(data.count) of \(length) bytes (cut short)", retryable: true))
                }
                return .success(data)
            } catch {
                let text = String(describing: error).split(separator: "\n").first.map(String.init) ?? "failed"
                var failure = CallFailure.download(reference, "download: \(text)", retryable: true)
                failure.underlying = String(describing: error)
                return .failure(failure)
            }
        }
        return .failure(
            .refused(URLRefusal(reference: reference, host: current, reason: .tooManyRedirects), reference: reference))
    }

    /// The address to connect to: the literal one (already judged), or the name's one lookup.
    private func admitted(_ target: URLPolicy.Target, reference: String) async -> Result<IPAddress, CallFailure> {
        switch target.host {
        case .address(let address): return .success(address)
        case .name(let name):
            let addresses: [IPAddress]
            do {
                addresses = try await resolver.resolve(name)
            } catch {
                return .failure(.download(reference, "download: \(error)", retryable: true))
            }
            return policy.admit(target, addresses: addresses, reference: reference).mapError {
                .refused($0, reference: reference)
            }
        }
    }
}

/// One HTTP client per host name and admitted address (its DNS overridden to that address), one
/// for URLs that name an address; redirects are never followed by the client itself.
private actor ClientPool {
    private var clients: [String: HTTPClient] = [:]

    func client(for target: URLPolicy.Target, connectingTo address: IPAddress) -> HTTPClient {
        var override: [String: String] = [:]
        if case .name(let name) = target.host { override[name] = address.description }
        let key = override.map { "\($0.key)=\($0.value)" }.first ?? ""
        if let client = clients[key] { return client }
        var config = HTTPClient.Configuration()
        config.redirectConfiguration = .disallow
        config.timeout = .init(connect: .seconds(10), read: .seconds(30))
        config.dnsOverride = override
        let client = HTTPClient(
            eventLoopGroupProvider: .shared(MultiThreadedEventLoopGroup.singleton), configuration: config)
        clients[key] = client
        return client
    }

    func shutdown() async {
        for client in clients.values { try? await client.shutdown() }
        clients = [:]
    }
}
