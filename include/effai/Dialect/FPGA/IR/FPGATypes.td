//===- FPGATypes.td - effai_fpga types ---------------------*- tablegen -*-===//

#ifndef EFFAI_DIALECT_FPGA_IR_FPGATYPES_TD
#define EFFAI_DIALECT_FPGA_IR_FPGATYPES_TD

include "effai/Dialect/FPGA/IR/FPGADialect.td"
include "mlir/IR/AttrTypeBase.td"

def FPGA_StreamType : FPGA_Type<"Stream", "stream"> {
  let summary = "One frame of a tensor of integer codes, streamed";
  let description = [{
    `shape` is the frame: `[H, W, C]` for a feature map, sent pixel by
    pixel with the channels innermost, or `[N]` for a vector; `elementType`
    the integer code on the wire (`ui8` activations, `i32` accumulators).

    ```mlir
    !effai_fpga.stream<8x8x16xui8>
    !effai_fpga.stream<10xi32>
    ```
  }];
  let parameters = (ins ArrayRefParameter<"int64_t">:$shape,
                        "::mlir::IntegerType":$elementType);
  let hasCustomAssemblyFormat = 1;
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// Elements of one frame.
    int64_t getNumElements() const;
  }];
}

#endif // EFFAI_DIALECT_FPGA_IR_FPGATYPES_TD
