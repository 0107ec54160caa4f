//===- EffaiParameters.td - attribute parameters effai shares --*- tablegen -*-===//
//
// Parameters used by the effai and effai_fpga dialects' attributes.
//
//===----------------------------------------------------------------------===//

#ifndef EFFAI_DIALECT_EFFAI_IR_EFFAIPARAMETERS_TD
#define EFFAI_DIALECT_EFFAI_IR_EFFAIPARAMETERS_TD

include "mlir/IR/AttrTypeBase.td"

// f64 values (scales) printed so that they parse back bit for bit: a
// dense array prints six digits, which changes a model's numerics when it
// goes through text.
class Effai_ExactF64Array
    : AttrParameter<"::mlir::DenseF64ArrayAttr", "f64 values, exact in text"> {
  let printer = [{ ::mlir::effai::printExactF64Array($_printer, $_self) }];
  let parser = [{ ::mlir::effai::parseExactF64Array($_parser) }];
}
def Effai_ExactF64ArrayParameter : Effai_ExactF64Array;
def Effai_OptionalExactF64ArrayParameter : Effai_ExactF64Array {
  let defaultValue = "::mlir::DenseF64ArrayAttr()";
}

#endif // EFFAI_DIALECT_EFFAI_IR_EFFAIPARAMETERS_TD
