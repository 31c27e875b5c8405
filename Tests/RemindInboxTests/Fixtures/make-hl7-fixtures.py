#!/usr/bin/env python3
"""Writes the HL7 v2 SIU test fixtures. Run once from this directory; the bytes are
committed, and HL7SIUParserTests asserts the exact records and rejections each file
yields. Segments end with CR (HL7's own terminator) unless a fixture says otherwise."""

CR = "\r"

def seg(name, *fields):
    """A segment from its fields (field 1 first); trailing empty fields are dropped."""
    fields = list(fields)
    while fields and fields[-1] == "":
        fields.pop()
    return "|".join([name] + fields)

def msh(trigger, control, version="2.5.1", structure=True, time="20250301120000+1100"):
    msgtype = f"SIU^{trigger}^SIU_S12" if structure else f"SIU^{trigger}"
    return "MSH|^~\\&|" + "|".join(["PRACSOFT", "HARBOUR", "REMINDD", "HARBOUR", time, "", msgtype, control, "P", version])

def sch(appt, start="", status="Booked", placer=""):
    f = [""] * 25
    f[0] = placer
    f[1] = f"{appt}^PRACSOFT" if appt else ""
    f[6] = "CHK^Check-up"
    f[8] = "30"
    f[9] = "MIN"
    f[10] = f"^^30^{start}" if start else ""
    f[24] = status
    return seg("SCH", *f)

def tq1(start):
    return seg("TQ1", "1", "", "", "", "", "", start)

def pid(name="Citizen^Jane^Q^^Ms", phones="^PRN^PH^^^02^98765432~0412 345 678^PRN^CP"):
    f = [""] * 13
    f[0] = "1"
    f[2] = "P1234^^^PRACSOFT^MR"
    f[4] = name
    f[6] = "19800101"
    f[7] = "F"
    f[12] = phones
    return seg("PID", *f)

def aip(provider="D01^Nguyen^Anh", start=""):
    return seg("AIP", "1", "", provider, "DENTIST", "", start)

def ail(location="Harbour Dental^2"):
    return seg("AIL", "1", "", location)

def ais(start):
    return seg("AIS", "1", "", "CHK^Check-up", start)

def message(*segments, end=CR):
    return end.join(segments) + end

def write(name, text, encoding="utf-8"):
    with open(name, "wb") as f:
        f.write(text.encode(encoding))

# Five messages, one per trigger event the issue names, v2.5.1 with TQ1 starts in the
# practice's zone (no offsets). Net effect: 1001 moved to 11 March 10:30; 1002 cancelled;
# 1003 deleted (SCH-25 still says Booked: the trigger wins); 1004 a no-show.
write("siu-five-events.hl7", "".join([
    message(msh("S12", "M1"), sch("1001", status="Booked"), tq1("202503100900"), pid(), aip(), ail()),
    message(msh("S13", "M2"), sch("1001", status="Booked"), tq1("20250311103000"), pid(), aip(), ail()),
    message(msh("S15", "M3"), sch("1002", start="202503121400", status="Cancelled"),
            pid("Doe^John", "^PRN^PH^^^02^91112222"), aip("D02^Ray^Sam^^^Prof")),
    message(msh("S17", "M4"), sch("1003", start="202503130800", status="Booked"), pid("Roe^Ann", "0400000003^PRN^CP")),
    message(msh("S26", "M5"), sch("1004", start="202503011000", status="Noshow"), pid("Poe^Ed", "0400000004^PRN^CP")),
]))

# The same kind of file as an interface engine's MLLP stream written to disk: each
# message framed by 0x0B … 0x1C 0x0D; v2.4, starts in SCH-11.4 with offsets.
def framed(text):
    return "\x0b" + text + "\x1c\r"
write("siu-mllp.hl7", "".join([
    framed(message(msh("S12", "F1", "2.4"), sch("2001", start="20250310090000+1100"), pid(),
                   aip("D01^Nguyen^Anh"), ail("Harbour Dental^3"))),
    framed(message(msh("S14", "F2", "2.4"), sch("2002", start="20250310100000+1100", status="Pending"),
                   pid("Lee^Kim", "^^CP^^61^4^12000002"))),
]))

# v2.3 (MSH-9 with two components), CRLF line ends, start from SCH-11.4 read in the
# practice's zone, placer id only (SCH-1), the number in XTN-12, provider from PV1-7.
write("siu-v23-sch11.hl7", "".join([
    message(msh("S12", "V1", "2.3", structure=False), sch("", start="200510291430", placer="PL77^LEGACY"),
            pid("Brown^Tom", "^PRN^CP^^^^^^^^^0412000077"), seg("PV1", "1", "O", "", "", "", "", "D09^Hart^Meg^^^Dr"),
            end="\r\n"),
]))

# v2.5 with TQ1-7 carrying offsets (so the practice zone does not matter), LF line ends,
# and one message whose only start is AIS-4.
write("siu-v25-tq1.hl7", "".join([
    message(msh("S12", "T1", "2.5"), sch("3001", start="209901010000"), tq1("20250615093000+1000"), pid(), end="\n"),
    message(msh("S12", "T2", "2.5"), sch("3002"), tq1("20250615093000-0500"), pid(), end="\n"),
    message(msh("S12", "T3", "2.5"), sch("3003"), pid(), ais("20250616080000"), end="\n"),
]))

# Escapes in names, provider and location, with non-standard encoding characters in the
# second message (MSH|*%$#: component *, repetition %, escape $, subcomponent #).
write("siu-escapes.hl7", "".join([
    message(msh("S12", "E1"), sch("4001"), tq1("202503100900"),
            pid("O\\T\\Brien\\F\\Smith^Mary\\S\\Ann\\E\\", "\\X30\\412345678^PRN^CP"),
            aip("D01^Nu\\XC3B1\\ez^Jos\\XE9\\^^^Dr"), ail("Harbour\\.br\\Dental^A\\R\\B")),
    "MSH|*%$#|PRACSOFT|HARBOUR|REMINDD|HARBOUR|20250301120000||SIU*S12*SIU_S12|E2|P|2.5.1" + CR
    + "SCH||4002*PRACSOFT|||||||||||||||||||||||Booked" + CR
    + "TQ1|1||||||202503100930" + CR
    + "PID|1||P9||Ng*Li$H$bold$N$||||||||^PRN^PH%04 1234 5678*PRN*CP" + CR,
]))

# Good messages around bad ones: each bad one is rejected alone, on the line of its MSH
# or of the segment at fault.
write("siu-bad-among-good.hl7", "".join([
    message(msh("S12", "B1"), sch("5001"), tq1("202503100900"), pid()),                   # lines 1-4: good
    message(msh("S12", "B2"), sch("5002"), tq1("202503100915"), pid("Cit^Jo", "^PRN^PH^^^02^98765432")),  # 5-8: no mobile (PID, line 8)
    message(msh("S12", "B3"), tq1("202503100930"), pid()),                                 # 9-11: no SCH (MSH, line 9)
    message(msh("S12", "B4"), sch("5004"), tq1("2025-03-10 09:45"), pid()),                # 12-15: bad TS (TQ1, line 14)
    message(msh("S12", "B5"), sch("5005"), tq1("202503101000"), "PID|1||P1||Cit^Jo||||||||", "0412 345 678^PRN^CP"),  # 16-20: a wrapped line (20)
    message(msh("A04", "B6").replace("SIU^A04^SIU_S12", "ADT^A04^ADT_A01"), pid()),       # 21-22: not SIU (line 21)
    message(msh("S12", "B7"), sch("5007"), tq1("202503101030"), pid()),                   # 23-26: good
]))
