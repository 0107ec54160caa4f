//===- EinsumEquation.h - parse ONNX Einsum equations -----------*- C++ -*-===//
//
// Shared by the Einsum handler (which builds the contraction) and shape
// folding (which gives Einsum results the static shape ONNX's own
// inference leaves symbolic).
//
//===----------------------------------------------------------------------===//

#ifndef EFFAI_LIB_IMPORT_ONNX_EINSUMEQUATION_H
#define EFFAI_LIB_IMPORT_ONNX_EINSUMEQUATION_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace mlir::effai::onnx_import {

/// An equation with each term as labels: letters are 0..51, the dims an
/// ellipsis stands for are kEllipsisLabel + (their position from the
/// right), so operands' broadcast dims align like numpy's.
struct EinsumEquation {
  static constexpr int kEllipsisLabel = 64;

  std::vector<std::vector<int>> inputs;
  std::vector<int> output;

  /// Parses `text` for operands of `ranks` ("ij,jk->ik"; without "->" the
  /// output is the ellipsis then the letters seen once, sorted). Returns
  /// nullopt with `error` set when malformed.
  static std::optional<EinsumEquation> parse(llvm::StringRef text,
                                             llvm::ArrayRef<int64_t> ranks,
                                             std::string &error);

  /// The size of every label, from the operand shapes; nullopt with
  /// `error` set when two sizes of one label disagree.
  std::optional<std::map<int, int64_t>>
  getLabelSizes(llvm::ArrayRef<std::vector<int64_t>> shapes,
                std::string &error) const;
};

} // namespace mlir::effai::onnx_import

#endif // EFFAI_LIB_IMPORT_ONNX_EINSUMEQUATION_H
