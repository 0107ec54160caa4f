//===- effai-translate.cpp - effai translation driver -----------*- C++ -*-===//
//
// Translations in and out of effai IR, like mlir-translate:
// `effai-translate --import-onnx model.onnx -o model.mlir`.
//
//===----------------------------------------------------------------------===//

#include "effai/Import/ONNX/ONNXImporter.h"
#include "mlir/Tools/mlir-translate/MlirTranslateMain.h"

int main(int argc, char **argv) {
  mlir::effai::registerOnnxImportTranslation();
  return mlir::failed(
      mlir::mlirTranslateMain(argc, argv, "effai translation driver\n"));
}
