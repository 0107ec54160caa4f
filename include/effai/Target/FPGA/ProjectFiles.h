//===- ProjectFiles.h - the files an FPGA emitter writes --------*- C++ -*-===//
//
// The HLS and Verilog emitters return their projects as files; the tools
// write them into a directory (effai-compile --target=fpga-hls|fpga-rtl),
// print them (effai-translate) or build them (the simulation artifacts).
//
//===----------------------------------------------------------------------===//

#ifndef EFFAI_TARGET_FPGA_PROJECTFILES_H
#define EFFAI_TARGET_FPGA_PROJECTFILES_H

#include "mlir/Support/LLVM.h"

#include <string>
#include <vector>

namespace mlir::effai::fpga {

/// One file of a project, its path relative to the project.
struct ProjectFile {
  std::string path;
  std::string text;
};

/// Writes `files` under `directory` (created as needed); false with
/// `error` saying which file could not be written.
LogicalResult writeProjectFiles(ArrayRef<ProjectFile> files,
                                StringRef directory, std::string &error);

/// Prints every file after a "// === <path> ===" line.
void printProjectFiles(ArrayRef<ProjectFile> files, raw_ostream &os);

} // namespace mlir::effai::fpga

#endif // EFFAI_TARGET_FPGA_PROJECTFILES_H
