// RemindSchedule: when each message goes out.
//
// - `DeliveryCalendar`: weekly delivery windows in the practice's time zone, minus closed
//   dates, as absolute instants, correct across DST gaps and overlaps.
// - `ClosedDatesFile`: the holiday file (`YYYY-MM-DD` lines and `..` ranges) → closed dates.
// - `ReminderRule`: a record's due time and expiry (on arrival, after a delay, N hours or
//   days before, birthdays, a fixed time); never after the appointment has started.
// - `ReleaseScheduler`: a pure state machine (no clock inside) over a million queued
//   entries: releases only inside windows, never closer than the stagger, never after
//   expiry, earliest due first with kind priority when contended; and its `Forecast`.
// - `HandOverDecision`: what a provider's answer (accepted, temporary, permanent,
//   uncertain) or a gateway's receipt does to a message, as actions, given `now`;
//   `RetryPolicy`: the backoff of temporary failures (1 min doubling to 1 h, 2 days).
// - `WallClockSleeper`: the daemon's `Sleeper` (RemindCore): sleeps until a wall-clock instant on a dedicated thread (timerfd
//   with cancel-on-set), so the daemon notices clock steps and sleeps with no polling.
//
// What it does not touch: the spool, the provider, the journal; the only file it reads is
// a holiday file, when asked to. It logs nothing. How it fails: misuse (a negative
// stagger, two sleeps at once) is a precondition failure; `WallClockSleeper.init` throws
// (`ScheduleError`) when the kernel refuses a timerfd, an eventfd or a thread, and
// `ClosedDatesFile` throws (`ClosedDatesError`, with file, line and reason) for a missing
// or malformed holiday file. Everything else is total: a calendar with no windows answers
// nil / `.idle`, a message that cannot be sent in time ends with `.expire`.
