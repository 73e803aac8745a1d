// Issue 11, items 12, 13, 14, 23 and 28 (library side): data, options and models that
// cannot be used throw typed errors instead of stopping the host process, every model is
// validated, and completion matches columns by name. Each test says how the code before the
// change failed it (most did not compile against it: the initialisers did not throw).

import Foundation
import Testing

@testable import EMImputeCore

@Suite("Typed errors instead of traps")
struct TypedErrorTests {
    /// Five rows of two columns with two missing cells: enough to fit.
    static let small: [[Double?]] = [[1, 2], [2, nil], [3, 7], [nil, 4], [4, 5]]

    // MARK: Item 12: data and options

    @Test("an infinite value throws DataError.infiniteValue with its row and column")
    func infiniteValueThrows() throws {
        // Before: a precondition failure (exit 132) in the host process.
        #expect(throws: DataError.infiniteValue(row: 1, column: 0)) {
            try IncompleteMatrix(rows: [[1, 2], [Double.infinity, 3]])
        }
        #expect(throws: DataError.infiniteValue(row: 0, column: 1)) {
            try IncompleteMatrix(rowCount: 2, columnCount: 2, values: [1, -Double.infinity, 3, 4])
        }
        // NaN is a missing cell, not an error.
        #expect(try IncompleteMatrix(rowCount: 1, columnCount: 2, values: [.nan, 1]).missingCount == 1)
        #expect(DataError.infiniteValue(row: 1, column: 0).localizedDescription.contains("row 1, column 0 is infinite"))
    }

    @Test("rows of different lengths and counts that do not match throw DataError")
    func raggedRowsThrow() {
        // Before: precondition failures ("rows differ in length", "values do not match the
        // dimensions", "one name per column"), an overflow trap for n·p beyond Int, and a
        // matrix with −1 rows or two columns named alike accepted.
        #expect(throws: DataError.rowLengthMismatch(row: 2, count: 1, expected: 2)) {
            try IncompleteMatrix(rows: [[1, 2], [3, 4], [5]])
        }
        #expect(throws: DataError.rowLengthMismatch(row: 0, count: 2, expected: 3)) {
            try IncompleteMatrix(rows: [[1, 2]], columnNames: ["a", "b", "c"])
        }
        #expect(throws: DataError.valueCountMismatch(count: 5, rowCount: 2, columnCount: 3)) {
            try IncompleteMatrix(rowCount: 2, columnCount: 3, values: [1, 2, 3, 4, 5])
        }
        #expect(throws: DataError.valueCountMismatch(count: 0, rowCount: Int.max, columnCount: 2)) {
            try IncompleteMatrix(rowCount: Int.max, columnCount: 2, values: [])
        }
        #expect(throws: DataError.negativeDimension(rowCount: -1, columnCount: 0)) {
            try IncompleteMatrix(rowCount: -1, columnCount: 0, values: [])
        }
        #expect(throws: DataError.columnNameCountMismatch(names: 1, columns: 2)) {
            try IncompleteMatrix(rowCount: 1, columnCount: 2, values: [1, 2], columnNames: ["a"])
        }
        #expect(throws: DataError.duplicateColumnName("a")) {
            try IncompleteMatrix(rows: [[1, 2, 3]], columnNames: ["a", "b", "a"])
        }
        #expect(throws: DataError.rowLengthMismatch(row: 1, count: 3, expected: 2)) {
            try Matrix(rows: [[1, 2], [3, 4, 5]])
        }
        #expect(throws: DataError.valueCountMismatch(count: 1, rowCount: 2, columnCount: 2)) {
            try Matrix(rowCount: 2, columnCount: 2, storage: [1])
        }
    }

    @Test("an invalid option throws EMOptionsError naming the field and the requirement")
    func invalidOptionsNameTheField() throws {
        // Before: negative tolerance, maxIterations, ridge or starts stopped the process with
        // "invalid EMOptions" (no field named); an infinite or NaN tolerance or ridge,
        // maxIterations 0 and threads ≤ 0 were not errors at all.
        let data = try IncompleteMatrix(rows: Self.small)
        let cases: [(field: String, change: (inout EMOptions) -> Void)] = [
            ("tolerance", { $0.tolerance = -1 }),
            ("tolerance", { $0.tolerance = .infinity }),
            ("tolerance", { $0.tolerance = .nan }),
            ("maxIterations", { $0.maxIterations = 0 }),
            ("maxIterations", { $0.maxIterations = -5 }),
            ("ridge", { $0.ridge = -1 }),
            ("ridge", { $0.ridge = .infinity }),
            ("ridge", { $0.ridge = .nan }),
            ("starts", { $0.starts = -1 }),
            ("threads", { $0.threads = 0 }),
            ("threads", { $0.threads = -1 }),
        ]
        for (field, change) in cases {
            var options = EMOptions()
            change(&options)
            let error = try #require(throws: EMOptionsError.self) { try GaussianEM(options: options).fit(data) }
            #expect(error.field == field)
            #expect(error.description.hasPrefix("\(field) is "), "\(error)")
            #expect(error.description.hasSuffix("it must be \(error.requirement)"), "\(error)")
            #expect(!error.description.contains("--"), "library wording, no command-line flags: \(error)")
        }
        var negative = EMOptions()
        negative.ridge = -1
        #expect(throws: EMOptionsError.invalidRidge(-1)) { try negative.validate() }
        #expect(EMOptionsError.invalidRidge(-1).description == "ridge is -1.0: it must be a finite number between 0 and 1e+12")
    }

    @Test("unreasonable starts, ridge, iterations and threads are rejected; the bounds themselves are accepted")
    func unreasonableStartsAreRejected() throws {
        // Before: starts = Int.max ran without end (memory growing), ridge = 1e308 made the
        // objective −∞ and ran to the iteration cap; neither was an error.
        let cases: [((inout EMOptions) -> Void, EMOptionsError)] = [
            ({ $0.starts = .max }, .invalidStarts(.max)),
            ({ $0.starts = EMOptions.maximumStarts + 1 }, .invalidStarts(EMOptions.maximumStarts + 1)),
            ({ $0.ridge = 1e308 }, .invalidRidge(1e308)),
            ({ $0.ridge = EMOptions.maximumRidge.nextUp }, .invalidRidge(EMOptions.maximumRidge.nextUp)),
            ({ $0.maxIterations = .max }, .invalidMaxIterations(.max)),
            ({ $0.maxIterations = EMOptions.maximumIterationCap + 1 }, .invalidMaxIterations(EMOptions.maximumIterationCap + 1)),
            ({ $0.threads = 1_000_000 }, .invalidThreads(1_000_000)),
            ({ $0.threads = EMOptions.maximumThreads + 1 }, .invalidThreads(EMOptions.maximumThreads + 1)),
        ]
        let data = try IncompleteMatrix(rows: Self.small)
        for (change, expected) in cases {
            var options = EMOptions()
            change(&options)
            #expect(throws: expected) { try GaussianEM(options: options).fit(data) }
        }
        var largest = EMOptions()
        largest.starts = EMOptions.maximumStarts
        largest.maxIterations = EMOptions.maximumIterationCap
        largest.threads = EMOptions.maximumThreads
        largest.ridge = EMOptions.maximumRidge
        #expect(throws: Never.self) { try largest.validate() }
        // At the largest ridge the fit still converges with a finite objective, to Σ close to
        // the prior's diag(s²): the documented reason for the bound.
        var strongest = EMOptions()
        strongest.ridge = EMOptions.maximumRidge
        let fit = try GaussianEM(options: strongest).fit(data)
        #expect(fit.hasConverged && fit.objective.isFinite && fit.logLikelihood.isFinite)
        let sd = fit.model.standardDeviations
        #expect(abs(fit.covariance[0, 1]) < 1e-9 * sd[0] * sd[1])
        #expect(relativeDifference(sd[0], fit.model.scale[0]) < 1e-9)
    }

    @Test("completing a matrix of another shape, or other cells, throws")
    func completedOnAnotherShapeThrows() throws {
        let rows = gaussianSample(n: 40, p: 3, seed: 11).enumerated().map { i, row in
            row.enumerated().map { j, v in (i + j) % 5 == 0 ? Double.nan : v }
        }
        let names = ["a", "b", "c"]
        let fit = try GaussianEM().fit(incomplete(rows, names: names))

        // Before: precondition failures ("not the matrix this result was fitted on").
        #expect(throws: DataError.shapeMismatch(rowCount: 39, columnCount: 3, expectedRowCount: 40, expectedColumnCount: 3)) {
            try fit.completed(incomplete(Array(rows.dropLast()), names: names))
        }
        #expect(throws: DataError.shapeMismatch(rowCount: 40, columnCount: 2, expectedRowCount: 40, expectedColumnCount: 3)) {
            try fit.completed(incomplete(rows.map { Array($0.prefix(2)) }))
        }
        // The same number of missing cells in other places. Before: filled silently with
        // the imputations of other cells.
        var moved = rows
        let i = try #require(rows.indices.first { rows[$0][1].isNaN })
        let k = try #require(rows.indices.first { !rows[$0].contains(where: \.isNaN) })
        moved[i][1] = 0
        moved[k][1] = .nan
        #expect(throws: DataError.notTheFittedData) { try fit.completed(incomplete(moved, names: names)) }
        // The same cells under other names.
        #expect(throws: DataError.notTheFittedData) { try fit.completed(incomplete(rows, names: ["a", "b", "d"])) }
        // The fitted matrix, built again, completes.
        let completed = try fit.completed(incomplete(rows, names: names))
        #expect(completed.storage.allSatisfy { $0.isFinite })

        // The model completes other rows, but not another number of columns. Before: a
        // precondition failure.
        #expect(throws: DataError.columnCountMismatch(count: 2, expected: 3)) {
            try fit.model.completed(IncompleteMatrix(rows: [[1, nil]]))
        }
    }

    // MARK: Item 13: every model is valid

    @Test("a model whose covariance is not positive definite, or whose parts disagree, is rejected")
    func nonPositiveDefiniteModelIsRejected() throws {
        // Before: the first was accepted and imputed NaN without an error; a zero variance
        // stopped the process (a precondition on the scales); the others were accepted.
        let names = ["x", "y"]
        func model(_ covariance: [[Double]], mean: [Double] = [0, 0], names: [String] = names) throws -> GaussianModel {
            try GaussianModel(columnNames: names, mean: mean, covariance: Matrix(rows: covariance))
        }
        #expect(throws: GaussianModelError.notPositiveDefinite(column: "y")) { try model([[1, 2], [2, 1]]) }
        #expect(throws: GaussianModelError.notPositiveDefinite(column: "y")) { try model([[1, 1], [1, 1]]) }
        #expect(throws: GaussianModelError.notPositiveDefinite(column: "y")) { try model([[1, 0], [0, 0]]) }
        #expect(throws: GaussianModelError.asymmetricCovariance(row: "y", column: "x")) { try model([[1, 0.5], [0.4, 1]]) }
        #expect(throws: GaussianModelError.nonFiniteCovariance(row: "y", column: "x")) { try model([[1, .infinity], [.infinity, 1]]) }
        #expect(throws: GaussianModelError.nonFiniteMean(column: "x")) { try model([[1, 0], [0, 1]], mean: [.nan, 0]) }
        #expect(throws: GaussianModelError.duplicateColumnName("x")) { try model([[1, 0], [0, 1]], names: ["x", "x"]) }
        #expect(throws: GaussianModelError.dimensionMismatch(columns: 2, means: 1, scales: 2, covarianceRows: 2, covarianceColumns: 2)) {
            try model([[1, 0], [0, 1]], mean: [0])
        }
        #expect(throws: GaussianModelError.noColumns) { try model([], mean: [], names: []) }
        let identity = Matrix.identity(2)
        #expect(throws: GaussianModelError.invalidScale(column: "y", value: 0)) {
            try GaussianModel(columnNames: names, mean: [0, 0], scale: [1, 0], standardizedCovariance: identity)
        }
        #expect(throws: GaussianModelError.invalidScale(column: "x", value: -.infinity)) {
            try GaussianModel(columnNames: names, mean: [0, 0], scale: [-.infinity, 1], standardizedCovariance: identity)
        }
        #expect(throws: GaussianModelError.dimensionMismatch(columns: 2, means: 2, scales: 2, covarianceRows: 3, covarianceColumns: 3)) {
            try GaussianModel(columnNames: names, mean: [0, 0], scale: [1, 1], standardizedCovariance: .identity(3))
        }
        // A valid model from Σ: S is exactly symmetric and Σ comes back.
        let valid = try model([[4, 1.2], [1.2, 9]], mean: [1, 2])
        #expect(valid.scale == [2, 3])
        #expect(valid.standardizedCovariance[0, 1] == valid.standardizedCovariance[1, 0])
        #expect(abs(valid.covariance[0, 1] - 1.2) < 1e-15)
    }

    @Test("a decoded model and a decoded matrix are validated: DecodingError.dataCorrupted says why")
    func decodedModelIsValidated() throws {
        let model = try GaussianModel(columnNames: ["x", "y"], mean: [1, 2], covariance: Matrix(rows: [[4, 1], [1, 9]]))
        #expect(try JSONDecoder().decode(GaussianModel.self, from: JSONEncoder().encode(model)) == model)

        func decodingProblem(_ json: String) -> (description: String, underlying: (any Error)?)? {
            do {
                _ = try JSONDecoder().decode(GaussianModel.self, from: Data(json.utf8))
                return nil
            } catch DecodingError.dataCorrupted(let context) {
                return (context.debugDescription, context.underlyingError)
            } catch {
                return ("another error: \(error)", nil)
            }
        }
        func json(names: String = #"["x","y"]"#, mean: String = "[1,2]", scale: String = "[2,3]",
                  rows: Int = 2, storage: String = "[1,0.25,0.25,1]") -> String {
            #"{"columnNames":\#(names),"mean":\#(mean),"scale":\#(scale),"standardizedCovariance":{"rowCount":\#(rows),"columnCount":2,"storage":\#(storage)}}"#
        }
        #expect(decodingProblem(json()) == nil)
        // Before: each of these decoded into a model that imputed NaN, or trapped on an index
        // out of range when used.
        let notDefinite = try #require(decodingProblem(json(storage: "[1,2,2,1]")))
        #expect(notDefinite.description.hasPrefix("not a valid GaussianModel: the covariance matrix is not positive definite"))
        #expect(notDefinite.underlying as? GaussianModelError == .notPositiveDefinite(column: "y"))
        let shortStorage = try #require(decodingProblem(json(storage: "[1,0,0]")))
        #expect(shortStorage.description.hasPrefix("not a valid matrix: 3 value(s) do not fill"))
        #expect(shortStorage.underlying as? DataError == .valueCountMismatch(count: 3, rowCount: 2, columnCount: 2))
        let negativeScale = try #require(decodingProblem(json(scale: "[2,-3]")))
        #expect(negativeScale.underlying as? GaussianModelError == .invalidScale(column: "y", value: -3))
        let oneMean = try #require(decodingProblem(json(mean: "[1]")))
        #expect(oneMean.underlying as? GaussianModelError == .dimensionMismatch(columns: 2, means: 1, scales: 2, covarianceRows: 2, covarianceColumns: 2))
        let repeated = try #require(decodingProblem(json(names: #"["x","x"]"#)))
        #expect(repeated.underlying as? GaussianModelError == .duplicateColumnName("x"))
    }

    @Test("conditioning that fails throws illConditioned; nothing is read from unwritten memory")
    func conditionalDeviationsNeverReadGarbage() throws {
        // x and y with correlation 0.99999999995, z independent: S passes the positive-
        // definiteness check, but K = S⁻¹ does not factorise numerically on {x, y}, the
        // missing cells of a row that observes only z. Before: `prepare` ignored the failed
        // solve, so the standard deviations were read from memory no solve had written
        // (3.4e-157 and 2.6e-155 here), or after another row from that row's pattern.
        let r = 0.99999999995
        let model = try GaussianModel(columnNames: ["x", "y", "z"], mean: [10, 20, 30], scale: [1, 1, 2],
                                      standardizedCovariance: Matrix(rows: [[1, r, 0], [r, 1, 0], [0, 0, 1]]))
        let failure = GaussianModelError.illConditioned(missingColumns: ["x", "y"])
        #expect(throws: failure) { try model.conditionalStandardDeviations(row: [.nan, .nan, 31]) }
        var row = [Double.nan, .nan, 31]
        #expect(throws: failure) { try model.impute(row: &row) }
        #expect(row[0].isNaN && row[1].isNaN && row[2] == 31, "the row is left as it was")
        #expect(throws: failure) { try model.completed(IncompleteMatrix(rows: [[nil, nil, 31]], columnNames: ["x", "y", "z"])) }

        // A row with nothing observed needs no solve: its distribution is the marginal one.
        var empty = [Double.nan, .nan, .nan]
        try model.impute(row: &empty)
        #expect(empty == [10, 20, 30])
        #expect(try model.conditionalStandardDeviations(row: [.nan, .nan, .nan]) == [1, 1, 2])

        // One imputer: a pattern it can condition works before and after the failure,
        // E[x | y = 21] = 10 + r and sd = √(1 − r²).
        let imputer = ConditionalImputer(model)
        var before = [Double.nan, 21, .nan]
        try imputer.impute(row: &before)
        #expect(throws: failure) { try imputer.conditionalStandardDeviations(row: [.nan, .nan, 31]) }
        var after = [Double.nan, 21, .nan]
        try imputer.impute(row: &after)
        #expect(after == before)
        #expect(abs(after[0] - (10 + r)) < 1e-6 && after[2] == 30)
        let sd = try imputer.conditionalStandardDeviations(row: [.nan, 21, 31])
        #expect(relativeDifference(sd[0], (1 - r * r).squareRoot()) < 1e-4, "\(sd[0])")
        #expect(sd[1] == 0 && sd[2] == 0)
    }

    @Test("a failed solve leaves the solver holding no pattern")
    func failedSolveForgetsItsPattern() {
        // Before: `solve` recorded the pattern before factorising, so after a failure the
        // deviations were computed from a conditional covariance no solve had written.
        var solver = ConditionalSolver(columnCount: 2)
        let missing = [0, 1]
        let positiveDefinite: [Double] = [2, 0, 0, 2]
        let indefinite: [Double] = [1, 2, 2, 1]
        var out: [Double] = [-7, -7]
        let z: [Double] = [0, 0]
        var work: [Double] = [0, 0]
        missing.withUnsafeBufferPointer { m in
            positiveDefinite.withUnsafeBufferPointer { k in
                let solved = solver.solve(precision: k.baseAddress!, missing: m)
                let isSolved = solver.isSolved
                let c = solver.conditionalCovariance
                #expect(solved && isSolved)
                #expect(abs(c[0] - 0.5) < 1e-15 && c[1] == 0 && abs(c[3] - 0.5) < 1e-15)
            }
            indefinite.withUnsafeBufferPointer { k in
                let solved = solver.solve(precision: k.baseAddress!, missing: m)
                let isSolved = solver.isSolved
                #expect(!solved && !isSolved)
                out.withUnsafeMutableBufferPointer { o in
                    work.withUnsafeMutableBufferPointer { w in
                        solver.conditionalDeviations(z, into: o.baseAddress!, work: w.baseAddress!)
                    }
                }
            }
        }
        #expect(out == [-7, -7], "nothing written after a failed solve")
    }

    @Test("a row to impute is checked: its length and its values")
    func imputeRowChecksItsInput() throws {
        // Before: a wrong length stopped the process (precondition); an infinite cell gave NaN.
        let model = try GaussianModel(columnNames: ["x", "y", "z"], mean: [0, 0, 0], covariance: .identity(3))
        var short = [1.0, .nan]
        #expect(throws: DataError.columnCountMismatch(count: 2, expected: 3)) { try model.impute(row: &short) }
        var infinite = [Double.infinity, .nan, 1]
        #expect(throws: DataError.infiniteValue(row: 0, column: 0)) { try model.impute(row: &infinite) }
        #expect(throws: DataError.infiniteValue(row: 0, column: 0)) { try model.conditionalStandardDeviations(row: infinite) }
        #expect(throws: DataError.columnCountMismatch(count: 4, expected: 3)) {
            try ConditionalImputer(model).conditionalStandardDeviations(row: [1, 2, 3, .nan])
        }
    }

    // MARK: Item 14: completion by column name

    @Test("completion matches columns by name; default names by position; other names throw")
    func completionMatchesColumnsByName() throws {
        var g = TestRandom(seed: 14)
        let sigma = [[4.0, 6.0, 1.0], [6.0, 25.0, 3.0], [1.0, 3.0, 9.0]]
        let sample = sampleMultivariateNormal(n: 80, mean: [10, 50, 40], covariance: sigma, using: &g)
        let masked = sample.enumerated().map { i, row in row.enumerated().map { j, v in (i + 2 * j) % 9 == 0 ? Double.nan : v } }
        let names = ["tenure", "revenue", "age"]
        let model = try GaussianEM().fit(incomplete(masked, names: names)).model
        let batch: [[Double]] = [[.nan, 60, 35], [12, .nan, 50], [.nan, .nan, 30], [8, 45, .nan]]

        // Independently: the conditional means under the model's μ and Σ, in the model's order.
        let expected = batch.map { naiveConditionalMean($0, mean: model.mean, covariance: nested(model.covariance)) }
        // The same batch with its columns in another order: revenue, age, tenure. Before: the
        // columns were taken by position, so revenue was imputed into 'tenure'.
        let order = [1, 2, 0]
        let permuted = batch.map { row in order.map { row[$0] } }
        let byName = try model.completed(incomplete(permuted, names: order.map { names[$0] }))
        for i in batch.indices {
            for (k, j) in order.enumerated() {
                #expect(abs(byName[i, k] - expected[i][j]) < 1e-9 * model.standardDeviations[j], "row \(i), \(names[j])")
            }
        }
        // In the model's own order, and with default names (matched by position), the same values.
        let inOrder = try model.completed(incomplete(batch, names: names))
        let positional = try model.completed(incomplete(batch))
        #expect(positional == inOrder)
        for i in batch.indices { for (k, j) in order.enumerated() { #expect(byName[i, k] == inOrder[i, j]) } }

        // Names that differ: a column missing, an unknown one, an extra one.
        #expect(throws: DataError.columnsDiffer(missing: ["age"], unexpected: ["AGE"])) {
            try model.completed(incomplete(batch, names: ["tenure", "revenue", "AGE"]))
        }
        #expect(throws: DataError.columnsDiffer(missing: [], unexpected: ["region"])) {
            try model.completed(incomplete(batch.map { $0 + [1] }, names: names + ["region"]))
        }
        #expect(throws: DataError.columnsDiffer(missing: ["age"], unexpected: [])) {
            try model.completed(incomplete(batch.map { Array($0.prefix(2)) }, names: ["tenure", "revenue"]))
        }
        #expect(DataError.columnsDiffer(missing: ["age"], unexpected: ["AGE"]).description
                == "columns are matched by name, and the data lack the model's column(s) 'age' and have column(s) 'AGE' that the model does not know")
    }

    // MARK: Item 28: the order of the fit's checks

    @Test("one usable row is tooFewRows, not a constant column, with or without a ridge")
    func oneRowIsTooFewRows() throws {
        // Before: "column 'x' is constant" (each column of a single row has one value).
        let one = try IncompleteMatrix(rows: [[1, 2]], columnNames: ["x", "y"])
        #expect(throws: EMError.tooFewRows(rows: 1, columns: 2)) { try GaussianEM().fit(one) }
        var ridge = EMOptions()
        ridge.ridge = 1
        #expect(throws: EMError.tooFewRows(rows: 1, columns: 2)) { try GaussianEM(options: ridge).fit(one) }
        #expect(throws: EMError.tooFewRows(rows: 1, columns: 1)) { try GaussianEM(options: ridge).fit(IncompleteMatrix(rows: [[5]])) }
        // Rows with nothing observed do not count.
        #expect(throws: EMError.tooFewRows(rows: 1, columns: 2)) {
            try GaussianEM(options: ridge).fit(IncompleteMatrix(rows: [[1, 2], [nil, nil], [nil, nil]]))
        }
        // A column with nothing observed is still named first; a constant column among
        // enough rows is still a constant column.
        #expect(throws: EMError.columnEntirelyMissing(column: "y")) {
            try GaussianEM().fit(IncompleteMatrix(rows: [[1, nil]], columnNames: ["x", "y"]))
        }
        #expect(throws: EMError.constantColumn(column: "b")) {
            try GaussianEM().fit(IncompleteMatrix(rows: [[1, 5], [2, 5], [nil, 5]], columnNames: ["a", "b"]))
        }
    }

    // MARK: Siblings

    @Test("two matrices with the same missing cells are equal")
    func equalityTreatsMissingCellsAlike() throws {
        // Before: NaN ≠ NaN made any two matrices with a missing cell unequal, even a matrix and itself.
        let a = try IncompleteMatrix(rows: Self.small)
        #expect(a == a)
        #expect(a == (try IncompleteMatrix(rows: Self.small)))
        #expect(a != (try IncompleteMatrix(rows: [[1, 2], [2, 3], [3, 7], [nil, 4], [4, 5]])))
        #expect(a != (try IncompleteMatrix(rows: Self.small, columnNames: ["x", "y"])))
    }
}
