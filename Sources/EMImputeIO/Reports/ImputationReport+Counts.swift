extension ImputationReport {
    /// How many input columns are of each kind, and how many modelled cells there are and are
    /// missing: the counts the summaries open with (the text one and the HTML page's).
    package var counts: (modelled: Int, text: Int, excluded: Int, modelledCells: Int, missingCells: Int) {
        let modelled = columnSummary.filter { $0.type == .numeric }
        return (modelled.count, columnSummary.filter { $0.type == .text }.count, columnSummary.filter { $0.type == .excluded }.count,
                modelled.reduce(0) { $0 + $1.observed + $1.missing }, modelled.reduce(0) { $0 + $1.missing })
    }
}
