import Hummingbird

/// The emulator's route table, behind the ``GateMiddleware``.
enum EasemobRoutes {
    /// A router serving Easemob's REST API, the signed downloads and `/_emulator`.
    static func router(core: EasemobCore) -> Router<EasemobRequestContext> {
        let router = Router(context: EasemobRequestContext.self)
        router.add(middleware: GateMiddleware(core: core))
        TokenHandler.register(on: router, core: core)
        UserHandlers.register(on: router, core: core)
        ContactHandlers.register(on: router, core: core)
        GroupHandlers.register(on: router, core: core)
        HistoryHandlers.register(on: router, core: core)
        FileHandlers.register(on: router, core: core)
        AdminRoutes.register(on: router, core: core)
        return router
    }
}
