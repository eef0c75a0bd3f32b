import Foundation
import Testing

@testable import MigrationCore

@Suite struct HistoryOutputTests {
    @Test func resumingTruncatesToTheCheckpointAndSweepsStrayFiles() throws {
        let dir = try temporaryDirectory()
        try "line 1\nline 2\nhalf a chunk\n".write(toFile: dir + "/p2p-0001.txt", atomically: false, encoding: .utf8)
        try "{}".write(toFile: dir + "/.dat.nosync12.AbCdEf", atomically: false, encoding: .utf8)
        try "{}".write(toFile: dir + "/manifest.json", atomically: false, encoding: .utf8)
        var state = HistoryOutput.State()
        state.lines["p2p"] = 2
        state.sizes["p2p-0001.txt"] = 14
        let output = try HistoryOutput(directory: dir, state: state)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).sorted() == ["manifest.json", "p2p-0001.txt"])
        #expect(try String(contentsOfFile: dir + "/p2p-0001.txt", encoding: .utf8) == "line 1\nline 2\n")
        try output.append(team: false, { $0.append(contentsOf: "line 3".utf8) }) { _ in true }
        let dropped = try output.append(team: false, { $0.append(contentsOf: "a duplicate".utf8) }) { text in
            #expect(Array(text) == Array("a duplicate".utf8))
            return false
        }
        #expect(!dropped)
        try output.append(team: true, { $0.append(contentsOf: "team 1".utf8) }) { _ in true }
        try output.flush()
        #expect(try String(contentsOfFile: dir + "/p2p-0001.txt", encoding: .utf8) == "line 1\nline 2\nline 3\n")
        #expect(output.linesPerFile == ["p2p-0001.txt": 3, "team-0001.txt": 1])
        #expect(output.state.sizes["p2p-0001.txt"] == 21)
    }
}
