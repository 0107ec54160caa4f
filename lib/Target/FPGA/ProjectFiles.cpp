//===- ProjectFiles.cpp - the files an FPGA emitter writes ----------------===//

#include "effai/Target/FPGA/ProjectFiles.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

LogicalResult mlir::effai::fpga::writeProjectFiles(ArrayRef<ProjectFile> files,
                                                   StringRef directory,
                                                   std::string &error) {
  for (const ProjectFile &file : files) {
    SmallString<128> path(directory);
    llvm::sys::path::append(path, file.path);
    StringRef parent = llvm::sys::path::parent_path(path);
    if (std::error_code ec = llvm::sys::fs::create_directories(parent)) {
      error = "cannot create '" + parent.str() + "': " + ec.message();
      return failure();
    }
    std::error_code ec;
    llvm::raw_fd_ostream out(path, ec);
    if (ec) {
      error = "cannot write '" + path.str().str() + "': " + ec.message();
      return failure();
    }
    out << file.text;
  }
  return success();
}

void mlir::effai::fpga::printProjectFiles(ArrayRef<ProjectFile> files,
                                          raw_ostream &os) {
  for (const ProjectFile &file : files)
    os << "// === " << file.path << " ===\n" << file.text;
}
