#!/usr/bin/env python3
"""A test SMSC for remindd's SMPP integration tests, built on PyPI's smpp34 (MIT,
Real Time Telecom B.V.; a Rust/tokio SMPP 3.4 server with a Python API).

smpp34's Server does the SMPP side (bind, framing, sequence numbers, enquire_link,
submit_sm_resp, deliver_sm and its resp); this script only decides what to answer
and logs what arrived, one JSON object a line, to --log:

  {"event": "ready", "port": N}
  {"event": "bound", "system_id": "..."}
  {"event": "submit", "dest": "...", "dest_ton": 1, "dest_npi": 1, "src": "...", "src_ton": 5,
   "src_npi": 0, "dc": 0, "esm": 64, "reg": 1, "sm": "hex", "tlvs": {"tag": "hex"}, "id": "..."}
  {"event": "deliver_resp", "status": 0}

What it answers depends on the destination's last digits (as the Melrose Labs
simulator's magic numbers do):
  ...0058  ESME_RTHROTTLED for the first two attempts of each text, then accepted
  ...0014  ESME_RMSGQFUL for the first attempt, then accepted
  ...0011  ESME_RINVDSTADR
  ...0000  never answered (the submit stays outstanding)
  ...7867  accepted, then a reply "STOP" from that number
  ...7868  accepted, then a reply "Yes, see you then" from that number
  ...0666  accepted, then an UNDELIV receipt (text form)
  ...0777  accepted, then a DELIVRD receipt in TLV form (receipted_message_id, message_state)
  ...0667  accepted, then a receipt per part: UNDELIV for part 2 of a UDH-concatenated text, else DELIVRD
  ...7869  accepted, then a reply in two UDH-concatenated parts (the second part sent first),
           after the message's first part only
  ...7870  accepted, then a reply "STOP" in two parts joined by the SAR TLVs ("ST", "OP"), after
           the message's first part only
  ...0999  accepted, then every receiver-only session of that account is unbound by the SMSC
  other    accepted, then a DELIVRD receipt (text form) when registered_delivery asks for one

Receipts and replies go back on the submitting session when it can receive (a
transceiver), else on a session of the same account that can (bind_receiver).

--submit-delay SECONDS answers each submit it accepts that long after it arrived (it is
logged as it arrives), so the client's window stays full meanwhile; rejections are
answered at once.

--refuse-bind answers every bind with ESME_RINVPASWD (smpp34's Server accepts every bind,
so this mode reads the bind with smpp34.decode and answers it on a plain asyncio socket).
"""
import argparse
import asyncio
import json
import struct
import sys
import time

import smpp34


def log(out, **event):
    out.write(json.dumps(event) + "\n")
    out.flush()


