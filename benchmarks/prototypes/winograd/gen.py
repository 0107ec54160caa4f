import numpy as np, sys
C=int(sys.argv[1]); H=int(sys.argv[2]); mode=sys.argv[3]
rng=np.random.default_rng(0)
g=rng.standard_normal((C,C,3,3)).astype(np.float32)*0.1
bias=rng.standard_normal(C).astype(np.float32)
def dense(a):
    return "dense<\"0x" + a.astype(np.float32).tobytes().hex().upper() + "\"> : " + ts(*a.shape)
def ts(*s): return "tensor<" + "x".join(map(str,s)) + "xf32>"
BT=np.array([[1,0,-1,0],[0,1,1,0],[0,-1,1,0],[0,1,0,-1]],np.float32)
G=np.array([[1,0,0],[.5,.5,.5],[.5,-.5,.5],[0,0,1]],np.float32)
AT=np.array([[1,1,1,0],[0,1,-1,-1]],np.float32)
T=H//2
X=ts(1,C,H,H); XP=ts(1,C,H+2,H+2)
L=[]
mac = "^bb0(%a: f32, %b: f32, %o: f32):\n    %m = arith.mulf %a, %b : f32\n    %s = arith.addf %o, %m : f32\n    linalg.yield %s : f32\n  }"
def par(n, red): return "[" + ",".join(['"parallel"']*n + ['"reduction"']*red) + "]"
def contraction(res, a, at, b, bt, outT, maps, npar, nred):
    L.append(f"  %{res}e = tensor.empty() : {outT}")
    L.append(f"  %{res}f = linalg.fill ins(%zero : f32) outs(%{res}e : {outT}) -> {outT}")
    m = ", ".join(f"affine_map<{x}>" for x in maps)
    L.append(f"  %{res} = linalg.generic {{indexing_maps=[{m}], iterator_types={par(npar,nred)}}} ins(%{a}, %{b} : {at}, {bt}) outs(%{res}f : {outT}) {{\n  {mac} -> {outT}")
L.append(f"func.func @main(%x: {X}) -> {X} {{")
L.append("  %zero = arith.constant 0.0 : f32")
L.append(f"  %bias = arith.constant {dense(bias)}")
L.append(f"  %p = tensor.pad %x low[0,0,1,1] high[0,0,1,1] {{ ^bb0(%i0: index, %i1: index, %i2: index, %i3: index): tensor.yield %zero : f32 }} : {X} to {XP}")
if mode=="direct":
    L.append(f"  %w = arith.constant {dense(g)}")
    d="(n,o,h,w,c,i,j)"
    contraction("y","p",XP,"w",ts(C,C,3,3),X,[f"{d}->(n,c,h+i,w+j)",f"{d}->(o,c,i,j)",f"{d}->(n,o,h,w)"],4,3)
else:
    U=np.einsum('ai,ocij,bj->aboc', G, g, G).astype(np.float32)
    W=np.einsum('ai,bj->abij', BT, BT).astype(np.float32)
    A2=np.einsum('xa,yb->xyab', AT, AT).astype(np.float32)
    A2=np.einsum('ax,by->xyab', AT, AT).astype(np.float32)  # [e1,e2,a,b]
    L.append(f"  %W = arith.constant {dense(W)}")
    L.append(f"  %U = arith.constant {dense(U)}")
    L.append(f"  %A2 = arith.constant {dense(A2)}")
    V=ts(4,4,C,T,T)
    d="(c,ty,tx,e1,e2,i,j)"
    contraction("v","p",XP,"W",ts(4,4,4,4),V,[f"{d}->(0,c,2*ty+i,2*tx+j)",f"{d}->(e1,e2,i,j)",f"{d}->(e1,e2,c,ty,tx)"],5,2)
    d="(e1,e2,ty,tx,o,c)"
    contraction("mm","v",V,"U",ts(4,4,C,C),V,[f"{d}->(e1,e2,c,ty,tx)",f"{d}->(e1,e2,o,c)",f"{d}->(e1,e2,o,ty,tx)"],5,1)
    Y=ts(C,T,2,T,2)
    d="(o,ty,tx,a,b,e1,e2)"
    contraction("y5","mm",V,"A2",ts(4,4,2,2),Y,[f"{d}->(e1,e2,o,ty,tx)",f"{d}->(e1,e2,a,b)",f"{d}->(o,ty,a,tx,b)"],5,2)
    L.append(f"  %y3 = tensor.collapse_shape %y5 [[0],[1,2],[3,4]] : {Y} into {ts(C,H,H)}")
    L.append(f"  %y = tensor.expand_shape %y3 [[0,1],[2],[3]] output_shape [1,{C},{H},{H}] : {ts(C,H,H)} into {X}")
L.append(f"  %re = tensor.empty() : {X}")
L.append(f"  %r = linalg.generic {{indexing_maps=[affine_map<(n,o,h,w)->(n,o,h,w)>, affine_map<(n,o,h,w)->(o)>, affine_map<(n,o,h,w)->(n,o,h,w)>], iterator_types={par(4,0)}}} ins(%y, %bias : {X}, tensor<{C}xf32>) outs(%re : {X}) {{\n  ^bb0(%a: f32, %b: f32, %o: f32):\n    %s = arith.addf %a, %b : f32\n    %z = arith.maximumf %s, %zero : f32\n    linalg.yield %z : f32\n  }} -> {X}")
L.append(f"  return %r : {X}")
L.append("}")
print("\n".join(L))
