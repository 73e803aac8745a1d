import Foundation

extension CSVInput {
    /// The input `name` (a path, or `-` for standard input) ready to be read twice: a regular
    /// file as it is; standard input, a pipe or another non-regular file copied first to a
    /// spool file in TMPDIR, which the caller removes with `removeSpool()`.
    ///
    /// - Throws: `CSVError` (`.cannotOpen`, or `.cannotSpool` when the copy cannot be made).
    static func opening(_ name: String) throws -> CSVInput {
        let display = name == "-" ? "<stdin>" : name
        let file = try InputFile(name, display: display)
        if name != "-", file.isRegular { return CSVInput(name: name, path: name, isSpooled: false) }

        var template = Array((CSVReader.spoolFolder + "/emimpute-input-XXXXXX").utf8CString)
        let spool = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard spool >= 0 else {
            throw CSVError(file: display, kind: .cannotSpool(folder: CSVReader.spoolFolder, reason: String(cString: strerror(errno))))
        }
        defer { close(spool) }
        let path = String(cString: template.withUnsafeBufferPointer { $0.baseAddress! })
        InterruptCleanup.register(path)
        let input = CSVInput(name: name, path: path, isSpooled: true)
        do {
            try copy(from: file.fd, to: spool, file: display)
        } catch {
            input.removeSpool()
            throw error
        }
        return input
    }

    private static func copy(from source: Int32, to spool: Int32, file: String) throws {
        let size = 1 << 20
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let got: Int
            do {
                got = try FileDescriptorIO.read(source, into: buffer, count: size)
            } catch {
                throw CSVError(file: file, kind: .cannotOpen(reason: error.reason))
            }
            if got == 0 { return }
            try CSVReader.spool(spool, buffer, got, file: file)
        }
    }
}
