import EMImputeCore
import Foundation
import Testing
@testable import EMImputeIO

/// Reading model files (issue 11, item 20): from any stream, with errors in words and typed,
/// requiring only what `apply` reads; and recording what the adjustments need (item 25).
@Suite("model files")
struct ModelFileTests {
    static let csv = "x,y,z\n1,2,7\n2,3.5,6\n,5,8\n4,4,5\n5,7.25,\n3,,4\n6,8,3\n"

    /// A fresh empty folder.
    static func folder() throws -> String {
        let path = NSTemporaryDirectory() + "/emimpute-model-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// The JSON of a model fitted on `csv`, with the given adjustment choices.
    static func modelJSON(roundIntegers: Bool = false, clamp: Bool = false) throws -> (json: String, table: LoadedTable, result: EMResult) {
        let table = try load(csv)
        let result = try GaussianEM().fit(table.matrix)
        let adjustment = ImputedValueAdjustment(table.matrix, roundIntegers: roundIntegers, clampToObservedRange: clamp)
        return (try ModelFile(table: table, result: result, adjustment: adjustment).json(), table, result)
    }

    /// The model JSON as a dictionary, changed by `edit`, written to a file.
    static func edited(_ edit: (inout [String: Any]) -> Void) throws -> String {
        var object = try JSONSerialization.jsonObject(with: Data(try modelJSON().json.utf8)) as! [String: Any]
        edit(&object)
        return temporaryFile(bytes: Array(try JSONSerialization.data(withJSONObject: object)), suffix: ".json")
    }

    /// The `ModelFileError` that reading `path` throws, or nil.
    static func readError(_ path: String) -> ModelFileError? {
        do { _ = try ModelFile.read(path); return nil } catch let e as ModelFileError { return e } catch { return nil }
    }

    // Old code: "NSCocoaErrorDomain error 256".
    @Test func aFolderIsNamedAsSuch() throws {
        let path = try Self.folder()
        let error = Self.readError(path)
        #expect(error == .isFolder(path: path))
        #expect(error?.description.contains("is a folder, not a model file") == true)
    }

    // Old code: Data(contentsOf:) refused the FIFO ("You don't have permission").
    @Test func aFIFOWrittenByABackgroundWriterIsRead() throws {
        let fifo = try Self.folder() + "/model.fifo"
        try #require(mkfifo(fifo, 0o600) == 0, "mkfifo failed: \(String(cString: strerror(errno)))")
        let json = try Self.modelJSON(roundIntegers: true).json
        let writer = Thread {
            let fd = open(fifo, O_WRONLY)
            guard fd >= 0 else { return }
            // In small pieces, so the reader sees several reads before the end of the stream.
            let bytes = Array(json.utf8)
            var offset = 0
            while offset < bytes.count {
                let n = bytes[offset...].prefix(100).withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
                if n <= 0 { break }
                offset += n
            }
            close(fd)
        }
        writer.start()
        let read = Result { try ModelFile.read(fifo) }
        // Should the read have failed before opening, release the writer blocked in open(2).
        if case .failure = read { let fd = open(fifo, O_RDONLY | O_NONBLOCK); if fd >= 0 { close(fd) } }
        let file = try read.get()
        #expect(file.formatVersion == ModelFile.currentFormatVersion)
        #expect(file.columns == ["x", "y", "z"])
        #expect(file.adjustment?.roundsIntegers == true)
        _ = try file.model(file: fifo)
    }

    // Old code: "DecodingError.keyNotFound … CodingKeys(stringValue: "mean", …)".
    @Test func aMissingKeyIsNamed() throws {
        let path = try Self.edited { $0["mean"] = nil }
        let error = Self.readError(path)
        #expect(error == .missingKey(path: path, key: "mean"))
        #expect(error?.description.contains("missing key 'mean'") == true)
        #expect(error?.description.contains("CodingKeys") == false)
        let nested = try Self.edited { object in
            var fingerprint = object["fingerprint"] as! [String: Any]
            fingerprint["rows"] = nil
            object["fingerprint"] = fingerprint
        }
        #expect(Self.readError(nested) == .missingKey(path: nested, key: "fingerprint.rows"))
    }

    // Old code: "DecodingError.typeMismatch: expected value of type Double. Path: scale[2] …",
    // and for a fraction where an integer belongs, "The given data was not valid JSON".
    @Test func aValueOfTheWrongTypeIsNamedWithWhatWasExpected() throws {
        let scale = try Self.edited { object in
            var scale = object["scale"] as! [Any]
            scale[2] = "wide"
            object["scale"] = scale
        }
        let error = Self.readError(scale)
        #expect(error == .wrongType(path: scale, key: "scale[2]", expected: "a number"))
        #expect(error?.description.contains("'scale[2]' must be a number") == true)

        let version = try Self.edited { $0["formatVersion"] = 1.5 }
        #expect(Self.readError(version) == .wrongType(path: version, key: "formatVersion", expected: "a whole number"))
        let counts = try Self.edited { object in
            var fingerprint = object["fingerprint"] as! [String: Any]
            fingerprint["observedCounts"] = [5, 5.5, 6]
            object["fingerprint"] = fingerprint
        }
        #expect(Self.readError(counts) == .wrongType(path: counts, key: "fingerprint.observedCounts[1]", expected: "a whole number"))
        let flag = try Self.edited { object in
            var adjustment = object["adjustment"] as! [String: Any]
            adjustment["clampToObservedRange"] = "yes"
            object["adjustment"] = adjustment
        }
        #expect(Self.readError(flag) == .wrongType(path: flag, key: "adjustment.clampToObservedRange", expected: "true or false"))
        let matrix = try Self.edited { object in
            var s = object["standardizedCovariance"] as! [Any]
            s[1] = 3
            object["standardizedCovariance"] = s
        }
        #expect(Self.readError(matrix) == .wrongType(path: matrix, key: "standardizedCovariance[1]", expected: "an array"))
    }

    // Old code: a missing `covariance` was fatal although apply never reads it.
    @Test func theInformationalKeysMayBeMissing() throws {
        let (json, _, result) = try Self.modelJSON()
        let path = try Self.edited { object in
            for key in ["covariance", "emimputeVersion", "excludedColumns", "ridge", "fingerprint"] { object[key] = nil }
        }
        let file = try ModelFile.read(path)
        #expect(file.covariance == nil && file.fingerprint == nil)
        let model = try file.model(file: path)
        // The same model as the complete file gives.
        let complete = try ModelFile.read(temporaryFile(json, suffix: ".json")).model(file: "complete")
        #expect(model == complete)
        #expect(model == result.model)
    }

    @Test func somethingElseThanJSONIsRefusedAtItsFirstByte() throws {
        let csv = temporaryFile("x,y\n1,2\n")
        #expect(Self.readError(csv) == .notJSON(path: csv, detail: "it begins with 'x,y'"))
        let empty = temporaryFile("", suffix: ".json")
        #expect(Self.readError(empty) == .notJSON(path: empty, detail: "the file is empty"))
        let cut = temporaryFile(String(try Self.modelJSON().json.prefix(200)), suffix: ".json")
        #expect(Self.readError(cut) == .notJSON(path: cut, detail: "the JSON ends too early (the file is cut off)"))
        let broken = temporaryFile("{\n  \"formatVersion\" : 2,,\n}", suffix: ".json")
        #expect(Self.readError(broken) == .notJSON(path: broken, detail: "invalid JSON at line 2, column 23"))
        let missing = NSTemporaryDirectory() + "/emimpute-none-\(UUID().uuidString).json"
        #expect(Self.readError(missing) == .cannotOpen(path: missing, errno: ENOENT))
    }

    @Test func aNewerFormatIsReportedBeforeAnyMissingKey() throws {
        let path = temporaryFile("{\"formatVersion\": 4, \"means\": []}", suffix: ".json")
        let error = Self.readError(path)
        #expect(error == .unsupportedVersion(path: path, version: 4))
        #expect(error?.description.contains("reads versions 1, 2 and 3") == true)
    }

    // Fails on the old code: the model recorded nothing for the adjustments.
    @Test func theRecordedAdjustmentIsTheOneImputeUsed() throws {
        let (json, table, result) = try Self.modelJSON(roundIntegers: true, clamp: true)
        let path = temporaryFile(json, suffix: ".json")
        let file = try ModelFile.read(path)
        let direct = ImputedValueAdjustment(table.matrix, roundIntegers: true, clampToObservedRange: true)
        #expect(file.adjustment == direct)
        #expect(file.adjustment?.observed.map(\.isAllIntegers) == [true, false, true])
        #expect(file.adjustment?.observed.first == .init(minimum: 1, maximum: 6, isAllIntegers: true))
        // One rule: built from the recording or from the matrix, the written values agree.
        let recorded = try #require(try file.appliedAdjustment(file: path))
        for (k, cell) in result.imputedCells.enumerated() {
            let probe = cell.value + Double(k) / 3
            #expect(recorded.adjusted(probe, column: cell.column) == direct.adjusted(probe, column: cell.column))
        }
        // Overrides: nothing chosen is no adjustment at all.
        #expect(try file.appliedAdjustment(roundIntegers: false, clampToObservedRange: false, file: path) == nil)
        #expect(try file.appliedAdjustment(roundIntegers: false, file: path)?.roundsIntegers == false)
    }

    @Test func aFormatOneFileHasNoAdjustmentToGive() throws {
        let path = try Self.edited { object in
            object["formatVersion"] = 1
            object["adjustment"] = nil
        }
        let file = try ModelFile.read(path)
        #expect(file.adjustment == nil)
        #expect(try file.appliedAdjustment(file: path) == nil)
        #expect(throws: ModelFileError.adjustmentNotRecorded(path: path, adjustment: .clampToObservedRange)) {
            try file.appliedAdjustment(clampToObservedRange: true, file: path)
        }
        // Format 2 always records it: its absence is damage.
        let damaged = try Self.edited { $0["adjustment"] = nil }
        #expect(Self.readError(damaged) == .missingKey(path: damaged, key: "adjustment"))
    }

    @Test func adjustmentDataThatDoNotFitTheColumnsAreRefused() throws {
        let path = try Self.edited { object in
            var adjustment = object["adjustment"] as! [String: Any]
            adjustment["observed"] = (adjustment["observed"] as! [Any]).dropLast() as [Any]
            object["adjustment"] = adjustment
        }
        #expect(throws: ModelFileError.self) { try ModelFile.read(path).model(file: path) }
    }

    // A sibling of item 12: an adjustment of another shape than the model throws instead of trapping.
    @Test func anAdjustmentOfAnotherShapeThrows() throws {
        let (_, table, result) = try Self.modelJSON()
        let narrow = try IncompleteMatrix(rows: [[1, nil], [2, 3]])
        let adjustment = ImputedValueAdjustment(narrow, roundIntegers: true, clampToObservedRange: false)
        let input = temporaryFile(Self.csv)
        let output = temporaryFile("")
        #expect(throws: ImputedValueAdjustment.ShapeError.columnCount(expected: 2, found: table.matrix.columnCount)) {
            try ModelApplier.apply(result.model, input: input, options: CSVReadOptions(), output: .file(output),
                                   adjustment: adjustment)
        }
    }
}
