internal import EmulatorKit
import Foundation
import Hummingbird

/// `POST /{org}/{app}/token`: an app token for the client credentials.
///
/// Request `{"grant_type":"client_credentials","client_id","client_secret","ttl"}` (`ttl` in
/// seconds as a number or a string, `0` = never expires, absent = the configured default);
/// answer `{"access_token","expires_in","application"}` as documented
/// (easemob_app_token.md). Wrong credentials answer 400 `invalid_grant`
/// "client_id does not match" / "client_secret does not match" (error.md).
enum TokenHandler {
    /// Registers the route.
    static func register(on router: Router<EasemobRequestContext>, core: EasemobCore) {
        router.post("/:org/:app/token", use: core.serve { request, _ in try await token(request, core: core) })
    }

    static func token(_ request: Request, core: EasemobCore) async throws -> Response {
        let body = try await request.body.collect(upTo: 64 * 1024)
        guard let json = JSONValue(json: Data(buffer: body)), json.objectValue != nil else {
            throw EasemobError(
                status: 400, error: "json_parse", description: "Unexpected end-of-input: the body is not a JSON object",
                exception: "com.fasterxml.jackson.core.JsonParseException")
        }
        guard json["grant_type"]?.stringValue == "client_credentials" else {
            throw EasemobError(
                status: 400, error: "unsupported_grant_type", description: "unsupported grant type",
                exception: "org.apache.usergrid.rest.exceptions.OAuthProblemException")
        }
        let configuration = core.configuration
        guard json["client_id"]?.stringValue == configuration.clientID else {
            throw EasemobError.invalidGrant("client_id")
        }
        guard json["client_secret"]?.stringValue == configuration.clientSecret else {
            throw EasemobError.invalidGrant("client_secret")
        }
        var ttl = configuration.tokenTTL
        if let asked = json["ttl"] {
            guard let seconds = asked.intValue ?? asked.stringValue.flatMap({ Int64($0) }), seconds >= 0 else {
                throw EasemobError.illegalArgument("ttl must be a number of seconds")
            }
            ttl = Int(seconds)
        }
        if let cap = configuration.tokenTTLCap { ttl = ttl == 0 ? cap : min(ttl, cap) }
        let token = makeToken()
        let now = core.clock.nowMs
        await core.state.issue(token, expiresMs: ttl == 0 ? nil : now + Int64(ttl) * 1000)
        return core.reply([
            "access_token": .string(token), "expires_in": .int(Int64(ttl)),
            "application": .string(configuration.applicationID),
        ])
    }

    /// A fresh token in the look of Easemob's (`YWMt…`, URL-safe Base64).
    static func makeToken() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<60).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let text = Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        return "YWMt" + text
    }
}
