import EMImputeCore

/// One completed data set of multiple imputation, analysed as its rows are written
/// (`CompletedRowConsumer`): the moments its summary and regressions are computed from and,
/// for the HTML report, each column's drawn values (and, when asked, its observed ones) —
/// matched to columns by the typed cells, never by position.
final class ImputationAnalysis: CompletedRowConsumer {
    private(set) var moments: CompletedDataMoments
    private let keepsDrawnValues: Bool
    private let keepsObservedValues: Bool
    /// Per modelled column, the values drawn in it (when kept).
    private(set) var drawn: [[Double]]
    /// Per modelled column, its observed values (when kept).
    private(set) var observed: [[Double]]
    private var isDrawn: [Bool]

    /// An analysis of a data set with `columnCount` modelled columns.
    init(columnCount: Int, keepsDrawnValues: Bool, keepsObservedValues: Bool) {
        moments = CompletedDataMoments(columnCount: columnCount)
        self.keepsDrawnValues = keepsDrawnValues
        self.keepsObservedValues = keepsObservedValues
        drawn = [[Double]](repeating: [], count: keepsDrawnValues ? columnCount : 0)
        observed = [[Double]](repeating: [], count: keepsObservedValues ? columnCount : 0)
        isDrawn = [Bool](repeating: false, count: columnCount)
    }

    func consume(_ row: CompletedRow) {
        moments.add(row.values)
        guard keepsDrawnValues || keepsObservedValues else { return }
        for cell in row.imputed {
            isDrawn[cell.column] = true
            if keepsDrawnValues { drawn[cell.column].append(cell.value) }
        }
        for (j, v) in row.values.enumerated() {
            if isDrawn[j] { isDrawn[j] = false } else if keepsObservedValues { observed[j].append(v) }
        }
    }

    /// The completed data set's summary (means, standard deviations, correlations).
    var summary: CompletedDataSummary { CompletedDataSummary(moments) }
}

/// What the HTML report shows of multiple imputation's draws: per modelled column, its
/// observed values and, per imputation, the values drawn in it.
package struct DrawnValues: Sendable {
    /// The modelled columns.
    package var columnNames: [String]
    /// Per column, its observed values.
    package var observed: [[Double]]
    /// Per imputation, per column, the values drawn in it as written.
    package var drawn: [[[Double]]]
}
