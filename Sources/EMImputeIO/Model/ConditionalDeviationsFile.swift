/// The `row,column,imputed,conditional_sd` CSV (`impute --sd-output`, `apply --sd-output`):
/// one line per imputed cell, in row order, with the value as written and the cell's
/// conditional standard deviation given the row's observed cells.
public enum ConditionalDeviationsFile {
    /// The header line.
    public static let header = "row,column,imputed,conditional_sd\n"

}
