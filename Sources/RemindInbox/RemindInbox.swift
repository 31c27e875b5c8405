// RemindInbox: what practice systems drop into the inbox, turned into appointments.
//
// What it does: one parser per input format behind the InputParser protocol (CSV with a
// configurable column mapping, JSON Lines, HL7 v2 SIU plain or MLLP-framed), each a pure
// function from a file's bytes to records and rejected rows. Lists of the other kinds
// (SourceKind: recalls, patients, broadcast recipients, private messages) are read by
// ListParser (CSV or JSON Lines, per-kind column aliases) into ListRecords. For HL7 it also builds the
// ACK of each message (HL7Acknowledgement, bytes for the daemon to write) and the net
// effect of a run of SIU events (SIUReconciliation: the last event per appointment
// wins). Text decoding (UTF-8 with or without BOM, UTF-16 with BOM, CP1252, Latin-1),
// the CSV dialect (delimiter sniffing, quotes, CRLF, physical line numbers), HL7's
// encoding characters and escapes, strict date patterns and local times resolved in the
// practice's time zone (tzdata; a time skipped by a DST change is a rejection) live here.
//
// What it does not touch: the file system, the clock, the spool, the journal. Claiming
// files and watching the inbox (FileSystemKit's DirectoryWatcher) belong to the daemon.
//
// How it fails: a bad row is a RowRejection with its line and a reason that names the
// column, never its value (no phone numbers or names in the journal); a file that cannot
// be read at all throws InputError (file, line, reason). No input traps: parsers have no
// preconditions on bytes, and each has a libFuzzer target (Fuzz/run.sh).
