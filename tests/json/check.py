#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Check NDJSON files from vmtrace against docs/vmtrace.schema.json.

    check.py FILE...        every line of every FILE must be valid
    check.py --bad FILE...  every line of every FILE must be invalid (fixtures)

One line per file on stdout; exit 1 if any line is not what was asked.
"""
import json
import os
import sys

import jsonschema

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
        n = 0
        with open(path, encoding="utf-8", errors="strict") as f:
            for lineno, line in enumerate(f, 1):
                n += 1
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
            print("ok: %s: %d lines %s" % (path, n, "follow docs/vmtrace.schema.json" if want_valid
                                          else "break docs/vmtrace.schema.json, as they should"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
