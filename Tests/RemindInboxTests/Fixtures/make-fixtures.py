#!/usr/bin/env python3
"""Writes the RemindInbox test fixtures. Run once from this directory; the bytes are
committed, and the tests assert the exact records each file yields."""

def write(name, text, encoding, bom=b""):
    with open(name, "wb") as f:
        f.write(bom + text.encode(encoding))

# A Windows export in CP1252 with CRLF: accented names, and O’Brien with the typographic
# apostrophe of byte 0x92 (one of CP1252's 0x80-0x9F characters).
write("cp1252-accents.csv", "\r\n".join([
    "Appointment ID,First Name,Surname,Mobile,Date,Time,Doctor,Room,Status",
    "A-1001,René,Lefèvre,0412 345 678,2025-03-05,09:30,Dr Müller,R1,Booked",
    "A-1002,Jürgen,Groß,0412345679,2025-03-05,10:00,Dr Müller,R1,Booked",
    "A-1003,Bjørn,Ødegård,0412345680,2025-03-05,10:15,Dr Núñez,R2,Confirmed",
    "A-1004,Begoña,Muñoz,0412345681,2025-03-06,14:45,Dr Núñez,R2,Booked",
    "A-1005,Siobhán,O’Brien,0412345682,2025-03-06,15:00,Dr Müller,R1,Booked",
]) + "\r\n", "cp1252")

# Excel's "Unicode text": UTF-16 LE with a BOM, tab-separated, CRLF; a name outside
# Latin-1 and an emoji (a surrogate pair) in an extra column.
write("utf16le-bom.csv", "\r\n".join([
    "Appt ID\tGiven Name\tFamily Name\tMobile Phone\tStart\tProvider\tNotes",
    "7001\tZoë\tWang 王\t+61412000001\t2025-04-07 08:00\tDr Lee\tfasting 🍎",
    "7002\tŁukasz\tNowak\t+61412000002\t2025-04-07 08:20\tDr Lee\t",
]) + "\r\n", "utf-16-le", b"\xff\xfe")

# A semicolon export with day-first dates, CRLF, status words to map, and a UTF-8 BOM.
write("semicolon-ddmmyyyy.csv", "\r\n".join([
    "ID;Firstname;Lastname;Mobile;Date;Time;Doctor;Office;Status",
    "S1;Anna;Schmidt;0401000001;07/04/2025;09:00;Dr Weber;A;Gebucht",
    "S2;Ben;Fischer;0401000002;7/4/2025;9:30;Dr Weber;A;Bestätigt",
    "S3;Carla;Wolf;0401000003;31/12/2025;17:45;Dr Braun;B;Storniert",
]) + "\r\n", "utf-8", b"\xef\xbb\xbf")

# A quoted field with a line break, doubled quotes and an embedded comma: the rows after
# it must carry the physical line numbers an editor shows (LF endings).
write("quoted-newline.csv", "\n".join([
    "id,first_name,last_name,phone,start,notes",
    "Q1,Ann,Lee,0400000001,2025-05-01 09:00,\"Bring X-rays,\nand the referral\"",
    "Q2,Bob,\"O\"\"Neil\",0400000002,2025-05-01 09:30,",
    "",
    "Q3,Cy,Park,0400000003,2025-05-01 10:00,\"three\nline\nnote\"",
    "Q4,Di,Ng,0400000004,2025-05-01 10:30,plain",
]) + "\n", "utf-8")

# Good rows around one malformed row (30 February does not exist).
write("one-bad-row.csv", "\n".join([
    "id,first_name,last_name,phone,date,time",
    "B1,Ann,Lee,0400000001,2025-02-27,09:00",
    "B2,Bob,Ray,0400000002,2025-02-30,09:30",
    "B3,Cy,Park,0400000003,2025-02-28,10:00",
]) + "\n", "utf-8")

# JSON Lines: offsets, local date + time, a numeric id, extra keys of each type, a blank
# line, and three bad lines (not JSON, not an object, no phone).
write("appointments.jsonl", "\n".join([
    '{"id": "J1", "first_name": "Ann", "last_name": "Lee", "phone": "+61400000001", "start": "2025-03-05T09:30:00+11:00", "doctor": "Dr Kim", "office": "2", "status": "Confirmed", "language": "fr"}',
    '{"id": 1042, "first_name": "Zoë", "last_name": "Ng", "phone": "0400000002", "date": "2025-03-05", "time": "10:15", "vip": true, "visits": 3, "tags": ["new", "x"]}',
    '',
    'not json at all',
    '["an", "array"]',
    '{"id": "J4", "first_name": "No", "last_name": "Phone", "start": "2025-03-05T11:00:00Z"}',
    '{"id": "J5", "firstName": "Eve", "lastName": "Park", "mobile": "0400000005", "start": "2025-03-06 08:00", "status": null}',
]) + "\n", "utf-8")
