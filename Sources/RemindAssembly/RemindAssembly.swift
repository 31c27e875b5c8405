// RemindAssembly: the composition root of what remindd makes from its configuration.
//
// What it does: maps a validated `Configuration` (RemindConfig) onto each room's values
// (parsers, text settings, date formats, the delivery calendar, the phone normaliser), loads
// the templates, gives the one verdict on a configuration (`Assembly.build`: every problem
// found, one line each), and builds the pipeline of every input source, which turns a file's
// bytes into the spool's candidate messages. The daemon (at start and reload), `remindctl
// check-config` and `remindctl preview` all go through `Assembly`, so they cannot disagree
// about a configuration or about what a file would queue.
//
// What it does not touch: no spool is opened, nothing is written, no provider is made
// (RemindDelivery is not a dependency: remindctl links this and no delivery code), nothing
// is logged. The only I/O is reading the templates directory and, in the verdict, whether a
// configured command exists.
//
// How it fails: `AssemblyError`, whose lines each name the file (and key, where there is
// one) and the reason, as `check-config` prints them and the daemon logs them.
