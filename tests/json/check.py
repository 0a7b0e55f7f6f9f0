#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Check NDJSON files from vmtrace against docs/vmtrace.schema.json.

    check.py FILE...        every line of every FILE must be valid
    check.py --bad FILE...  every line of every FILE must be invalid (fixtures)

One line per file on stdout; exit 1 if any line is not what was asked. A
file of more than MAX_LINES lines (a flood's events) is checked on
MAX_LINES of them spread evenly over it, first and last included: the
validator takes milliseconds a line, and the lab runs under emulation.
"""
import json
import os
import sys

import jsonschema

MAX_LINES = 500
SCHEMA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "docs", "vmtrace.schema.json")


def main(argv):
    want_valid = True
    if argv and argv[0] == "--bad":
        want_valid = False
        argv = argv[1:]
    with open(SCHEMA) as f:
        schema = json.load(f)
    jsonschema.Draft7Validator.check_schema(schema)
    validator = jsonschema.Draft7Validator(schema)
    failed = 0
    for path in argv:
        problems = []
        with open(path, encoding="utf-8", errors="strict") as f:
            lines = f.readlines()
        n = len(lines)
        step = max(1, -(-n // MAX_LINES))
        picked = sorted(set(list(range(0, n, step)) + ([n - 1] if n else [])))
        for lineno, line in ((i + 1, lines[i]) for i in picked):
            try:
                errors = list(validator.iter_errors(json.loads(line)))
                why = "; ".join(e.message for e in errors[:2])
            except ValueError as e:		# not JSON, or not UTF-8
                errors, why = [e], "not JSON: %s" % e
            if want_valid and errors:
                problems.append("line %d: %s: %s" % (lineno, why, line.strip()[:300]))
            elif not want_valid and not errors:
                problems.append("line %d is valid: %s" % (lineno, line.strip()[:300]))
        if problems or not n:
            failed += 1
            print("FAIL: %s %s docs/vmtrace.schema.json%s" % (
                path, "does not follow" if want_valid else "should break", "" if n else " (empty)"))
            for p in problems[:5]:
                print("    " + p)
        else:
            print("ok: %s: %d lines%s %s" % (path, n, "" if len(picked) == n else " (%d checked)" % len(picked),
                                            "follow docs/vmtrace.schema.json" if want_valid
                                            else "break docs/vmtrace.schema.json, as they should"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
