import numpy as np, sys
C=int(sys.argv[1]); T=int(sys.argv[2]); layout=sys.argv[3]
exec(open('gen.py').read().split("BT=")[0].split("rng=")[0])
def ts(*s): return "tensor<" + "x".join(map(str,s)) + "xf32>"
def dense(a): return "dense<\"0x" + a.astype(np.float32).tobytes().hex().upper() + "\"> : " + ts(*a.shape)
U=np.random.default_rng(0).standard_normal((16,C,C)).astype(np.float32)
mac = "^bb0(%a: f32, %b: f32, %o: f32):\n    %m = arith.mulf %a, %b : f32\n    %s = arith.addf %o, %m : f32\n    linalg.yield %s : f32\n  }"
if layout=="ect":   # V[e,c,t] -> M[e,o,t]
  V=ts(16,C,T*T); d="(e,t,o,c)"; amap=f"{d}->(e,c,t)"; cmap=f"{d}->(e,o,t)"; Mt=ts(16,C,T*T)
else:               # V[e,t,c] -> M[e,t,o]
  V=ts(16,T*T,C); d="(e,t,o,c)"; amap=f"{d}->(e,t,c)"; cmap=f"{d}->(e,t,o)"; Mt=ts(16,T*T,C)
print(f"""func.func @main(%v: {V}) -> {Mt} {{
  %zero = arith.constant 0.0 : f32
  %U = arith.constant {dense(U)}
  %e = tensor.empty() : {Mt}
  %f = linalg.fill ins(%zero : f32) outs(%e : {Mt}) -> {Mt}
  %r = linalg.generic {{indexing_maps=[affine_map<{amap}>, affine_map<{d}->(e,c,o)>, affine_map<{cmap}>], iterator_types=["parallel","parallel","parallel","reduction"]}} ins(%v, %U : {V}, {ts(16,C,C)}) outs(%f : {Mt}) {{
  {mac} -> {Mt}
  return %r : {Mt}
}}""")
