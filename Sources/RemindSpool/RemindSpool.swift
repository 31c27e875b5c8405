// RemindSpool: where patients' messages live between an export and a gateway.
//
// Layout (each message state a directory, as Postfix does):
//
//   inbox/      practice systems drop files here (watched, never written by remindd)
//   incoming/   inputs claimed by an atomic rename out of inbox/, being ingested
//   archive/    inputs fully ingested (kept for the retention period)
//   rejected/   inputs that could not be read at all, with a `.reason` file beside each
//   tmp/        files under construction; emptied at start-up
//   queued/     `<id>.batch`: the queued messages of one export in one file (BatchFile),
//               with `<id>.left`, the log of members that have left it; and `<id>`, a
//               message queued again on its own (resend, released from hold)
//   held/ active/ deferred/ sent/ delivered/ failed/ expired/ cancelled/ uncertain/
//               one file per message, named by its MessageID, in the directory of its state
//   state/      small state files: the time of the last release, `index`, the index
//               checkpoint (a cache of every message's entry; see SpoolCheckpoint), and
//               `references`, the gateway reference log (ReferenceIndex)
//   replies/    patients' replies through a gateway, one JSON line each (ReplyLog)
//
// Group commit: an export's messages are written as one batch file into tmp/, flushed
// (one fdatasync), renamed into queued/ and the directory flushed; only then is its
// input archived. A crash before that leaves the input in incoming/, and recovery
// ingests it again idempotently (keys already present are skipped). A message leaves
// its batch when it changes state: its own file (the batch record plus the new event)
// is written into tmp/, flushed, renamed into the new state's directory and the
// directory flushed, then its id is appended to the batch's `.left` log (fdatasync'd).
// A message found both in a batch and in its own file has left (the own file is the
// later state). Further transitions of an own file are renames, as in Postfix. The
// batch is deleted once every member has left.
//
// Start-up reads the checkpoint in chunks and lists every state directory; only files
// and batches the checkpoint does not know are read. The index is compact (about 82
// bytes per message; see SpoolIndex). Debug builds can abort at named steps
// (CrashPoint) for the crash tests.
//
// This module does not parse inputs, render text or decide when to send; it stores,
// moves and recovers. Every failure is a thrown `SpoolError` (with the file-system
// cause, so ENOSPC and EIO are recognisable); nothing is logged here.
