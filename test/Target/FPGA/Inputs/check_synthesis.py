"""Checks effai-compile --target=fpga-synth's report.json: each PE's DSPs
and block RAMs equal to yosys's, its LUTs within --lut-tolerance of them
(for PEs of at least --min-luts synthesized LUTs: below, a PE is mostly
fixed overheads and its relative error means little); prints a line per
PE (estimated/synthesized) for FileCheck."""
import argparse
import json
import sys

parser = argparse.ArgumentParser()
parser.add_argument("report")
parser.add_argument("--lut-tolerance", type=float, default=0.25)
parser.add_argument("--min-luts", type=int, default=500)
args = parser.parse_args()
with open(args.report) as f:
    report = json.load(f)
failed = False
for pe in report["accelerators"][0]["pes"]:
    est, syn = pe["resources"], pe["synthesized"]
    lut_error = (est["lut"] - syn["lut"]) / max(1, syn["lut"])
    ok = (est["dsp"] == syn["dsp"] and est["bram"] == syn["bram"]
          and (abs(lut_error) <= args.lut_tolerance
               or syn["lut"] < args.min_luts))
    failed |= not ok
    print(f"{pe['name']} {pe['arithmetic']}: dsp {est['dsp']}/{syn['dsp']} "
          f"bram {est['bram']}/{syn['bram']} lut {est['lut']}/{syn['lut']} "
          f"({100 * lut_error:+.0f}%) {'ok' if ok else 'MISMATCH'}")
sys.exit(1 if failed else 0)
