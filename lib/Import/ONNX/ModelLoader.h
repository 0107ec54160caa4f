//===- ModelLoader.h - parse, check and shape-infer ONNX --------*- C++ -*-===//
//
// The only code that calls into libonnx/libprotobuf APIs that may throw. It
// is compiled with exceptions and turns every exception into an error string,
// so the rest of the importer (built without exceptions, like LLVM) never
// sees one.
//
//===----------------------------------------------------------------------===//

#ifndef EFFAI_LIB_IMPORT_ONNX_MODELLOADER_H
#define EFFAI_LIB_IMPORT_ONNX_MODELLOADER_H

#include "ShapeFolding.h"

#include "onnx/onnx_pb.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"

#include <map>
#include <string>
#include <vector>

namespace mlir::effai::onnx_import {

/// Parses `bytes` into `model`, applies static input-shape overrides, turns
/// frozen inputs (serialized TensorProtos) into initializers, runs
/// the ONNX checker (external data resolved below `modelDir`), upgrades
/// opsets older than the handlers know (upgradeOldOpset), runs ONNX shape
/// inference (with data propagation). With `foldShapes`, it then folds
/// shape computations to initializers and infers again until nothing more
/// folds (recording what it folded in `folding`), so that every value whose
/// shape follows from the static input shapes has a type. Returns false
/// with `error` set on failure.
bool loadModel(llvm::StringRef bytes, llvm::StringRef modelDir,
               const llvm::StringMap<std::vector<int64_t>> &inputShapes,
               const llvm::StringMap<std::string> &constantInputs,
               bool foldShapes, onnx::ModelProto &model,
               ShapeFoldingReport &folding, std::string &error);

/// The ranks of the values whose shapes the graph records (inputs,
/// value_info, initializers).
std::map<std::string, int> getDeclaredRanks(const onnx::GraphProto &graph);

/// Reads the bytes of an external-data tensor (location/offset/length
/// entries) from a file below `baseDir`. Returns false with `error` set.
bool readExternalData(const onnx::TensorProto &tensor, llvm::StringRef baseDir,
                      std::string &bytes, std::string &error);

} // namespace mlir::effai::onnx_import

#endif // EFFAI_LIB_IMPORT_ONNX_MODELLOADER_H
