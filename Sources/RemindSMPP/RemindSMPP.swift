// RemindSMPP: remindd speaking SMPP 3.4 straight to an SMS centre.
//
// Three layers, as swift-nio's protocol modules are cut:
// - the PDU codec (`PDU`, `PDUDecoder`, `PDUEncoder`): length-prefixed framing and every
//   PDU this client sends or receives, as channel handlers. A frame whose command_length
//   is under 16 octets or over the maximum closes the link (`SMPPCodecError`); a frame
//   that is whole but cannot be parsed (unknown command id, truncated TLV, a missing NUL)
//   becomes `InboundFrame.invalid`, which the session answers with generic_nack.
// - the session (`SMPPSession.StateMachine`): bind, enquire_link, the window of submits,
//   throttling, unbind, reconnect with backoff and jitter, "link refused". A synchronous
//   struct over an injected clock whose methods return actions; it never does I/O.
// - the provider (`SMPPProvider`): a `Provider` and a `Service` that runs the state
//   machine's actions on a NIO channel (TLS through swift-nio-ssl when configured) and
//   turns submit results into `DeliveryResult`s (every part's message_id) and deliver_sm
//   into `GatewayEvent`s, a reply in parts joined first (`ReplyAssembler`);
//   `SMPPProbe` is `remindd --test-provider` (bind, one enquire_link, unbind).
//
// Nothing here touches the spool or logs message text or full phone numbers; the
// password is held in memory only, never logged or described.
