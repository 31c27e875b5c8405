// ProcessKit: running one external command the way a daemon should, with no shell.
//
// `ChildProcess` starts an absolute path with an exact argv, a minimal environment
// (nothing of the caller's unless named), working directory `/`, no descriptors but
// 0/1/2, in a process group of its own. It writes given bytes to the child's standard
// input, keeps the head of its standard output and the tail of its standard error
// (bounded, whatever the child prints), and ends it when a time limit passes: SIGTERM
// to the group, then SIGKILL after a grace period. It knows nothing of remindd and
// logs nothing. Failures: a command that cannot be started throws
// `ChildProcessError.notStarted`; one that was started and then could not be followed
// throws `.lost`. Everything else, any exit code or signal, is a `ChildProcess.Outcome`.
// The process-wide SIGPIPE disposition is set to ignore (a child that exits without
// reading its input must not kill the caller).
