internal import Foundation
internal import HTTPTypes
internal import Hummingbird
internal import MigrationCore

extension ServeRoutes {
    /// `/nim/cc`: verified by NIM's signature, then stored once per `msgidServer` (bodies without
    /// one — the console's `{}` probe, login events — are acknowledged and dropped).
    static func cc(_ request: Request, _ core: ServeCore) async throws -> Response {
        let body = Data(try await request.body.collect(upTo: maxCCBytes).readableBytesView)
        func header(_ name: String) -> String? { HTTPField.Name(name).flatMap { request.headers[$0] } }
        let verdict = core.verifier.verify(
            body: body, md5: header("MD5"), curTime: header("CurTime"), checkSum: header("CheckSum"))
        if case .failure(let refusal) = verdict {
            core.log("serve: CC refused: \(refusal)")
            return ServeResponse.failure(.forbidden, refusal.description)
        }
        guard let parsed = try? JSONValue.parse(body), case .object = parsed else {
            return ServeResponse.failure(.badRequest, "body is not a JSON object")
        }
        let fromREST = parsed["fromClientType"]?.string?.uppercased() == "REST"
        // A recall (eventType 7 p2p, 8 team, 25 super team) carries the recalled message's `msgId`
        // and no `msgidServer`: kept once per recalled message.
        let key: String
        if ["7", "8", "25"].contains(parsed["eventType"]?.string ?? ""), let recalled = parsed["msgId"]?.string,
            !recalled.isEmpty
        {
            key = CCForwarder.recallPrefix + recalled
        } else if let msgid = parsed["msgidServer"]?.string, !msgid.isEmpty {
            key = msgid
        } else {
            return ServeResponse.json(.object(["code": .int(200)]))
        }
        _ = try await core.store.receiveCC(msgidServer: key, body: body, fromREST: fromREST, now: core.now())
        core.outbox.ring()
        return ServeResponse.json(.object(["code": .int(200)]))
    }
}
