// RemindDaemon: the composition root. Configuration in, running services out.
//
// `Daemon.run` loads the configuration, bootstraps logging, recovers the spool,
// ingests whatever waits in the inbox, sends READY=1, and then runs these services
// in one ServiceGroup until SIGTERM:
//
//   InboxService     inotify on the inbox → claim → parse → render → group commit
//   ReleaseService   sleeps until the next slot (timerfd), releases, records results
//   ControlService   the remindctl socket
//   WatchdogService  WATCHDOG=1 while the engine and both loops are healthy
//   ReloadService    SIGHUP → RELOADING=1, new config and templates or the old kept
//
// The `Engine` actor owns the mutable state (scheduler, settings, counters) and is
// the only caller of the spool, which it runs on a dedicated I/O thread. Every
// event is logged once, here, with its MESSAGE_ID; phone numbers are masked and
// message text never logged. A failure to start (bad config, unwritable spool)
// ends the process with a non-zero exit code and the reason in the journal.
