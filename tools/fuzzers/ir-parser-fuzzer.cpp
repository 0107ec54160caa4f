//===- ir-parser-fuzzer.cpp - libFuzzer target for effai IR text ---------===//
//
// Arbitrary text as IR in effai's dialects: the parser and the dialects'
// verifiers (encodings, weight types, ops, targets) either accept it or emit
// a diagnostic; they never crash. Accepted IR is printed and folded with the
// canonicalizer's patterns.
//
// Registered: effai, fpga and the upstream dialects the importer's IR is
// made of. Not the others: their parsers and verifiers are upstream's to
// fuzz, and some crash in Debian's libMLIR 22, which effai cannot fix (e.g.
// `linalg.reduce ... dimensions = [0!x]` sets a null attribute when the
// list fails to parse: mlir-opt-22 crashes on it too).
//
//===----------------------------------------------------------------------===//

#include "FuzzContext.h"

#include "effai/Dialect/Effai/IR/EffaiDialect.h"
#include "effai/Dialect/FPGA/IR/FPGA.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdlib>

using namespace mlir;

static void registerFuzzedDialects(DialectRegistry &registry) {
  registry.insert<effai::EffaiDialect, effai::fpga::FPGADialect,
                  arith::ArithDialect, func::FuncDialect, math::MathDialect,
                  quant::QuantDialect, tensor::TensorDialect>();
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  effai::fuzz::FuzzContext context(
      effai::fuzz::getFuzzRegistry(registerFuzzedDialects));
  ParserConfig config(context.get());
  // MLIR's lexer reads up to the NUL that a file's MemoryBuffer ends with
  // (parseSourceString does not add one): libFuzzer's bytes have none, so a
  // token at the end would run past them into whatever follows.
  std::string text(reinterpret_cast<const char *>(data), size);
  OwningOpRef<Operation *> op = parseSourceString(text, config);
  if (!op) {
    if (!context.hasDiagnosedError())
      abort();
    return 0;
  }
  std::string printed;
  llvm::raw_string_ostream os(printed);
  op->print(os);
  // The folders and canonicalization patterns run on whatever verified.
  PassManager pm(context.get(), op->getName().getStringRef());
  pm.addPass(createCanonicalizerPass());
  (void)pm.run(op.get());
  return 0;
}
