//===- ir-parser-fuzzer.cpp - libFuzzer target for effai IR text ---------===//
//
// Arbitrary text as IR with every effai dialect registered: the parser and
// the dialects' verifiers (encodings, weight types, ops, targets) either
// accept it or emit a diagnostic; they never crash. Accepted IR is printed
// and folded with the canonicalizer's patterns.
//
//===----------------------------------------------------------------------===//

#include "FuzzContext.h"

#include "effai/InitAll.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdlib>

using namespace mlir;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  effai::fuzz::FuzzContext context(
      effai::fuzz::getFuzzRegistry(effai::registerAllDialects));
  ParserConfig config(context.get());
  OwningOpRef<Operation *> op = parseSourceString(
      StringRef(reinterpret_cast<const char *>(data), size), config);
  if (!op) {
    if (!context.hasDiagnosedError())
      abort();
    return 0;
  }
  std::string text;
  llvm::raw_string_ostream os(text);
  op->print(os);
  // The folders and canonicalization patterns run on whatever verified.
  PassManager pm(context.get(), op->getName().getStringRef());
  pm.addPass(createCanonicalizerPass());
  (void)pm.run(op.get());
  return 0;
}
