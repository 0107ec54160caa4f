import numpy as np, sys
C=int(sys.argv[1]); H=int(sys.argv[2]); stage=sys.argv[3]
def ts(*s): return "tensor<" + "x".join(map(str,s)) + "xf32>"
def dense(a): return "dense<\"0x" + a.astype(np.float32).tobytes().hex().upper() + "\"> : " + ts(*a.shape)
BT=np.array([[1,0,-1,0],[0,1,1,0],[0,-1,1,0],[0,1,0,-1]],np.float32)
AT=np.array([[1,1,1,0],[0,1,-1,-1]],np.float32)
T=H//2
mac = "^bb0(%a: f32, %b: f32, %o: f32):\n    %m = arith.mulf %a, %b : f32\n    %s = arith.addf %o, %m : f32\n    linalg.yield %s : f32\n  }"
V=ts(4,4,C,T,T)
if stage=="in":
    W=np.einsum('ai,bj->abij', BT, BT)
    XP=ts(1,C,H+2,H+2); d="(c,ty,tx,e1,e2,i,j)"
    print(f"""func.func @main(%p: {XP}) -> {V} {{
  %zero = arith.constant 0.0 : f32
  %W = arith.constant {dense(W)}
  %e = tensor.empty() : {V}
  %f = linalg.fill ins(%zero : f32) outs(%e : {V}) -> {V}
  %r = linalg.generic {{indexing_maps=[affine_map<{d}->(0,c,2*ty+i,2*tx+j)>, affine_map<{d}->(e1,e2,i,j)>, affine_map<{d}->(e1,e2,c,ty,tx)>], iterator_types=["parallel","parallel","parallel","parallel","parallel","reduction","reduction"]}} ins(%p, %W : {XP}, {ts(4,4,4,4)}) outs(%f : {V}) {{
  {mac} -> {V}
  return %r : {V}
}}""")
    np.save('in.npy', np.random.default_rng(1).standard_normal((1,C,H+2,H+2)).astype(np.float32))
else:
    A2=np.einsum('ax,by->xyab', AT, AT)
    Y=ts(C,T,2,T,2); d="(o,ty,tx,a,b,e1,e2)"
    print(f"""func.func @main(%mm: {V}) -> {Y} {{
  %zero = arith.constant 0.0 : f32
  %A2 = arith.constant {dense(A2)}
  %e = tensor.empty() : {Y}
  %f = linalg.fill ins(%zero : f32) outs(%e : {Y}) -> {Y}
  %r = linalg.generic {{indexing_maps=[affine_map<{d}->(e1,e2,o,ty,tx)>, affine_map<{d}->(e1,e2,a,b)>, affine_map<{d}->(o,ty,a,tx,b)>], iterator_types=["parallel","parallel","parallel","parallel","parallel","reduction","reduction"]}} ins(%mm, %A2 : {V}, {ts(4,4,2,2)}) outs(%f : {Y}) {{
  {mac} -> {Y}
  return %r : {Y}
}}""")
    np.save('out.npy', np.random.default_rng(1).standard_normal((4,4,C,T,T)).astype(np.float32))
