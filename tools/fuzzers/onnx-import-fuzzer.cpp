//===- onnx-import-fuzzer.cpp - libFuzzer target for the ONNX importer ---===//
//
// Arbitrary bytes as an ONNX model: the importer either produces a module
// that verifies or emits a diagnostic; it never crashes.
//
//===----------------------------------------------------------------------===//

#include "FuzzContext.h"

#include "effai/Import/ONNX/ONNXImporter.h"
#include "mlir/IR/Verifier.h"

#include <cstdlib>

using namespace mlir;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  effai::fuzz::FuzzContext context(
      effai::fuzz::getFuzzRegistry(effai::registerOnnxImportDialects));
  effai::OnnxImportOptions options;
  OwningOpRef<ModuleOp> module = effai::importOnnxModel(
      context.get(), StringRef(reinterpret_cast<const char *>(data), size),
      "fuzz.onnx", options);
  if (!module) {
    if (!context.hasDiagnosedError())
      abort(); // a refused model must say why
    return 0;
  }
  if (failed(verify(*module)))
    abort(); // the importer produced invalid IR
  return 0;
}
