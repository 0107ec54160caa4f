//===- HostCPU.h - describe the running CPU ---------------------*- C++ -*-===//
//
// Reads the machine effai runs on: ISA features and CPU name from LLVM's
// host detection (CPUID), caches from sysfs, the cores this process may use,
// and the clock. Peak rates are derived from the ISA and the clock;
// bandwidths are estimates (effai-probe-target measures both).
//
//===----------------------------------------------------------------------===//

#ifndef EFFAI_TARGET_CPU_HOSTCPU_H
#define EFFAI_TARGET_CPU_HOSTCPU_H

#include "effai/Dialect/Effai/IR/EffaiAttrs.h"

namespace mlir::effai {

/// A description of the running CPU named "host".
TargetAttr getHostCPUTarget(MLIRContext *context);

/// `target` with its LLVM CPU replaced by `cpu` and its ISA facts (features,
/// vector width and registers, peak rates) re-derived for that CPU, keeping
/// clock, cores and memory. Fails for a CPU LLVM does not know.
FailureOr<TargetAttr> retargetCPU(TargetAttr target, StringRef cpu,
                                  std::string &error);

/// The ISA features the effai CPU backend looks at (LLVM spelling).
ArrayRef<StringRef> getRelevantCPUFeatures();

} // namespace mlir::effai

#endif // EFFAI_TARGET_CPU_HOSTCPU_H
