"""Holdout decisions computed with Python's hashlib, the reference for the documented hash:
holdout(key) = int.from_bytes(sha256(f"{salt}\\n{key}".encode())[:6], "big") / 2**48 < rate.
Run: /usr/bin/python3 scripts/holdout_vectors.py > test/vectors/holdout.json
"""
import hashlib
import json

cases = []
for salt in ["loan-2026", "", "ünïcödé"]:
    for key in ["a-1", "application-000042", "42", "", "🙂 emoji key", str(10**15)]:
        position = int.from_bytes(hashlib.sha256(f"{salt}\n{key}".encode()).digest()[:6], "big") / 2**48
        cases.append({"salt": salt, "key": key, "position": position})
print(json.dumps({"generator": "scripts/holdout_vectors.py (hashlib)", "cases": cases}, ensure_ascii=False, indent=1))
