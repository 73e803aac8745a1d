import Foundation
import SyntheticData

let usage = """
    USAGE: generate-data --rows n --columns p [--missing-rate r] [--mechanism mcar|mar]
                         [--correlation rho] [--seed s] [--mean-step m] [--mar-slope b]
                         [--patterns K] [--na TEXT] [--output FILE] [--quiet]

    Writes n rows of p columns (header x1..xp) drawn from a multivariate normal with
    Sigma_ij = rho^|i-j| (unit variances) and means mu_j = j*m (j from 0), then removes cells:
      mcar  every cell independently with probability r;
      mar   column x1 always observed; a cell of column j>1 is missing with probability
            logistic(a + b*z), z the row's x1 value (standard normal), a calibrated so that
            the expected share of missing cells in the whole table is r.
    --patterns K (MCAR only) draws K patterns first and gives every row one of them, so the
    table has at most K distinct missingness patterns whatever the rate.
    Missing cells are written as NA (or --na TEXT). Numbers have 10 significant digits.
    The same arguments give byte-identical output. Defaults: --missing-rate 0.1
    --mechanism mcar --correlation 0.5 --seed 1 --mean-step 1 --mar-slope 1.5 --output -
    (standard output). A summary goes to standard error unless --quiet.
    """

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("generate-data: \(message)\n".utf8))
    exit(2)
}

/// A whole number written as 1000000, 1_000_000 or 1e6.
func count(_ text: String) -> Int? {
    let t = text.replacingOccurrences(of: "_", with: "")
    if let i = Int(t) { return i }
    if let d = Double(t), d == d.rounded(), d >= 0, d < 1e15 { return Int(d) }
    return nil
}

/// `v`, or exit with `message`.
func require<T>(_ v: T?, _ message: String) -> T {
    guard let v else { fail(message) }
    return v
}

func parse(_ argv: [String]) -> (SyntheticSpec, output: String, quiet: Bool) {
    var rows: Int?
    var columns: Int?
    var spec = SyntheticSpec(rows: 0, columns: 0, missingRate: 0.1)
    var output = "-"
    var quiet = false
    var arguments = argv[...]
    func value(_ name: String) -> String {
        guard let v = arguments.popFirst() else { fail("\(name) needs a value") }
        return v
    }
    while let a = arguments.popFirst() {
        switch a {
        case "--rows", "-n": rows = require(count(value(a)), "--rows needs a whole number (1000000, 1_000_000 or 1e6)")
        case "--columns", "-p": columns = require(count(value(a)), "--columns needs a whole number")
        case "--missing-rate", "-r": spec.missingRate = require(Double(value(a)), "--missing-rate needs a number")
        case "--mechanism": spec.mechanism = require(MissingMechanism(rawValue: value(a).lowercased()), "--mechanism is mcar or mar")
        case "--correlation", "--rho": spec.correlation = require(Double(value(a)), "--correlation needs a number")
        case "--seed": spec.seed = require(UInt64(value(a)), "--seed needs a non-negative integer")
        case "--mean-step": spec.meanStep = require(Double(value(a)), "--mean-step needs a number")
        case "--mar-slope": spec.marSlope = require(Double(value(a)), "--mar-slope needs a number")
        case "--patterns": spec.patternPool = require(count(value(a)), "--patterns needs a whole number")
        case "--na": spec.missingToken = value(a)
        case "--output", "-o": output = value(a)
        case "--quiet", "-q": quiet = true
        case "--help", "-h": print(usage); exit(0)
        default: fail("unknown argument \(a)\n\n\(usage)")
        }
    }
    guard let rows, let columns else { fail("--rows and --columns are required\n\n\(usage)") }
    spec.rows = rows
    spec.columns = columns
    if let problem = spec.problem { fail(problem) }
    return (spec, output, quiet)
}

let (spec, output, quiet) = parse(Array(CommandLine.arguments.dropFirst()))
let clock = ContinuousClock()
let start = clock.now
do {
    let summary = try SyntheticData.write(spec, to: output)
    let d = clock.now - start
    let seconds = Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    if !quiet {
        let share = String(format: "%.4f", summary.missingShare)
        let mb = String(format: "%.1f", Double(summary.bytes) / 1e6)
        FileHandle.standardError.write(Data("generate-data: \(summary.rows) rows x \(summary.columns) columns, \(summary.missingCells) missing cells (\(share)), \(mb) MB in \(String(format: "%.2f", seconds)) s -> \(output)\n".utf8))
    }
} catch {
    fail("\(error)")
}
