internal import Foundation

extension FileHosting {
    /// Uploads `data` with `msg/fileUpload.action`, named after the last path segment of
    /// `reference` (its extension as the type); md5 and size are those of `data`.
    static func upload(_ data: Data, named reference: String, client: NIMClient, stage: StageID)
        async throws(CallFailure) -> HostedFile
    {
        let name = reference.split(separator: "/").last.map(String.init) ?? "file"
        let parts = name.split(separator: ".")
        let ext = parts.count > 1 ? parts.last.map(String.init) : nil
        let response = try await client.send(.uploadFile(data, name: name, type: ext), stage: stage)
        guard let url = response["url"]?.string else {
            throw CallFailure(
                code: 0, desc: "upload answered without a url", endpoint: "msg/fileUpload.action", retryable: true)
        }
        return HostedFile(url: url, md5: CheckSum.md5Hex(data), size: data.count)
    }
}