async def serve(args, out):
    server = smpp34.Server(host="127.0.0.1", port=args.port, system_id="smpp34-test")
    await server.start()
    log(out, event="ready", port=args.port)
    sessions = {}
    held = []  # submits never answered
    attempts = {}
    counter = 0
    pending = set()

    async def after_accept(ev, message_id):
        esme = sessions.get(ev.session_id)
        if esme is None:
            return
        dest = ev.destination_addr
        if dest.endswith("0999"):
            for other in list(sessions.values()):
                if other.system_id == esme.system_id and other.session_id != esme.session_id and other.can_receive:
                    await other.unbind()
                    log(out, event="receiver_unbound")
            return
        if not esme.can_receive:
            esme = next((o for o in sessions.values() if o.system_id == esme.system_id and o.can_receive), None)
            if esme is None:
                log(out, event="no_receiver")
                return
        sm = bytes(ev.short_message)
        part = sm[5] if ev.esm_class & 0x40 and len(sm) > 5 and sm[0] == 5 else 1
        await asyncio.sleep(0.05)
        if dest.endswith("7867") or dest.endswith("7868"):
            text = b"STOP" if dest.endswith("7867") else b"Yes, see you then"
            resp = await esme.deliver_sm(destination_addr=ev.source_addr, short_message=text, source_addr=dest,
                                         source_addr_ton=1, source_addr_npi=1)
            log(out, event="deliver_resp", status=resp.command_status, kind="mo")
            return
        if dest.endswith("7869") or dest.endswith("7870"):
            if part != 1:
                return  # one reply per message, after its first part
        if dest.endswith("7869"):
            parts = [b"Can I move it to ", b"Tuesday please?"]
            for seq in (2, 1):
                resp = await esme.deliver_sm(destination_addr=ev.source_addr, source_addr=dest, source_addr_ton=1, source_addr_npi=1,
                                             esm_class=0x40, short_message=bytes([5, 0, 3, 0x2A, 2, seq]) + parts[seq - 1])
                log(out, event="deliver_resp", status=resp.command_status, kind="mo-part")
            return
        if dest.endswith("7870"):
            for seq, text in ((1, b"ST"), (2, b"OP")):
                resp = await esme.deliver_sm(destination_addr=ev.source_addr, source_addr=dest, source_addr_ton=1, source_addr_npi=1,
                                             short_message=text, tlvs=[
                                                 smpp34.Tlv(0x020C, bytes([0x12, 0x34])), smpp34.Tlv(0x020E, bytes([2])),
                                                 smpp34.Tlv(0x020F, bytes([seq]))])
                log(out, event="deliver_resp", status=resp.command_status, kind="mo-part")
            return
        if dest.endswith("0777"):
            resp = await esme.deliver_sm(destination_addr=ev.source_addr, source_addr=dest, source_addr_ton=1, source_addr_npi=1,
                                         esm_class=0x04, tlvs=[
                                             smpp34.Tlv(smpp34.TLV_RECEIPTED_MESSAGE_ID, message_id.encode() + b"\0"),
                                             smpp34.Tlv(smpp34.TLV_MESSAGE_STATE, bytes([2]))])
            log(out, event="deliver_resp", status=resp.command_status, kind="receipt")
            return
        if ev.registered_delivery & 1:
            stat = "UNDELIV" if dest.endswith("0666") or (dest.endswith("0667") and part == 2) else "DELIVRD"
            text = f"id:{message_id} sub:001 dlvrd:001 submit date:2612040230 done date:2612040231 stat:{stat} err:000 text:".encode()
            resp = await esme.deliver_sm(destination_addr=ev.source_addr, short_message=text, source_addr=dest,
                                         source_addr_ton=1, source_addr_npi=1, esm_class=0x04)
            log(out, event="deliver_resp", status=resp.command_status, kind="receipt")

    async def accept_later(ev, message_id):
        await asyncio.sleep(args.submit_delay)
        ev.accept(message_id)
        await after_accept(ev, message_id)

    while True:
        ev = await server.next()
        if isinstance(ev, smpp34.Esme):
            sessions[ev.session_id] = ev
            log(out, event="bound", system_id=ev.system_id, kind="receives" if ev.can_receive else "sends")
        elif isinstance(ev, smpp34.Unbound):
            sessions.pop(ev.session_id, None)
            log(out, event="unbound")
        elif isinstance(ev, smpp34.SubmitSmEvent):
            dest = ev.destination_addr
            key = (dest, bytes(ev.short_message))
            attempts[key] = attempts.get(key, 0) + 1
            record = dict(event="submit", t=time.time(), dest=dest, dest_ton=ev.dest_addr_ton, dest_npi=ev.dest_addr_npi,
                          src=ev.source_addr, src_ton=ev.source_addr_ton, src_npi=ev.source_addr_npi,
                          dc=ev.data_coding, esm=ev.esm_class, reg=ev.registered_delivery,
                          sm=bytes(ev.short_message).hex(), tlvs={str(t.tag): bytes(t.value).hex() for t in ev.tlvs},
                          attempt=attempts[key])
            if dest.endswith("0058") and attempts[key] <= 2:
                log(out, **record, status=0x58)
                ev.reject(smpp34.ESME_RTHROTTLED)
            elif dest.endswith("0014") and attempts[key] <= 1:
                log(out, **record, status=0x14)
                ev.reject(smpp34.ESME_RMSGQFUL)
            elif dest.endswith("0011"):
                log(out, **record, status=0x0B)
                ev.reject(smpp34.ESME_RINVDSTADR)
            elif dest.endswith("0000"):
                held.append(ev)
                log(out, **record, status=None)
            else:
                counter += 1
                message_id = f"{args.id_prefix}{counter:06d}"
                log(out, **record, status=0, id=message_id)  # before the answer: the test reads it after
                if args.submit_delay > 0:
                    task = asyncio.ensure_future(accept_later(ev, message_id))
                else:
                    ev.accept(message_id)
                    task = asyncio.ensure_future(after_accept(ev, message_id))
                pending.add(task)
                task.add_done_callback(pending.discard)


async def refuse(args, out):
    async def handle(reader, writer):
        try:
            header = await reader.readexactly(16)
            length, command_id, _, sequence = struct.unpack(">IIII", header)
            body = await reader.readexactly(length - 16)
            pdu = smpp34.decode(header + body)
            log(out, event="bind_refused", command_id=pdu.command_id)
            writer.write(struct.pack(">IIII", 16, command_id | 0x80000000, 0x0E, sequence))
            await writer.drain()
            await asyncio.sleep(0.2)
        except Exception as error:  # the client hung up
            log(out, event="refuse_error", error=str(error))
        finally:
            writer.close()
    server = await asyncio.start_server(handle, "127.0.0.1", args.port)
    log(out, event="ready", port=args.port)
    async with server:
        await server.serve_forever()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--log", required=True)
    parser.add_argument("--refuse-bind", action="store_true")
    parser.add_argument("--id-prefix", default="m")
    parser.add_argument("--submit-delay", type=float, default=0.0)
    args = parser.parse_args()
    with open(args.log, "a", buffering=1) as out:
        asyncio.run(refuse(args, out) if args.refuse_bind else serve(args, out))


if __name__ == "__main__":
    sys.exit(main())
