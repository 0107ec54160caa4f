//===- RTLEmitter.cpp - Verilog of a streaming accelerator ----------------===//
//
// Applies the fold like the HLS emitter (the same weight schedule), as
// instances of effai_rtl.v's PE modules. ROM words are written LSB first:
// a MAC word is {lane[LANES-1], ..., lane[0], last}, each lane {index,
// weight}, `last` set on a group's final step.
//
//===----------------------------------------------------------------------===//

#include "effai/Target/FPGA/RTLEmitter.h"

#include "effai/Dialect/Effai/IR/EffaiAttrs.h"
#include "effai/Target/FPGA/Estimator.h"
#include "effai/Target/FPGA/HLSEmitter.h"
#include "effai/Target/FPGA/WeightSchedule.h"
#include "effai/Version.h"

#include "llvm/ADT/APInt.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MathExtras.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace mlir::effai;
using namespace mlir::effai::fpga;

namespace {

// The PE library, embedded at build time (RTLLibrary.inc).
#include "RTLLibrary.inc"

/// `value` as `bits` hex digits' worth of a two's complement word.
std::string toHex(const llvm::APInt &value) {
  SmallString<32> text;
  value.toString(text, 16, /*Signed=*/false);
  std::string padded((value.getBitWidth() + 3) / 4 - text.size(), '0');
  return padded + text.str().str();
}

/// The arithmetic of effai_linear's ARITH parameter.
int64_t getArithCode(StringRef arithmetic) {
  return llvm::StringSwitch<int64_t>(arithmetic)
      .Case("dsp", 0)
      .Case("dsp-packed", 1)
      .Case("lut-mul", 2)
      .Case("shift-add", 3)
      .Default(0);
}

/// effai_ram's STYLE for a window's line buffer.
int64_t getLineStyle(const LayerProfile &profile, FPGAAttr part) {
  if (profile.lineBufferDepth == 0)
    return 0;
  return int64_t(
      getBufferStyle(profile.lineBufferWidth, profile.lineBufferDepth, part));
}

class VerilogEmitter {
public:
  VerilogEmitter(AcceleratorOp accelerator) : accelerator(accelerator) {}
  FailureOr<std::vector<ProjectFile>> emit();

private:
  /// One PE's instance (and its ROM files).
  LogicalResult emitPE(Operation *op, int64_t index, raw_ostream &os);
  /// A conv2d or linear PE: its ROM files and its module's parameters.
  void emitMAC(Operation *op, StringRef id, const LayerProfile &profile,
               FoldAttr fold, raw_ostream &os);
  /// `name`_data/_valid/_ready: the wires of a stream.
  std::string getWires(Value stream) { return names.lookup(stream); }

