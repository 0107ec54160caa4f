//===- effai-opt.cpp - effai optimizer driver -------------------*- C++ -*-===//
//
// Runs any effai or upstream pass or pipeline on textual IR, like mlir-opt.
//
//===----------------------------------------------------------------------===//

#include "effai/InitAll.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  mlir::effai::registerAllDialects(registry);
  mlir::effai::registerAllPasses();
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "effai optimizer driver\n", registry));
}
