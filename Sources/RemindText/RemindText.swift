// RemindText: what a patient reads, made right before anything is queued.
//
// What it does: loads a directory of Mustache templates (one per message kind, with
// optional per-location, per-doctor or named variants), checks them (unknown elements,
// syntax errors, worst-case length), turns an appointment into element values in the
// practice's time zone and locale, applies per-element limits, renders without HTML
// escaping, transliterates typographic characters to GSM-7, measures the result by the
// GSM 03.38 rules (septets with the extension table, UCS-2 units, segments of 160/153
// and 70/67) and, when the text is too long, shortens configured elements at a word
// boundary in a set order. swift-mustache parses every template and is the reference
// renderer; a compiled form renders the common subset fast, and is used only when it
// renders exactly as swift-mustache does for every combination of sections.
//
// What it does not touch: no file is written, no clock is read, nothing is logged;
// the only I/O is reading the templates directory in `TemplateSet.init(directory:…)`.
// Phone numbers are not normalised here (that is the delivery room's job).
//
// How it fails: every failure is a `TextError` with a code, a message naming the
// template (and line, where there is one) and the lengths involved. Messages never
// contain element values or rendered text, so they are safe for the journal.
// Loading collects template problems instead of stopping at the first:
// `TemplateSet.validate()` lists them all, and rendering a broken template throws its
// problem.
