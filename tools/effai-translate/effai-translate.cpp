//===- effai-translate.cpp - effai translation driver -----------*- C++ -*-===//
//
// Translations in and out of effai IR, like mlir-translate:
// `effai-translate --import-onnx model.onnx -o model.mlir`, and out of
// effai_fpga accelerators: `--fpga-report`, `--fpga-report-table`.
//
//===----------------------------------------------------------------------===//

#include "effai/Import/ONNX/ONNXImporter.h"
#include "effai/Target/FPGA/Report.h"
#include "mlir/Tools/mlir-translate/MlirTranslateMain.h"

int main(int argc, char **argv) {
  mlir::effai::registerOnnxImportTranslation();
  mlir::effai::registerFPGATranslations();
  return mlir::failed(
      mlir::mlirTranslateMain(argc, argv, "effai translation driver\n"));
}
