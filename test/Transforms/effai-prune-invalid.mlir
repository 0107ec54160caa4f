// RUN: not %effai_opt %s --effai-prune="mode=random" 2>&1 | FileCheck %s --check-prefix=MODE
// RUN: not %effai_opt %s --effai-prune="sparsity=1.0" 2>&1 | FileCheck %s --check-prefix=SPARSITY
// RUN: not %effai_opt %s --effai-prune="mode=nm n=5 m=4" 2>&1 | FileCheck %s --check-prefix=NM
// RUN: not %effai_opt %s --effai-prune="mode=block norm=l3" 2>&1 | FileCheck %s --check-prefix=NORM
// RUN: not %effai_opt %s --effai-prune="scope=all" 2>&1 | FileCheck %s --check-prefix=SCOPE
// RUN: not %effai_opt %s --effai-prune="mode=nm scope=global" 2>&1 | FileCheck %s --check-prefix=SCOPE-MODE
// RUN: not %effai_opt %s --effai-prune="index=csr" 2>&1 | FileCheck %s --check-prefix=INDEX
// RUN: not %effai_opt %s --effai-prune="index=delta delta-bits=17" 2>&1 | FileCheck %s --check-prefix=DELTA-BITS
// RUN: not %effai_opt %s --effai-prune="value-bits=0" 2>&1 | FileCheck %s --check-prefix=VALUE-BITS
// MODE: error: effai-prune: unknown mode 'random' (expected magnitude, nm, block or channel)
// SPARSITY: error: effai-prune: sparsity must be in [0, 1), got 1
// NM: error: effai-prune: need 1 <= n <= m <= 127, got 5:4
// NORM: error: effai-prune: norm must be l1 or l2, got 'l3'
// SCOPE: error: effai-prune: scope must be layer or global, got 'all'
// SCOPE-MODE: error: effai-prune: scope=global needs mode=magnitude
// INDEX: error: effai-prune: index must be auto, delta, bitmap or pairs, got 'csr'
// DELTA-BITS: error: effai-prune: delta-bits must be in [1, 16] (or 0: chosen), got 17
// VALUE-BITS: error: effai-prune: value-bits must be in [1, 64], got 0
func.func @f() {
  return
}
