import Foundation
import Testing

@testable import MigrationCore

/// The URL policy (SPEC §5 "Untrusted addresses") on its own: every spelling of a non-public
/// address is read as that address and refused, `files.allow` lets the operator's hosts through,
/// and the resolver's one answer is what is judged.
@Suite struct URLPolicyTests {
    /// Spellings of 127.0.0.1 (and loopback names) that URL parsers or `inet_aton` accept.
    static let loopbackSpellings = [
        "http://127.0.0.1/x", "http://2130706433/x", "http://0x7f000001/x", "http://0x7f.1/x", "http://127.1/x",
        "http://017700000001/x", "http://0177.0.0.1/x", "http://127.0.0.1./x", "http://[::ffff:127.0.0.1]/x",
        "http://[::ffff:7f00:1]/x", "http://[::1]/x", "http://localhost/x", "http://LOCALHOST:8080/x",
        "http://a.localhost/x", "https://user:pw@127.0.0.1:443/x", "http://[::127.0.0.1]/x",
        "http://[64:ff9b::7f00:1]/x", "http://[2002:7f00:1::]/x",
    ]

    @Test(arguments: loopbackSpellings) func everySpellingOfLoopbackIsRefused(_ url: String) throws {
        let refusal = try #require(URLPolicy().screen(url).failure, "\(url) was allowed")
        guard case .notPublic(.loopback, _) = refusal.reason else {
            Issue.record("\(url): \(refusal)")
            return
        }
        #expect(refusal.description.contains("loopback"))
    }

    @Test(arguments: [
        ("http://10.1.2.3/", AddressScope.privateNetwork), ("http://172.16.0.1/", .privateNetwork),
        ("http://172.31.255.255/", .privateNetwork), ("http://192.168.1.1/", .privateNetwork),
        ("http://169.254.169.254/latest/meta-data/", .linkLocal), ("http://100.64.0.1/", .shared),
        ("http://224.0.0.1/", .multicast), ("http://0.0.0.0/", .unspecified), ("http://0/", .unspecified),
        ("http://[fd00::1]/", .privateNetwork), ("http://[fe80::1]/", .linkLocal), ("http://[::]/", .unspecified),
        ("http://[ff02::1]/", .multicast), ("http://[::ffff:10.0.0.1]/", .privateNetwork),
        ("http://[::ffff:169.254.169.254]/", .linkLocal), ("http://0xa9fea9fe/", .linkLocal),
        ("http://255.255.255.255/", .broadcast), ("http://192.0.2.1/", .reserved),
    ])
    func nonPublicAddressesAreRefusedByScope(_ url: String, _ scope: AddressScope) throws {
        let refusal = try #require(URLPolicy().screen(url).failure, "\(url) was allowed")
        guard case .notPublic(let found, _) = refusal.reason else {
            Issue.record("\(url): \(refusal)")
            return
        }
        #expect(found == scope, "\(url)")
    }

    @Test func publicAddressesAndNamesPass() throws {
        let policy = URLPolicy()
        for url in [
            "http://93.184.216.34/a.png", "https://[2606:2800:220:1:248:1893:25c8:1946]/x", "https://cdn.example.com/a",
        ] {
            #expect(policy.screen(url).failure == nil, "\(url)")
        }
        let target = try policy.screen("https://user:pw@CDN.Example.com.:8443/a%20b.png?x=1#frag").get()
        #expect(target.url == "https://cdn.example.com:8443/a%20b.png?x=1", "userinfo and fragment dropped")
        #expect(try policy.screen("http://2130706433/x").failure?.host == "127.0.0.1")
    }

    @Test func otherSchemesAndBadHostsAreRefused() {
        let policy = URLPolicy()
        for url in ["ftp://10.0.0.1/x", "gopher://127.0.0.1:25/", "file:///etc/passwd", "dict://x", "//127.0.0.1/"] {
            #expect(policy.screen(url).failure != nil, "\(url)")
        }
        for url in [
            "http://1.2.3.4.5/", "http://999.1.1.1/", "http://[fe80::1%25eth0]/", "http://exa mple.com/", "http:///x",
        ] {
            #expect(policy.screen(url).failure?.reason == .invalidHost, "\(url)")
        }
    }

    @Test func theAllowListLetsTheOperatorsHostsThrough() throws {
        let allow = try AllowList(["cdn.acme.com", "*.acme-cdn.com", "10.2.0.0/16", "192.168.7.7", "fd00:1::/32"])
        let policy = URLPolicy(allow: allow)
        #expect(policy.screen("http://10.2.3.4/a").failure == nil)
        #expect(policy.screen("http://10.3.0.1/a").failure != nil)
        #expect(policy.screen("http://192.168.7.7/a").failure == nil, "a bare address is that one address")
        #expect(policy.screen("http://192.168.7.8/a").failure != nil)
        #expect(policy.screen("http://[fd00:1:2::3]/a").failure == nil)
        let cdn = try policy.screen("http://CDN.acme.com/a").get()
        #expect(policy.admit(cdn, addresses: [IPAddress("10.9.9.9")!], reference: "r").failure == nil)
        let sub = try policy.screen("http://img.acme-cdn.com/a").get()
        #expect(policy.admit(sub, addresses: [IPAddress("127.0.0.1")!], reference: "r").failure == nil)
        let bare = try policy.screen("http://acme-cdn.com/a").get()
        #expect(policy.admit(bare, addresses: [IPAddress("10.9.9.9")!], reference: "r").failure != nil)
        let other = try policy.screen("http://evil.example/a").get()
        let mixed = policy.admit(
            other, addresses: [IPAddress("93.184.216.34")!, IPAddress("10.0.0.1")!], reference: "r")
        #expect(mixed.failure?.why == "private network (10.0.0.1)", "one private answer among public ones refuses")
        #expect(policy.admit(other, addresses: [IPAddress("10.2.9.9")!], reference: "r").failure == nil)
    }

    @Test(arguments: ["10.0.0.0/33", "not a host!", "1.2.3.4.5", "::1/129", ""])
    func badAllowEntriesAreRejectedWithTheirPath(_ entry: String) {
        let yaml =
            "name: x\nsource: {format: canonical, path: e}\n"
            + "target: {endpoint: \"http://127.0.0.1:1/nimserver\", appkey: k, app_secret_env: S}\n"
            + "files: {allow: [cdn.acme.com, \"\(entry)\"]}\n"
        #expect(throws: ConfigError.self) { try PipelineConfig.parse(yaml: yaml) }
        do {
            _ = try PipelineConfig.parse(yaml: yaml)
        } catch {
            #expect(error.path == "files.allow[1]", "\(error)")
        }
    }

    @Test func addressSpellingsParseLikeInetAton() {
        #expect(IPAddress.parseIPv4("2130706433") == IPAddress("127.0.0.1"))
        #expect(IPAddress.parseIPv4("0x7f.0.0.1") == IPAddress("127.0.0.1"))
        #expect(IPAddress.parseIPv4("127.0.1") == IPAddress("127.0.0.1"))
        #expect(IPAddress.parseIPv4("4294967296") == nil)
        #expect(IPAddress.parseIPv4("1.256.1.1") == nil)
        #expect(IPAddress("127.1") == nil, "the allow list takes only the strict form")
        #expect(IPAddress.literal("example.com") == .name("example.com"))
        #expect(IPAddress.literal("a.0x10") == .invalid, "a host ending in a number is an address or nothing")
        #expect(IPAddress("::ffff:127.0.0.1")?.description == "::ffff:127.0.0.1")
    }
}

extension Result {
    /// The error, when this is a failure.
    var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
