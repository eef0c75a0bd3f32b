internal import GRDB

/// A conversation's messages and its group's or pair's changes, in the old server's time order:
/// the reads with which the sender and the event worker hold one behind the other.
extension ServeStore {
    /// Whether a change of the conversation's group or pair made before `time` (ms) is still to be
    /// applied: a message of that time waits for it (a member added, a block made, just before).
    func changePending(conversation: Scope, before time: Int64) async throws -> Bool {
        guard let scope = conversation.changes else { return false }
        return try await openRow(
            in: "event", EventStatus.self, where: "scope", is: scope.text, before: time, by: "time")
    }

    /// Whether a message of the scope's conversation created before `time` (ms) is still to be
    /// sent: a change of that time waits for it (a member removed, a block made, just after).
    func messagePending(scope: Scope, before time: Int64) async throws -> Bool {
        guard let conversation = scope.messages else { return false }
        return try await openRow(
            in: "inbox", InboxStatus.self, where: "conv", is: conversation.text, before: time, by: "create_time")
    }

    /// Whether `table` holds a row pending or in work whose `column` is `value` and whose
    /// `timeColumn` (the old server's time, ms) is before `time`.
    private func openRow(
        in table: String, _ status: (some ClaimedStatus).Type, where column: String, is value: String,
        before time: Int64, by timeColumn: String
    ) async throws -> Bool {
        try await exists(
            "SELECT 1 FROM \(table) WHERE \(column) = ? AND status IN \(status.open) AND \(timeColumn) < ? LIMIT 1",
            [value, time])
    }
}
