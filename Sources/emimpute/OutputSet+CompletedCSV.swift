import EMImpute

extension OutputSet.Request {
    /// The completed CSV of `impute` and `apply`: `--output`, or standard output without it;
    /// with `--in-place` it may replace the data input.
    static func completedCSV(output: String?, inPlace: Bool) -> Self {
        .init(label: output == nil ? "completed CSV (standard output without --output)" : "--output",
              path: output ?? "-", mayReplaceInput: inPlace)
    }
}
