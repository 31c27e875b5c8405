// RemindRecipients: who a message may go to.
//
// - ``PhoneNumberNormalizer`` turns a number as a practice system exported it into
//   E.164 with Google's libphonenumber (Debian's build, through the CPhoneNumber shim),
//   classifies it (mobile, landline, toll-free …) and refuses what is not to be texted,
//   with a reason that never contains the number. ``PhoneFields`` picks the first
//   acceptable of several columns (mobile, home, work). Outcomes are cached, so a
//   re-export costs a hash look-up per number instead of libphonenumber's regexes.
// - ``OptOutList`` is the durable set of numbers that must never be texted again, kept
//   in one append-only file; ``OptOutImport`` reads a file of numbers a practice drops
//   in the inbox; ``OptOutKeywords`` recognises STOP-like replies.
// - ``DailyRecipientLimit`` counts messages per number and local day (the daemon's
//   engine applies it at release and rebuilds its counts from the spool at start).
//
// It touches no clock (callers pass dates), no network, and no file except the opt-out
// list's own and its lock file (`<list>.lock`, an exclusive `flock` every writer, daemon
// or remindctl, holds while it writes). Normalisation never fails as a whole: each number is accepted or refused.
// The opt-out list's I/O throws ``OptOutError``; its reads never wait for that I/O.
// A region libphonenumber does not know is a programmer error (the configuration
// checks it first).
