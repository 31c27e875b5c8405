// RemindHTTPGateway: remindd handing messages to an HTTP SMS gateway.
//
// Two flavours behind one `Provider` (`HTTPGatewayProvider`, on async-http-client):
// - Kannel's sendsms (`KannelRequest`): the request for a message and what smsbox's answer
//   means;
// - a templated REST request (RemindText's `RequestTemplate`, `AnswerRules`): URL, headers
//   and body as Mustache templates whose values are escaped for where they go, and the
//   answer read by JSON pointer or regex and by configured statuses and error codes.
// Requests share one connection pool (a second one through an HTTP proxy with Basic
// authentication, so `no_proxy` hosts go direct). `CallbackListener` (NIOHTTP1, loopback or
// a Unix socket) takes receipts and replies back (`CallbackRouter`: Kannel's dlr-url and
// sms-service get-url, REST webhooks), each checked by a per-message `CallbackToken` or the
// shared secret. `HTTPGatewayProbe` is `remindd --test-provider`; `BalanceMonitor` asks for
// the balance at start, hourly and every N sends.
//
// How it fails: nothing sent (no connection, the proxy refusing us, anything before the
// request's last byte) is temporary; a request sent whole with no answer is uncertain; an
// answer is classified by the flavour. Nothing here touches the spool or logs a message's
// text, a full number, a URL with its query, or a secret (they arrive from systemd
// credentials through the daemon and stay in memory). remindctl does not link this module.
