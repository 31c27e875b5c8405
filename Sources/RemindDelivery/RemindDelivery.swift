// RemindDelivery: handing a released message to whatever sends it.
//
// `Provider` is the boundary; each provider turns a message into a gateway's
// request and the gateway's answer into a `DeliveryResult` or a `DeliveryError`
// that says whether a retry can help (temporary), not (permanent), or whether the
// hand-over may have happened (uncertain). This module holds the providers with no
// heavy dependencies: the smstools3 outbox (the embedded default, so remindd runs
// with no gateway at all) and a command (argv, text on stdin, exit codes mapped to
// results, no shell; run through ProcessKit). SMPP and HTTP gateways live in their
// own targets. A provider says how many hand-overs it takes at once (`concurrency`)
// and may report gateway events later (`events`: delivery receipts, inbound
// messages, link state) as an AsyncStream the daemon's delivery service consumes.
// Nothing here logs or touches the spool.
