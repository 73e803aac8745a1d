import Foundation

/// A finished child process: exit status, wall time, peak resident set and CPU time.
struct ChildRun {
    let status: Int32
    let wallSeconds: Double
    /// ru_maxrss of this child alone (wait4), in bytes.
    let peakRSSBytes: Int
    let cpuSeconds: Double
}

/// Runs `arguments[0]` with `arguments`, standard output to `stdoutPath` and standard error to
/// `stderrPath` (nil: inherited), and waits for it with wait4 to read its own resource usage.
/// (Never /dev/null: run as root, a tool that replaced its output would replace the device.)
func runChild(_ arguments: [String], stdoutPath: String? = nil, stderrPath: String?) -> ChildRun? {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    if let stdoutPath { posix_spawn_file_actions_addopen(&actions, 1, stdoutPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644) }
    if let stderrPath { posix_spawn_file_actions_addopen(&actions, 2, stderrPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644) }
    var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) }
    argv.append(nil)
    defer { for a in argv { free(a) } }
    var pid: pid_t = 0
    let clock = ContinuousClock()
    let start = clock.now
    let spawned = posix_spawn(&pid, arguments[0], &actions, nil, argv, environ)
    guard spawned == 0 else {
        note("cannot start \(arguments[0]): \(String(cString: strerror(spawned)))")
        return nil
    }
    var status: Int32 = 0
    var usage = rusage()
    while wait4(pid, &status, 0, &usage) < 0 {
        if errno != EINTR { return nil }
    }
    let wall = seconds(clock.now - start)
    let cpu = Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) * 1e-6
        + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) * 1e-6
    // WIFEXITED / WEXITSTATUS by hand (the macros are not imported).
    let exitCode: Int32 = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    return ChildRun(status: exitCode, wallSeconds: wall, peakRSSBytes: Int(usage.ru_maxrss) * 1024, cpuSeconds: cpu)
}

/// Runs `arguments` through a freshly started copy of this tool (`--measure-child`), which
/// starts the command itself and reports the command's own wait4 figures.
///
/// Why the detour: on Linux a process's peak RSS (ru_maxrss) starts, at exec, from the peak of
/// the memory image it replaced, and posix_spawn execs from the parent's image (vfork). A
/// child started directly by this tool, which holds the benchmark data, would report this
/// tool's peak. The helper's image is small (a few MB), so its child's figure is its own.
func runMeasured(_ arguments: [String], stderrPath: String, resultPath: String) -> ChildRun? {
    guard let me = CommandLine.arguments.first.map(resolveExecutable) else { return nil }
    // The command's standard output (the helper passes its own on) goes to a scratch file.
    let stdoutPath = resultPath + ".stdout"
    defer { unlink(stdoutPath) }
    guard let helper = runChild([me, "--measure-child", resultPath, "--"] + arguments, stdoutPath: stdoutPath, stderrPath: stderrPath),
          helper.status == 0,
          let text = try? String(contentsOfFile: resultPath, encoding: .utf8) else { return nil }
    let f = text.split(separator: " ").compactMap { Double($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    guard f.count == 4 else { return nil }
    return ChildRun(status: Int32(f[0]), wallSeconds: f[1], peakRSSBytes: Int(f[2]), cpuSeconds: f[3])
}

/// The helper side of `runMeasured`: runs the command, writes "status wall maxrss cpu".
func measureChildMain(resultPath: String, arguments: [String]) -> Never {
    guard !arguments.isEmpty, let run = runChild(arguments, stderrPath: nil) else { exit(3) }
    let line = "\(run.status) \(run.wallSeconds) \(run.peakRSSBytes) \(run.cpuSeconds)\n"
    guard (try? line.write(toFile: resultPath, atomically: true, encoding: .utf8)) != nil else { exit(3) }
    exit(0)
}

/// An absolute path for argv[0].
func resolveExecutable(_ name: String) -> String {
    if name.hasPrefix("/") { return name }
    if let link = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return link }
    return FileManager.default.currentDirectoryPath + "/" + name
}
