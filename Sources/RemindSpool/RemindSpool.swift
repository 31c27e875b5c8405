// RemindSpool: where patients' messages live between an export and a gateway.
//
// Layout (each message state a directory, each transition a rename, as Postfix does):
//
//   inbox/      practice systems drop files here (watched, never written by remindd)
//   incoming/   inputs claimed by an atomic rename out of inbox/, being ingested
//   archive/    inputs fully ingested (kept for the retention period)
//   rejected/   inputs that could not be read at all, with a `.reason` file beside each
//   tmp/        message files under construction; emptied at start-up
//   queue/ held/ active/ deferred/ sent/ delivered/ failed/ expired/ cancelled/ uncertain/
//               one file per message, named by its MessageID, in the directory of its state
//   state/      small state files: the time of the last release, and `index`, the
//               index checkpoint (a cache of every message's SpoolEntry; see SpoolCheckpoint)
//
// A message file is written whole into tmp/, made durable, then renamed into its
// state directory, so a state directory never holds a partial file. A batch (one
// input file) is made durable with one syncfs, not one fsync per message, and only
// then is its input archived; a crash in between leaves the input in incoming/, and
// recovery ingests it again idempotently (keys already present are skipped).
// syncfs is trusted to cover file data and directory entries (ext4, xfs; see
// docs/architecture.md). Start-up reads the checkpoint and lists every state
// directory; only files the checkpoint does not know in their directory are opened.
// Debug builds can abort at named steps (CrashPoint) for the crash tests.
//
// This module does not parse inputs, render text or decide when to send; it stores,
// moves and recovers. Every failure is a thrown `SpoolError` (with the file-system
// cause, so ENOSPC and EIO are recognisable); nothing is logged here.
