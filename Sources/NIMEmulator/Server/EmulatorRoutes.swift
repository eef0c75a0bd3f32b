internal import EmulatorKit
import Foundation
import Hummingbird

/// The emulator's route table: every v1 `*.action`, the v2 conversation API, v2 friend add and
/// team-member batch mute, and the unauthenticated `/_files` and `/_emulator` routes.
enum EmulatorRoutes {
    /// A v1 endpoint's work: validated parameters in, NIM's JSON out (or a thrown ``NIMFailure``).
    typealias V1Handler = @Sendable (V1Parameters, EmulatorCore) async throws -> JSONValue

    /// Every v1 endpoint, by its path after `/nimserver/`.
    static let v1: [(path: String, handler: V1Handler)] = [
        ("user/create.action", UserHandlers.create),
        ("user/update.action", UserHandlers.update),
        ("user/refreshToken.action", UserHandlers.refreshToken),
        ("user/updateUinfo.action", UserHandlers.updateUinfo),
        ("user/getUinfos.action", UserHandlers.getUinfos),
        ("user/setSpecialRelation.action", UserHandlers.setSpecialRelation),
        ("user/listBlackAndMuteList.action", UserHandlers.listBlackAndMuteList),
        ("friend/add.action", FriendHandlers.add),
        ("friend/update.action", FriendHandlers.update),
        ("friend/get.action", FriendHandlers.get),
        ("friend/delete.action", FriendHandlers.delete),
        ("team/create.action", TeamHandlers.create),
        ("team/update.action", TeamHandlers.update),
        ("team/remove.action", TeamHandlers.remove),
        ("team/add.action", TeamHandlers.add),
        ("team/kick.action", TeamHandlers.kick),
        ("team/leave.action", TeamHandlers.leave),
        ("team/addManager.action", TeamHandlers.addManager),
        ("team/removeManager.action", TeamHandlers.removeManager),
        ("team/changeOwner.action", TeamHandlers.changeOwner),
        ("team/muteTlist.action", TeamHandlers.muteTlist),
        ("team/muteTlistAll.action", TeamHandlers.muteTlistAll),
        ("team/listTeamMute.action", TeamHandlers.listTeamMute),
        ("team/query.action", TeamHandlers.query),
        ("team/queryDetail.action", TeamHandlers.queryDetail),
        ("team/joinTeams.action", TeamHandlers.joinTeams),
        ("msg/upload.action", UploadHandlers.upload),
        ("msg/fileUpload.action", UploadHandlers.fileUpload),
        ("msg/sendMsg.action", MessageHandlers.sendMsg),
        ("msg/recall.action", RecallHandlers.recall),
        ("history/querySessionMsg.action", HistoryHandlers.querySessionMsg),
        ("history/queryTeamMsg.action", HistoryHandlers.queryTeamMsg),
    ]

    /// A router serving everything, behind the ``TrafficMiddleware``.
    static func router(core: EmulatorCore) -> Router<EmulatorRequestContext> {
        let router = Router(context: EmulatorRequestContext.self)
        router.add(middleware: TrafficMiddleware(core: core))
        for (path, handler) in v1 {
            router.post(RouterPath("/nimserver/\(path)")) { request, context in
                if let code = core.refusals.value[path] {
                    return WireResponse.failure(
                        NIMFailure(code: code, desc: "refused: \(path) is not enabled for this app"))
                }
                do {
                    let parameters = try await parameters(of: request, context: context)
                    return WireResponse.json(try await handler(parameters, core))
                } catch let failure as NIMFailure {
                    return WireResponse.failure(failure)
                } catch let error as HTTPError {
                    throw error
                } catch {
                    return WireResponse.internalError(error)
                }
            }
        }
        for prefix in ["/im/v2.1", "/im/v2"] {
            router.post(RouterPath("\(prefix)/conversations")) { request, context in
                await v2(request, context: context, ConversationHandlers.create, core: core)
            }
            router.get(RouterPath("\(prefix)/conversations")) { request, context in
                await v2(request, context: context, ConversationHandlers.list, core: core)
            }
            router.post(RouterPath("\(prefix)/friends")) { request, context in
                await v2(request, context: context, FriendHandlers.addV2, core: core)
            }
        }
        // batch_mute exists only as /im/v2 and only with PATCH (see TeamHandlers.batchMute).
        let batchMute = RouterPath("/im/v2/team_members/actions/batch_mute")
        router.patch(batchMute) { request, context in
            await v2(request, context: context, TeamHandlers.batchMute, core: core)
        }
        for method in [HTTPRequest.Method.post, .put, .get, .delete] {
            router.on(batchMute, method: method) { request, _ -> Response in
                WireResponse.v2MethodNotAllowed(
                    TeamHandlers.wrongMethod(request.method.rawValue), allow: TeamHandlers.batchMuteMethod)
            }
        }
        AdminRoutes.add(to: router, core: core)
        return router
    }

    /// Query string, then the urlencoded or multipart body on top.
    static func parameters(of request: Request, context: EmulatorRequestContext) async throws -> V1Parameters {
        var parameters = V1Parameters(fields: FormFields.parse(Substring(request.uri.query ?? "")))
        let body = try await request.body.collect(upTo: context.maxUploadSize)
        let data = Data(buffer: body)
        let contentType = request.headers[.contentType] ?? ""
        if let boundary = MultipartForm.boundary(fromContentType: contentType) {
            guard let form = MultipartForm.parse(data, boundary: boundary) else {
                throw NIMFailure(code: 414, desc: "malformed multipart body")
            }
            for part in form.parts {
                if part.filename == nil { parameters.fields[part.name] = String(decoding: part.data, as: UTF8.self) }
                parameters.files[part.name] = part.data
            }
        } else {
            parameters.fields.merge(FormFields.parse(data)) { _, body in body }
        }
        return parameters
    }

    private static func v2(
        _ request: Request, context: EmulatorRequestContext,
        _ handler: @Sendable (V2Request, EmulatorCore) async throws -> JSONValue,
        core: EmulatorCore
    ) async -> Response {
        do {
            let body = try await request.body.collect(upTo: context.maxUploadSize)
            var parsed: JSONValue?
            if body.readableBytes > 0 {
                guard let value = JSONValue(json: Data(buffer: body)) else { throw NIMFailure.invalid("body") }
                parsed = value
            }
            let query = FormFields.parse(Substring(request.uri.query ?? ""))
            let data = try await handler(V2Request(body: parsed, query: query), core)
            return WireResponse.json(["code": 200, "msg": "success", "data": data])
        } catch let failure as NIMFailure {
            return WireResponse.v2Failure(failure)
        } catch {
            return WireResponse.internalError(error)
        }
    }
}
