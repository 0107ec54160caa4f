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
