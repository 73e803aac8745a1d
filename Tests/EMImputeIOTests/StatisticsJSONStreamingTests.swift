import EMImputeCore
import Foundation
import Testing
@testable import EMImputeIO

/// `emimpute statistics` writes its JSON a group at a time (issue #13, memory): the same bytes
/// as encoding the whole value at once, and a file that reads back as the same statistics.
@Suite("Statistics JSON written a group at a time")
struct StatisticsJSONStreamingTests {
    @Test("writeJSON writes json()'s bytes, and they read back as the same statistics")
    func sameBytes() throws {
        let folder = NSTemporaryDirectory() + "/emimpute-stats-json-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // Kept rows, moments, a row with nothing observed, a text column and a name with quotes.
        var csv = KeptRowsSpillTests.csv().replacingOccurrences(of: "x3", with: "\"say \"\"groups\"\":[]\"")
        csv += "NA,NA,NA,NA,NA,NA,NA,NA\n"
        let input = folder + "/in.csv"
        try csv.write(toFile: input, atomically: true, encoding: .utf8)
        let table = try CSVStatisticsReader.read(input)
        #expect(table.statistics.groups.values.contains { $0.keepsRows && $0.observedCount > 0 })
        #expect(table.statistics.groups.values.contains { !$0.keepsRows })
        let path = folder + "/stats.json"
        let target = try OutputTarget.file(path)
        try table.writeJSON(to: target)
        try target.commit()
        let written = try String(contentsOfFile: path, encoding: .utf8)
        #expect(written == (try table.json()))
        let back = try TableStatistics.read(path)
        #expect(back.statistics == table.statistics)
    }
}
