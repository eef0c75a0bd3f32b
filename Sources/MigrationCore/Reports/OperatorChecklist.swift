internal import Foundation

/// The steps of NIM's migration plan that only the operator can take, filled in for a pipeline.
public enum OperatorChecklist {
    public static func items(for config: PipelineConfig, hosts: [HostLine] = []) -> [String] {
        let host = URL(string: config.target.endpoint)?.host ?? config.target.endpoint
        var items = [
            "Send NetEase the files of `state/\(config.name)/history/` with `manifest.json`: appkey "
                + "`\(config.target.appKey)`, roaming \(config.history.roaming ? "on" : "off") (they import history; "
                + "no API does).",
            "Console: switch on 新进群用户获取历史消息 (new team members see history) if new members should read "
                + "the migrated team history.",
            "Console: enable the server-side session service (服务端会话) if apps read cloud sessions; it serves at "
                + "most 3,000 per user.",
            "History older than the app's retention window (30 days on the free edition, one year by default) "
                + "will not be queryable after import: agree the window with NetEase first.",
            "The endpoint points at `\(host)`: check it is the data centre (China or overseas) the app was created in.",
            "This plan is offline: the target was not checked. `nim-migrate check PIPELINE` makes the one authenticated "
                + "read that `run` makes first (endpoint, path, AppKey, AppSecret, this machine's clock).",
            "Keep `state/\(config.name).sqlite` and `nim-migrate ids`: NIM keeps no old→new map of accounts or tids.",
        ]
        items.append(
            "Console: the app's team size cap is \(config.groups.memberLimit) (`groups.member_limit`): no team is "
                + "created larger and members beyond it are reported. Raise it in the NIM console first "
                + "(NIM's default is 200), then set `groups.member_limit` to match and plan again.")
        items.append(
            "Coexisting old and new apps: configure NIM's message CC URL (消息抄送) to `nim-migrate serve`'s "
                + "`/nim/cc`, and give NetEase the incremental endpoint for messages after the cut-off.")
        let refused = hosts.filter { !$0.allowed }
        if !refused.isEmpty {
            let count = refused.reduce(0) { $0 + $1.references }
            let names = refused.prefix(5).map { "`\($0.host)` (\($0.why ?? "refused"))" }.joined(separator: ", ")
            items.append(
                "\(count) file reference(s) on \(refused.count) host(s) would not be fetched: \(names). If one is the "
                    + "old server's own file store (often on a private network), list it in `files.allow` and plan again; "
                    + "otherwise those messages keep their old URL.")
        }
        return items
    }
}
