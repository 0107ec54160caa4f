"""Prints the parts of an effai-compile --report that the lit test checks and
asserts the totals add up: check.py REPORT.json predicted|measured."""
import json
import math
import sys

report = json.load(open(sys.argv[1]))
machine = report["machine"]
layers = report["layers"]
if sys.argv[2] == "predicted":
    print(f"machine {machine['name']} fp32 peak {machine['peaks']['fp32']:g} GOP/s")
    for layer in layers:
        print(f"layer {layer['name']} {layer['kernel']} macs {layer['macs']}"
              + (f" bound {layer['bound']}" if layer["kernel"] == "contraction" and layer["macs"] > 1e6 else ""))
        for op in layer["ops_detail"]:
            line = f"  {op['op']} {op['kernel']}"
            if "tiles" in op:
                t = op["tiles"]
                line += (" " + " ".join(op["shapes"]) +
                         f" mr {t['mr']} nr {t['nr']} kc {t['kc']} mc {t['mc']}"
                         f" nc {t['nc']} pack_b {t['pack_b']}")
            print(line)
else:
    print(f"runs {report['runs']}")
    assert report["measured_us"] > 0
    for layer in layers:
        assert layer["measured_us"] > 0 and layer["roofline_pct"] > 0, layer
    print("measured " + " ".join(l["name"] for l in layers))
for key in ("predicted_us", "roofline_us"):
    total = sum(l[key] for l in layers)
    assert math.isclose(total, report[key], rel_tol=1e-9), (key, total)
for layer in layers:
    assert layer["macs"] == sum(op["macs"] for op in layer["ops_detail"])
    assert layer["bytes"] > 0 and layer["intensity"] > 0
print("totals consistent")