  AcceleratorOp accelerator;
  FPGAAttr part;
  DenseMap<Value, std::string> names;
  std::vector<ProjectFile> files;
};

void VerilogEmitter::emitMAC(Operation *op, StringRef id,
                             const LayerProfile &profile, FoldAttr fold,
                             raw_ostream &os) {
  auto input = cast<StreamType>(op->getOperand(0).getType());
  auto output = cast<StreamType>(op->getResult(0).getType());
  auto conv = dyn_cast<Conv2DOp>(op);
  auto linear = dyn_cast<LinearOp>(op);
  RequantAttr requant = conv ? conv.getRequantAttr() : linear.getRequantAttr();
  ElementsAttr biasAttr = conv ? conv.getBias() : linear.getBias();
  int64_t zeroPoint =
      conv ? conv.getInputZeroPoint() : linear.getInputZeroPoint();
  WeightSchedule schedule = scheduleWeights(op, fold);
  bool shiftAdd = fold.getArithmetic() == "shift-add";
  int64_t expBits = getIndexBits(profile.maxShift + 1);
  int64_t weightBits = getROMWeightBits(profile, fold);
  int64_t indexBits = getIndexBits(schedule.inputs);
  int64_t pe = fold.getPe(), lanes = pe * fold.getSimd();
  // Dense lanes read their inputs by chunk; the others find each input's
  // index in the ROM word.
  bool dense = readsInputsInChunks(profile, fold);
  int64_t entryBits = getROMEntryBits(profile, fold);
  int64_t wordBits = 1 + lanes * entryBits;

  // Weights with their inputs, a word per cycle; `last` ends a group.
  std::string weights;
  int64_t step = 0;
  for (int64_t groupSteps : schedule.groupSteps)
    for (int64_t s = 0; s < groupSteps; ++s, ++step) {
      llvm::APInt word(wordBits, s == groupSteps - 1 ? 1 : 0);
      for (auto [lane, entry] : llvm::enumerate(schedule.steps[step])) {
        auto [inputIndex, w] = entry;
        uint64_t bits = uint64_t(w);
        if (shiftAdd) {
          Pow2Terms t = *decomposePow2(w);
          auto sign = [](int64_t s) { return s == 0 ? 0u : s > 0 ? 1u : 3u; };
          bits = uint64_t(t.e0) | uint64_t(t.e1) << expBits |
                 uint64_t(sign(t.s0)) << (2 * expBits) |
                 uint64_t(sign(t.s1)) << (2 * expBits + 2);
        }
        int64_t base = 1 + lane * entryBits;
        word.insertBits(llvm::APInt(weightBits, bits, /*isSigned=*/!shiftAdd,
                                    /*implicitTrunc=*/true),
                        base);
        if (!dense)
          word.insertBits(llvm::APInt(indexBits, inputIndex),
                          base + weightBits);
      }
      weights += toHex(word) + "\n";
    }
  // Biases and requantization constants a word per group of PE channels,
  // the first channel lowest.
  std::string biases, requants;
  SmallVector<int64_t> bias = readIntegers(biasAttr);
  for (int64_t g = 0; g < profile.outChannels / pe; ++g) {
    llvm::APInt biasWord(pe * 32, 0), requantWord(pe * 39, 0);
    for (int64_t p = 0; p < pe; ++p) {
      int64_t o = g * pe + p;
      biasWord.insertBits(llvm::APInt(32, uint64_t(bias[o]), true, true),
                          p * 32);
      uint64_t m = 0, s = 1;
      if (requant) {
        size_t i = requant.getMultipliers().size() == 1 ? 0 : o;
        m = requant.getMultipliers()[i];
        s = requant.getShifts()[i];
      }
      requantWord.insertBits(llvm::APInt(39, s << 32 | m), p * 39);
    }
    biases += toHex(biasWord) + "\n";
    requants += toHex(requantWord) + "\n";
  }
  files.push_back({id.str() + "_weights.mem", weights});
  files.push_back({id.str() + "_biases.mem", biases});
  files.push_back({id.str() + "_requants.mem", requants});

  auto [outLo, outHi] = getCodeRange(output.getElementType());
  std::string geometry;
  if (conv) {
    ArrayRef<int64_t> in = input.getShape(), pads = conv.getPads(),
                      kernel = conv.getWeights().getShapedType().getShape();
    geometry = llvm::formatv(
        "effai_conv2d #(.H({0}), .W({1}), .C({2}), .KH({3}), .KW({4}), "
        ".SH({5}), .SW({6}), .PAD_T({7}), .PAD_L({8}), .HP({9}), .WP({10}), "
        ".LINE_STYLE({11}), ",
        in[0], in[1], in[2], kernel[1], kernel[2], conv.getStrides()[0],
        conv.getStrides()[1], pads[0], pads[1], in[0] + pads[0] + pads[2],
        in[1] + pads[1] + pads[3], getLineStyle(profile, part));
  } else {
    geometry = llvm::formatv(
        "effai_linear #(.IN_BEATS({0}), .BEAT({1}), .K({2}), ",
        getBeatCount(input), input.getShape().back(), input.getNumElements());
  }
  os << "  " << geometry
     << llvm::formatv(
            ".IN_W({0}), .IN_SIGNED({1}), .ZP({2}), .O({3}), .PE({4}), "
            ".SIMD({5}), .STEPS({6}), .ARITH({7}), .WB({8}), .EB({9}), "
            ".IB({10}), .OP_W({11}), .ACC_W({12}), .OUT_W({13}), "
            ".REQUANT({14}), .OUT_ZP({15}), .OUT_MIN({16}), .OUT_MAX({17}), "
            ".ROM_STYLE({19}), .DENSE({20}), "
            ".WEIGHTS(\"{18}_weights.mem\"), .BIASES(\"{18}_biases.mem\"), "
            ".REQUANTS(\"{18}_requants.mem\"))",
            input.getElementType().getWidth(),
            input.getElementType().isUnsigned() ? 0 : 1, zeroPoint,
            profile.outChannels, fold.getPe(), fold.getSimd(), step,
            getArithCode(fold.getArithmetic()), weightBits, expBits, indexBits,
            profile.operandBits, fold.getAccBits(),
            output.getElementType().getWidth(), requant ? 1 : 0,
            requant ? requant.getZeroPoint() : 0,
            requant ? requant.getMin() : outLo,
            requant ? requant.getMax() : outHi, id,
            int64_t(getWeightStyle(fold)), dense ? 1 : 0);
}

LogicalResult VerilogEmitter::emitPE(Operation *op, int64_t index,
                                     raw_ostream &os) {
  LayerProfile profile = profileLayer(op);
  auto fold = op->getAttrOfType<FoldAttr>("fold");
  if (failed(checkBuildable(op, profile, fold, "Verilog")))
    return failure();
  if (fold.getStorage() == "lutram" && part.getLutInputs() < 6)
    return op->emitError("Verilog: ")
           << part.getPart() << " has no LUTRAM for the weights: use bram "
           << "or registers";
  std::string id = getPEInstanceName(op, index);
  auto input = cast<StreamType>(op->getOperand(0).getType());
  auto output = cast<StreamType>(op->getResult(0).getType());
  std::string in = getWires(op->getOperand(0));
  int64_t outBeatBits =
      output.getShape().back() * output.getElementType().getWidth();
  // The PE writes into its FIFO (or the output port it feeds): the wires
  // of both, declared before their first use.
  bool yielded = llvm::is_contained(
      accelerator.getBlock().getTerminator()->getOperands(), op->getResult(0));
  std::string pe = yielded ? getWires(op->getResult(0)) : id + "_pe";
  os << "  // " << getPEName(op, index) << "\n";
  if (!yielded)
    for (const std::string &name : {getWires(op->getResult(0)), pe})
      os << "  wire [" << outBeatBits - 1 << ":0] " << name << "_data;\n  wire "
         << name << "_valid, " << name << "_ready;\n";
  if (profile.hasProducts()) {
    emitMAC(op, id, profile, fold, os);
  } else if (auto pool = dyn_cast<MaxPoolOp>(op)) {
    ArrayRef<int64_t> in = input.getShape();
    os << llvm::formatv("  effai_maxpool #(.H({0}), .W({1}), .C({2}), "
                        ".KH({3}), .KW({4}), .SH({5}), .SW({6}), .IN_W({7}), "
                        ".SIGNED({8}), .LINE_STYLE({9}))",
                        in[0], in[1], in[2], pool.getWindow()[0],
                        pool.getWindow()[1], pool.getStrides()[0],
                        pool.getStrides()[1], input.getElementType().getWidth(),
                        input.getElementType().isUnsigned() ? 0 : 1,
                        getLineStyle(profile, part));
  } else if (auto clamp = dyn_cast<ClampOp>(op)) {
    os << llvm::formatv("  effai_clamp #(.BEAT({0}), .W({1}), .SIGNED({2}), "
                        ".MIN({3}), .MAX({4}))",
                        input.getShape().back(),
                        input.getElementType().getWidth(),
                        input.getElementType().isUnsigned() ? 0 : 1,
                        int64_t(clamp.getMin()), int64_t(clamp.getMax()));
  } else {
    return op->emitError("Verilog: no Verilog PE for ") << op->getName();
  }
  os << " " << id << " (.clk(clk), .rst(rst), .in_data(" << in
     << "_data), .in_valid(" << in << "_valid), .in_ready(" << in
     << "_ready), .out_data(" << pe << "_data), .out_valid(" << pe
     << "_valid), .out_ready(" << pe << "_ready));\n";
  if (!yielded)
    os << llvm::formatv(
        "  effai_fifo #(.WIDTH({0}), .DEPTH({1}), .STYLE({4})) {5} "
        "(.clk(clk), "
        ".rst(rst), .in_data({3}_data), .in_valid({3}_valid), "
        ".in_ready({3}_ready), .out_data({2}_data), .out_valid({2}_valid), "
        ".out_ready({2}_ready));\n",
        outBeatBits, fold.getFifoDepth(), getWires(op->getResult(0)), pe,
        int64_t(getBufferStyle(outBeatBits, fold.getFifoDepth(), part)),
        getFIFOInstanceName(op, index));
  return success();
}

FailureOr<std::vector<ProjectFile>> VerilogEmitter::emit() {
  auto module = accelerator->getParentOfType<ModuleOp>();
  auto target =
      module ? module->getAttrOfType<TargetAttr>(TargetAttr::getAttrName())
             : TargetAttr();
  if (!target || !target.getFpga())
    return accelerator.emitError("Verilog: the module needs an FPGA "
                                 "effai.target (effai-set-target{target=...})");
  part = target.getFpga();
  Block &block = accelerator.getBlock();
  ValueRange outputs = block.getTerminator()->getOperands();
  for (Value port : llvm::concat<Value>(block.getArguments(), outputs)) {
    if (isa<BlockArgument>(port) && llvm::is_contained(outputs, port))
      return accelerator.emitError("Verilog: an output is an input passed "
                                   "through; nothing computes it");
    names[port] = getPortVariable(accelerator, port);
  }
  int64_t index = 0;
  for (Operation &op : block.without_terminator()) {
    if (!names.count(op.getResult(0)))
      names[op.getResult(0)] = getPEInstanceName(&op, index) + "_out";
    ++index;
  }

  std::string top = getTopFunctionName(accelerator);
  std::string text;
  llvm::raw_string_ostream os(text);
  os << "// The accelerator @" << accelerator.getSymName()
     << ": one PE per layer, FIFOs between them, valid/ready streams.\n"
     << "// Generated by effai " EFFAI_VERSION_STRING " for "
     << target.getFpga().getPart() << ".\n`default_nettype none\n\nmodule "
     << top << " (\n  input wire clk,\n  input wire rst";
  for (Value port : llvm::concat<Value>(block.getArguments(), outputs)) {
    auto type = cast<StreamType>(port.getType());
    bool in = isa<BlockArgument>(port);
    int64_t bits = type.getShape().back() * type.getElementType().getWidth();
    std::string name = getWires(port);
    os << ",\n  " << (in ? "input" : "output") << " wire [" << bits - 1
       << ":0] " << name << "_data,\n  " << (in ? "input" : "output")
       << " wire " << name << "_valid,\n  " << (in ? "output" : "input")
       << " wire " << name << "_ready";
  }
  os << "\n);\n";
  index = 0;
  for (Operation &op : block.without_terminator())
    if (failed(emitPE(&op, index++, os)))
      return failure();
  os << "endmodule\n\n`default_nettype wire\n";

  files.insert(files.begin(), {"effai_rtl.v", kEffaiRTLLibrary});
  files.insert(files.begin() + 1, {top + ".v", text});
  return files;
}

} // namespace

std::string mlir::effai::fpga::getPEInstanceName(Operation *pe, int64_t index) {
  return pe->getName().stripDialect().str() + std::to_string(index);
}

std::string mlir::effai::fpga::getFIFOInstanceName(Operation *pe,
                                                   int64_t index) {
  return getPEInstanceName(pe, index) + "_out_fifo";
}

FailureOr<std::vector<ProjectFile>>
mlir::effai::fpga::emitVerilogProject(AcceleratorOp accelerator) {
  return VerilogEmitter(accelerator).emit();
}
