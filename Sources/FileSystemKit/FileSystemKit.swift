// FileSystemKit: the few file-system operations remindd's durability rests on,
// as thin typed wrappers over Linux system calls.
//
// - `FileOperations`: create-exclusive writes, fsync of files and directories,
//   syncfs, rename (optionally refusing to replace), directory listing, reads.
// - `DirectoryWatcher`: inotify as an AsyncSequence.
// - `BlockingIO`: runs blocking calls on a dedicated thread, off Swift's
//   cooperative pool; `QueueExecutor`: such a thread as an actor's executor.
// - `PieceReader`: a file read from start to end in bounded pieces.
//
// It knows nothing about messages or spools. Every failure is a
// `FileSystemError` carrying the operation, the path and the errno; EINTR is
// retried, nothing is logged here.
