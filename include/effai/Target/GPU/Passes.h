//===- Passes.h - GPU code-generation passes --------------------*- C++ -*-===//
//
// Declarations and registration of the GPU target's passes.
//
//===----------------------------------------------------------------------===//

#ifndef EFFAI_TARGET_GPU_PASSES_H
#define EFFAI_TARGET_GPU_PASSES_H

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir::effai {

#define GEN_PASS_DECL
#include "effai/Target/GPU/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "effai/Target/GPU/Passes.h.inc"

} // namespace mlir::effai

#endif // EFFAI_TARGET_GPU_PASSES_H
