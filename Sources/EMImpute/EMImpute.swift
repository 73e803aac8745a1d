// The library analytics code imports: `import EMImpute` brings the EM engine
// (GaussianEM, GaussianModel, IncompleteMatrix, EMResult, …) and the CSV and report I/O.
@_exported import EMImputeCore
@_exported import EMImputeIO
