// CSystemd: libsystemd's sd-daemon and sd-journal, for SystemdKit only.
#ifndef REMINDD_CSYSTEMD_SHIM_H
#define REMINDD_CSYSTEMD_SHIM_H
// Without this every journal entry would carry this header's file and line.
#define SD_JOURNAL_SUPPRESS_LOCATION 1
#include <systemd/sd-daemon.h>
#include <systemd/sd-journal.h>
#endif
