"""Prints the PTX that gpu-module-to-binary{format=isa} embedded in an
MLIR module (read from stdin): the `assembly` string of each gpu.object,
with MLIR's string escapes (\\0A, \\09, \\22, \\5C) decoded."""
import re
import sys

text = sys.stdin.read()
objects = re.findall(r'assembly = "((?:[^"\\]|\\.)*)"', text)
if not objects:
    sys.exit("extract_ptx: no gpu.object with an assembly in the input")
for escaped in objects:
    sys.stdout.write(re.sub(r"\\([0-9A-Fa-f]{2})",
                            lambda m: chr(int(m.group(1), 16)), escaped))
