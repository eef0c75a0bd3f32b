/// An Easemob error answer: HTTP status, `error`, `error_description` and the Java exception
/// Easemob names (the server is built on Apache Usergrid).
///
/// Bodies are `{"error","error_description","exception","timestamp","duration"}` as in
/// Easemob's documented 401 example; the texts are the documented ones where Easemob
/// documents them (see each constructor).
struct EasemobError: Error, Sendable {
    /// HTTP status.
    let status: Int
    /// The `error` code.
    let error: String
    /// The `error_description`.
    let description: String
    /// The `exception` class name.
    let exception: String

    /// 404: wrong org/app (or wrong cluster host). Documented (error.md).
    static func appNotFound(org: String, app: String, path: String) -> EasemobError {
        EasemobError(
            status: 404, error: "organization_application_not_found",
            description: "Could not find application for \(org)/\(app) from URI: \(path)",
            exception: "org.apache.usergrid.rest.exceptions.OrganizationApplicationNotFoundException")
    }

    /// 401: no token, or an expired one. Documented (error.md: "token 过期或未传 token").
    static let expiredToken = EasemobError(
        status: 401, error: "unauthorized", description: "Unable to authenticate due to expired access token",
        exception: "org.apache.usergrid.rest.exceptions.SecurityException")

    /// 401: a token this app never issued. Documented (error.md, message_download.md).
    static let badToken = EasemobError(
        status: 401, error: "auth_bad_access_token",
        description: "Unable to authenticate due to corrupt access token",
        exception: "org.apache.usergrid.rest.exceptions.SecurityException")

    /// 400: wrong client ID or secret at `POST /token`. Documented (error.md, 2023 doc).
    static func invalidGrant(_ which: String) -> EasemobError {
        EasemobError(
            status: 400, error: "invalid_grant", description: "\(which) does not match",
            exception: "org.apache.usergrid.rest.exceptions.OAuthProblemException")
    }

    /// 404: a user (or other resource) that does not exist. Documented (error.md).
    static let resourceGone = EasemobError(
        status: 404, error: "service_resource_not_found", description: "Service resource not found",
        exception: "org.apache.usergrid.services.exceptions.ServiceResourceNotFoundException")

    /// 404 of group details, admins and mutes for a group that does not exist. Documented
    /// (group_obtain_detail.md, group_admin_list_get.md, group_member_mutelist_obtain.md).
    static func groupGone(_ id: String) -> EasemobError {
        EasemobError(
            status: 404, error: "resource_not_found", description: "grpID \(id) does not exist!",
            exception: "com.easemob.group.exception.ResourceNotFoundException")
    }

    /// 404 of the member list for a group that does not exist. Documented
    /// (group_member_list_obtain.md).
    static func groupGoneForMembers(_ id: String) -> EasemobError {
        EasemobError(
            status: 404, error: "service_resource_not_found", description: "do not find this group:\(id)",
            exception: "org.apache.usergrid.services.exceptions.ServiceResourceNotFoundException")
    }

    /// 400 `illegal_argument` with a documented text.
    static func illegalArgument(_ description: String) -> EasemobError {
        EasemobError(
            status: 400, error: "illegal_argument", description: description,
            exception: "java.lang.IllegalArgumentException")
    }

    /// 404: no history file for an hour in range. Documented (message_historical.md).
    static func noHistory(appKey: String, hour: String) -> EasemobError {
        EasemobError(
            status: 404, error: "storage_object_not_found",
            description: "Failed to find chat message history download url for appkey: \(appKey), time: \(hour)",
            exception: "com.easemob.chatmessage.exception.StorageObjectNotFoundException")
    }

    /// 429: over the family's rate. Documented (error.md).
    static let reachLimit = EasemobError(
        status: 429, error: "reach_limit", description: "This request has reached api limit",
        exception: "com.easemob.ratelimit.exception.ReachLimitException")

    /// 429: over the edition's quota. Documented (error.md).
    static let resourceLimited = EasemobError(
        status: 429, error: "resource_limited",
        description: "You have exceeded the limit of the Free edition. Please upgrade to higher edition.",
        exception: "com.easemob.ratelimit.exception.ResourceLimitedException")

    /// 404 of a chatfile the server no longer has (retention over, or never stored). Not
    /// documented by Easemob: the emulator's own guess.
    static let fileGone = EasemobError(
        status: 404, error: "file_not_found", description: "file not found",
        exception: "com.easemob.chatfile.exception.FileNotFoundException")

    /// 401 of a restricted chatfile asked without its `share-secret`. Not documented by
    /// Easemob: the emulator's own guess.
    static let shareSecretRequired = EasemobError(
        status: 401, error: "unauthorized", description: "share-secret is required or wrong",
        exception: "org.apache.usergrid.rest.exceptions.SecurityException")

    /// 503 during an outage. Easemob documents only the status (error.md); the body is a guess.
    static let unavailable = EasemobError(
        status: 503, error: "service_unavailable", description: "Service Unavailable",
        exception: "com.easemob.exception.ServiceUnavailableException")
}
