//===- EinsumEquation.cpp - parse ONNX Einsum equations ---------*- C++ -*-===//

#include "EinsumEquation.h"

#include "llvm/ADT/SmallVector.h"

#include <cctype>

using namespace mlir::effai::onnx_import;

/// Parses one term ("ij", "b...k", "") of an operand of rank `rank`, or of
/// the output (rank -1) whose ellipsis takes `ellipsisRank` dims.
static bool parseTerm(llvm::StringRef text, int64_t rank, int64_t ellipsisRank,
                      std::vector<int> &labels, std::string &error) {
  text = text.trim();
  size_t dots = text.find("...");
  int64_t letters = 0;
  for (char c : text)
    letters += std::isalpha(static_cast<unsigned char>(c)) != 0;
  int64_t broadcastDims = rank >= 0 ? rank - letters : ellipsisRank;
  if (rank >= 0 &&
      (dots == llvm::StringRef::npos ? letters != rank : broadcastDims < 0)) {
    error = "term '" + text.str() + "' has " + std::to_string(letters) +
            " labels for an operand of rank " + std::to_string(rank);
    return false;
  }
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (i == dots) {
      for (int64_t d = broadcastDims; d > 0; --d)
        labels.push_back(EinsumEquation::kEllipsisLabel + int(d) - 1);
      i += 2;
    } else if (std::isalpha(static_cast<unsigned char>(c))) {
      labels.push_back(c >= 'a' ? c - 'a' : 26 + c - 'A');
    } else if (c != ' ') {
      error = std::string("unexpected character '") + c + "' in term '" +
              text.str() + "'";
      return false;
    }
  }
  return true;
}

std::optional<EinsumEquation>
EinsumEquation::parse(llvm::StringRef text, llvm::ArrayRef<int64_t> ranks,
                      std::string &error) {
  auto [lhs, rhs] = text.split("->");
  bool explicitOutput = text.contains("->");
  llvm::SmallVector<llvm::StringRef> terms;
  lhs.split(terms, ',');
  if (terms.size() != ranks.size()) {
    error = "equation '" + text.str() + "' has " +
            std::to_string(terms.size()) + " input terms for " +
            std::to_string(ranks.size()) + " operands";
    return std::nullopt;
  }
  EinsumEquation equation;
  int64_t ellipsisRank = 0;
  std::map<int, int> counts;
  for (auto [term, rank] : llvm::zip(terms, ranks)) {
    std::vector<int> &labels = equation.inputs.emplace_back();
    if (!parseTerm(term, rank, 0, labels, error))
      return std::nullopt;
    for (int label : labels) {
      ++counts[label];
      if (label >= kEllipsisLabel)
        ellipsisRank =
            std::max<int64_t>(ellipsisRank, label - kEllipsisLabel + 1);
    }
  }
  if (explicitOutput) {
    if (!parseTerm(rhs, -1, ellipsisRank, equation.output, error))
      return std::nullopt;
    for (int label : equation.output)
      if (!counts.count(label)) {
        error = "an output label of '" + text.str() + "' is in no input";
        return std::nullopt;
      }
    return equation;
  }
  for (int64_t d = ellipsisRank; d > 0; --d)
    equation.output.push_back(kEllipsisLabel + int(d) - 1);
  for (auto [label, count] : counts)
    if (label < kEllipsisLabel && count == 1)
      equation.output.push_back(label);
  return equation;
}

std::optional<std::map<int, int64_t>>
EinsumEquation::getLabelSizes(llvm::ArrayRef<std::vector<int64_t>> shapes,
                              std::string &error) const {
  std::map<int, int64_t> sizes;
  for (auto [labels, shape] : llvm::zip(inputs, shapes))
    for (auto [label, size] : llvm::zip(labels, shape)) {
      auto [it, inserted] = sizes.try_emplace(label, size);
      if (!inserted && it->second != size) {
        error = "a label has sizes " + std::to_string(it->second) + " and " +
                std::to_string(size) +
                " (broadcasting within Einsum is not supported)";
        return std::nullopt;
      }
    }
  return sizes;
}
