"""Pickles one plain-Python value with every protocol 0-5 and prints them (hex) with the value's
JSON form, so the tests can check our VM against CPython's pickler on every opcode family."""
import collections
import json
import pickle
import sys

value = {
    "ints": [0, 1, 255, 256, 65535, 65536, -1, -2**31, 2**31 - 1, 2**31, 2**53 - 1, -2**63],
    "floats": [0.5, -1e-300, 1e300, 3.141592653589793],
    "strings": ["", "ascii", "ünïcødé ✓", "x" * 300, "line\nbreak", "quote'\"\\"],
    "nested": {"tuple": (1, (2, (3,)), ()), "list": [[], [None, True, False]], "7": {}},
    "ordered": collections.OrderedDict([("b", 1), ("a", 2)]),
    "shared": None,
}
shared = [1, 2]
value["shared"] = [shared, shared]
value["bytes"] = b"\x00\x01\xffabc"
value["set"] = {3}
value["frozenset"] = frozenset([4])

def jsonable(v):
    if isinstance(v, (bytes, bytearray)):
        return {"bytes": list(v)}
    if isinstance(v, (set, frozenset)):
        return {"set": sorted(v), "frozen": isinstance(v, frozenset)}
    if isinstance(v, tuple):
        return {"tuple": [jsonable(x) for x in v]}
    if isinstance(v, list):
        return [jsonable(x) for x in v]
    if isinstance(v, dict):
        return {"dict": [[k, jsonable(x)] for k, x in v.items()], "ordered": isinstance(v, collections.OrderedDict)}
    return v

json.dump({"expected": jsonable(value),
           "pickles": {str(p): pickle.dumps(value, protocol=p).hex() for p in range(6)}}, sys.stdout)
