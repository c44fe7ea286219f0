"""Hostile text people (or partners' systems) might type, shared by the core and UI tests.

Every payload is what a person could really put in a summary, a note, a name or a
venue: markup that would run if it were interpreted, characters that rewrite a
terminal or reverse the words around them, SQL and template syntax, and strings far
longer than any field allows. Each carries a marker (``window.__pwned``, a request to
``pwned.invalid``) so a test can prove nothing ran and nothing was fetched.
"""

from __future__ import annotations

# The page or a Qt rich-text widget would fetch this image and run the handler.
IMG = '<img src="http://pwned.invalid/x.png" onerror="window.__pwned=1">'
# Ends a <script> block an HTML template might have put the value in, then starts one.
SCRIPT = "</script><script>window.__pwned=2</script>"
# Template literals and shell command substitution.
BACKTICKS = "`${window.__pwned=3}` $(id) `id`"
JS_LINK = '<a href="javascript:window.__pwned=4">call back</a>'
# Right-to-left override: "evil.exe" would read as "exe.live" and reverse what follows.
RLO = "\u202eexe.live"
# ESC sequences: clear the screen, paint red, set the terminal title, ring the bell;
# the 8-bit CSI (U+009B) is a control sequence too on many terminals.
ANSI = "\x1b[2J\x1b[31mRED\x1b]0;owned\x07\x9b0m"
SQL = "Robert'); DROP TABLE incidents;-- %s :name $1 ?"
TEMPLATE = "{{ 7 * 7 }}{% if true %}J{% endif %}"
QT_RICH = "<b>bold</b><font size=40>BIG</font> &amp; <h1>head</h1>"

# One line with all of it, short enough for a name (limit 200) or a place (300).
NAME = f"{IMG}{RLO}{ANSI}"
PLACE = f"{IMG}{SCRIPT}{RLO}{ANSI}{SQL}"
# All of it, for the long fields (summary, reason, description: limit 1000-2000); the
# controls first, so a list that cuts the text short still shows them.
TEXT = f"{ANSI} {IMG} {SCRIPT} {BACKTICKS} {JS_LINK} {QT_RICH} {SQL} {TEMPLATE} {RLO} tail"

# 100 KB in one word: over every limit, and unbreakable if a layout does not break it.
HUGE = "W" * 100_000
# Characters a terminal obeys rather than shows (C0/C1 controls, bidi controls).
TERMINAL_CONTROLS = ("\x1b", "\x07", "\x9b", "\u202e", "\u202d", "\u2066", "\u2067", "\u2068", "\u2069")

assert len(NAME) <= 200 and len(PLACE) <= 300 and len(TEXT) <= 1000
