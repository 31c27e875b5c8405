// RemindControl: the control protocol between remindd and remindctl.
//
// One request and one response per line of JSON over a Unix stream socket
// (`/run/remindd/control.sock` by default). Access is controlled by the socket's
// file permissions (0660, group remindd, in a 0750 runtime directory): whoever can
// open it may steer the queue. The types here are shared by the daemon's server and
// remindctl's client; neither side logs here. The queue commands (`queue`, `show`,
// `hold`, `release`, `cancel`, `retry`, `stats`) share their query (`QueueQuery`),
// their rules (`OperatorAction`) and their reports here, so remindctl applies the same
// selection when it reads the spool itself with the daemon down. Reports carry masked
// numbers and no text unless a request asks (`show --text --full`).
//
// A connection that sends a line that is not a request gets an error response; one
// that sends more than 64 KiB without a newline is closed. A request argument the
// daemon cannot read is answered with `bad-argument` (``ControlArgumentError``).
