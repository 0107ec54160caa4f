//===- HLSEmitter.cpp - Vitis HLS C++ of a streaming accelerator ----------===//
//
// The mechanism that applies effai-fpga-fold's decisions: a config struct
// per PE with the widths the estimator derived (exact accumulators), the
// weights laid out as the fold reads them (one pe x simd word per cycle,
// compacted with input indices under skip_zeros, as power-of-two terms for
// shift-add), and a DATAFLOW top function. The templates it instantiates
// live in HLS/effai_layers.h.
//
//===----------------------------------------------------------------------===//

#include "effai/Target/FPGA/HLSEmitter.h"

#include "effai/Dialect/Effai/IR/EffaiAttrs.h"
#include "effai/Target/FPGA/Estimator.h"
#include "effai/Target/FPGA/WeightSchedule.h"
#include "effai/Version.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MathExtras.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace mlir::effai;
using namespace mlir::effai::fpga;

namespace {

// The support headers, embedded at build time (HLSSupportHeaders.inc).
#include "HLSSupportHeaders.inc"

/// PEs per accelerator (effai_hls::cycles in effai_hls.h).
constexpr int64_t kMaxPEs = 256;

/// A C identifier from a tensor or layer name.
std::string toIdentifier(StringRef name) {
  std::string id;
  for (char c : name)
    id.push_back(llvm::isAlnum(c) ? c : '_');
  if (id.empty() || llvm::isDigit(id[0]))
    id = "t_" + id;
  return id;
}

/// `text` with quotes and backslashes escaped, for a C string literal.
std::string escapeCString(StringRef text) {
  std::string escaped;
  for (char c : text) {
    if (c == '"' || c == '\\')
      escaped.push_back('\\');
    escaped.push_back(llvm::isPrint(c) ? c : '_');
  }
  return escaped;
}

/// ap_int<N> / ap_uint<N> for a stream's element type.
std::string getCodeType(IntegerType type) {
  return llvm::formatv("{0}<{1}>", type.isUnsigned() ? "ap_uint" : "ap_int",
                       type.getWidth());
}

/// effai::array<code, channels>: one beat of `stream`.
std::string getBeatType(StreamType stream) {
  return llvm::formatv("effai::array<{0}, {1}>",
                       getCodeType(stream.getElementType()),
                       stream.getShape().back());
}

/// A PE as the emitter sees it.
struct PE {
  Operation *op;
  int64_t index;
  std::string id;   ///< C identifier: "conv2d0"
  std::string name; ///< in reports and counters: the model layer
  LayerProfile profile;
  FoldAttr fold;
};

/// How the weights of a MAC PE are stored: the C++ type of one entry
/// and every entry, one row of pe x simd per cycle.
struct WeightTable {
  std::string type;
  std::vector<std::vector<std::string>> rows;
  /// Cycles of each group of pe output channels.
  SmallVector<int64_t> groupSteps;
};

/// One weight entry's initializer: the integer, or shift-add terms.
std::string formatWeight(int64_t w, bool shiftAdd) {
  if (!shiftAdd)
    return std::to_string(w);
  Pow2Terms t = *decomposePow2(w);
  return llvm::formatv("{{{0}, {1}, {2}, {3}}", t.s0, t.s1, t.e0, t.e1);
}

WeightTable buildWeightTable(const PE &pe) {
  const LayerProfile &profile = pe.profile;
  bool shiftAdd = pe.fold.getArithmetic() == "shift-add";
  bool skipZeros = pe.fold.getSkipZeros();
  WeightSchedule schedule = scheduleWeights(pe.op, pe.fold);

  WeightTable table;
  std::string value =
      shiftAdd ? llvm::formatv("effai::pow2_weight<{0}>",
                               getIndexBits(profile.maxShift + 1))
                     .str()
               : llvm::formatv("ap_int<{0}>", profile.weightBits).str();
  table.type = skipZeros ? llvm::formatv("effai::sparse_weight<{0}, {1}>",
                                         value, getIndexBits(schedule.inputs))
                               .str()
                         : value;
  table.groupSteps = schedule.groupSteps;
  for (ArrayRef<std::pair<int64_t, int64_t>> word : schedule.steps) {
    std::vector<std::string> row;
    for (auto [input, w] : word) {
      std::string entry = formatWeight(w, shiftAdd);
      row.push_back(skipZeros ? llvm::formatv("{{{0}, {1}}", entry, input).str()
                              : entry);
    }
    table.rows.push_back(std::move(row));
  }
  return table;
}

class ProjectEmitter {
public:
  ProjectEmitter(AcceleratorOp accelerator) : accelerator(accelerator) {}

  FailureOr<std::vector<ProjectFile>> emit();

private:
  std::string emitConfig(const PE &pe, const WeightTable *table);
  std::string emitWeights(const PE &pe, const WeightTable &table);
  std::string emitTopHeader();
  std::string emitTopSource();
  std::string emitBuildScript(StringRef part, double clockGhz);

  /// The C++ variable of a stream: a port, or a PE's output FIFO.
  std::string getStreamName(Value stream);

  AcceleratorOp accelerator;
  std::vector<PE> pes;
  DenseMap<Value, std::string> streamNames;
};

std::string ProjectEmitter::getStreamName(Value stream) {
  return streamNames.lookup(stream);
}

std::string ProjectEmitter::emitConfig(const PE &pe, const WeightTable *table) {
  std::string text;
  llvm::raw_string_ostream os(text);
  auto input = cast<StreamType>(pe.op->getOperand(0).getType());
  auto output = cast<StreamType>(pe.op->getResult(0).getType());
  const LayerProfile &profile = pe.profile;
  os << "/// " << pe.name << ": " << pe.op->getName().getStringRef();
  if (profile.hasProducts())
    os << ", pe " << pe.fold.getPe() << ", simd " << pe.fold.getSimd() << ", "
       << pe.fold.getArithmetic() << ", weights in " << pe.fold.getStorage()
       << (pe.fold.getSkipZeros() ? ", pruned weights skipped" : "");
  else
    os << ", one input beat per cycle";
  os << "\n";
  os << "struct " << pe.id << "_config {\n";
  os << "  typedef " << getCodeType(input.getElementType()) << " input_t;\n"
     << "  typedef " << getBeatType(input) << " input_beat;\n"
     << "  typedef " << getCodeType(output.getElementType()) << " output_t;\n"
     << "  typedef " << getBeatType(output) << " output_beat;\n"
     << "  static const int counter = " << pe.index << ";\n";
  auto dims = [&](ArrayRef<std::pair<StringRef, int64_t>> values) {
    os << "  static const int ";
    llvm::interleaveComma(values, os, [&](auto value) {
      os << value.first << " = " << value.second;
    });
    os << ";\n";
  };
  ArrayRef<int64_t> in = input.getShape();
  if (auto pool = dyn_cast<MaxPoolOp>(pe.op)) {
    dims({{"height", in[0]}, {"width", in[1]}, {"channels", in[2]}});
    dims({{"kernel_h", pool.getWindow()[0]},
          {"kernel_w", pool.getWindow()[1]},
          {"stride_h", pool.getStrides()[0]},
          {"stride_w", pool.getStrides()[1]}});
  } else if (auto clamp = dyn_cast<ClampOp>(pe.op)) {
    dims({{"in_beats", getBeatCount(input)},
          {"beat_size", input.getShape().back()}});
    dims({{"min", clamp.getMin()}, {"max", clamp.getMax()}});
  } else {
    // A MAC PE: widths, geometry, fold.
    int64_t zeroPoint = 0, xSize = profile.reduction;
    RequantAttr requant;
    if (auto conv = dyn_cast<Conv2DOp>(pe.op)) {
      ArrayRef<int64_t> pads = conv.getPads(),
                        kernel = conv.getWeights().getShapedType().getShape();
      zeroPoint = conv.getInputZeroPoint();
      requant = conv.getRequantAttr();
      xSize = kernel[1] * kernel[2] * in[2];
      dims({{"height", in[0]}, {"width", in[1]}, {"channels", in[2]}});
      dims({{"kernel_h", kernel[1]},
            {"kernel_w", kernel[2]},
            {"stride_h", conv.getStrides()[0]},
            {"stride_w", conv.getStrides()[1]}});
      dims({{"pad_top", pads[0]},
            {"pad_left", pads[1]},
            {"padded_height", in[0] + pads[0] + pads[2]},
            {"padded_width", in[1] + pads[1] + pads[3]}});
    } else {
      auto linear = cast<LinearOp>(pe.op);
      zeroPoint = linear.getInputZeroPoint();
      requant = linear.getRequantAttr();
      dims({{"in_beats", getBeatCount(input)},
            {"beat_size", input.getShape().back()}});
    }
    int64_t productBits = profile.operandBits + profile.weightBits +
                          (pe.fold.getArithmetic() == "shift-add" ? 1 : 0);
    os << "  typedef ap_int<" << profile.operandBits << "> operand_t;\n"
       << "  typedef " << table->type << " weight_t;\n"
       << "  typedef ap_int<" << productBits << "> product_t;\n"
       << "  typedef ap_int<" << pe.fold.getAccBits() << "> acc_t;\n"
       << "  typedef ap_int<32> bias_t;\n";
    dims({{"input_zero_point", zeroPoint},
          {"out_channels", profile.outChannels},
          {"reduction", profile.reduction},
          {"x_size", xSize}});
    dims({{"pe", pe.fold.getPe()},
          {"simd", pe.fold.getSimd()},
          {"steps", int64_t(table->rows.size())}});
    std::string arithmetic = pe.fold.getArithmetic().str();
    std::replace(arithmetic.begin(), arithmetic.end(), '-', '_');
    os << "  static const effai::arithmetic arith = effai::arith_" << arithmetic
       << ";\n";
    os << "  static const bool requantizes = " << (requant ? "true" : "false")
       << ";\n";
    dims({{"out_zero_point", requant ? requant.getZeroPoint() : 0},
          {"out_min", requant ? requant.getMin() : 0},
          {"out_max", requant ? requant.getMax() : 0}});
    // Cycles of each group of pe channels.
    ArrayRef<int64_t> groupSteps = table->groupSteps;
    if (llvm::all_equal(groupSteps)) {
      os << "  static int group_steps(int) { return " << groupSteps.front()
         << "; }\n";
    } else {
      os << "  static int group_steps(int g) {\n"
         << "    static const int steps[" << groupSteps.size() << "] = {";
      llvm::interleaveComma(groupSteps, os);
      os << "};\n    return steps[g];\n  }\n";
    }
    // Where output channel o's k-th weight finds its input.
    auto conv = dyn_cast<Conv2DOp>(pe.op);
    if (!conv || conv.getGroups() == 1) {
      os << "  static int input_index(int, int k) { return k; }\n";
    } else {
      int64_t groupChannels = in[2] / conv.getGroups();
      int64_t groupOutputs = profile.outChannels / conv.getGroups();
      os << llvm::formatv("  static int input_index(int o, int k) {{\n"
                          "    return k / {0} * {1} + o / {2} * {0} + k % "
                          "{0};\n  }\n",
                          groupChannels, in[2], groupOutputs);
    }
  }
  os << "};\n\n";
  return text;
}

std::string ProjectEmitter::emitWeights(const PE &pe,
                                        const WeightTable &table) {
  std::string text;
  llvm::raw_string_ostream os(text);
  std::string guard = "EFFAI_WEIGHTS_" + llvm::StringRef(pe.id).upper() + "_H";
  os << "// " << pe.name << ": " << table.rows.size() << " words of "
     << pe.fold.getPe() << " x " << pe.fold.getSimd()
     << (pe.fold.getSkipZeros() ? " kept weights and their inputs" : " weights")
     << ", one per cycle.\n#ifndef " << guard << "\n#define " << guard
     << "\n\n#include \"../parameters.h\"\n\n";
  os << "static const " << pe.id << "_config::weight_t " << pe.id << "_weights["
     << table.rows.size() << "][" << pe.fold.getPe() * pe.fold.getSimd()
     << "] = {\n";
  for (const std::vector<std::string> &row : table.rows) {
    os << "    {";
    llvm::interleaveComma(row, os);
    os << "},\n";
  }
  os << "};\n\n";
  ElementsAttr bias = isa<Conv2DOp>(pe.op) ? cast<Conv2DOp>(pe.op).getBias()
                                           : cast<LinearOp>(pe.op).getBias();
  os << "static const " << pe.id << "_config::bias_t " << pe.id << "_bias["
     << pe.profile.outChannels << "] = {";
  llvm::interleaveComma(readIntegers(bias), os);
  os << "};\n\n";
  RequantAttr requant = isa<Conv2DOp>(pe.op)
                            ? cast<Conv2DOp>(pe.op).getRequantAttr()
                            : cast<LinearOp>(pe.op).getRequantAttr();
  os << "// Fixed-point multipliers m and shifts s per output channel"
     << (requant ? "" : " (unused: the PE outputs its accumulators)")
     << ".\nstatic const effai::requant_entry " << pe.id << "_requant["
     << pe.profile.outChannels << "] = {";
  for (int64_t o = 0; o < pe.profile.outChannels; ++o) {
    int64_t m = 0, s = 1;
    if (requant) {
      size_t i = requant.getMultipliers().size() == 1 ? 0 : o;
      m = requant.getMultipliers()[i];
      s = requant.getShifts()[i];
    }
    os << (o ? ", " : "") << "{" << m << ", " << s << "}";
  }
  os << "};\n\n#endif // " << guard << "\n";
  return text;
}

std::string ProjectEmitter::emitTopHeader() {
  std::string top = getTopFunctionName(accelerator);
  std::string text;
  llvm::raw_string_ostream os(text);
  std::string guard = llvm::StringRef(top).upper() + "_H";
  os << "// The accelerator @" << accelerator.getSymName()
     << ": one frame in, one frame out per call.\n#ifndef " << guard
     << "\n#define " << guard << "\n\n#include \"effai_layers.h\"\n\n";
  Block &block = accelerator.getBlock();
  auto ports = [&](ValueRange streams, ArrayAttr attrs, StringRef what) {
    for (auto [stream, attr] : llvm::zip(streams, attrs)) {
      auto port = cast<PortAttr>(attr);
      os << "// " << what << " '" << port.getName()
         << "': " << getBeatCount(cast<StreamType>(stream.getType()))
         << " beats per frame.\ntypedef "
         << getBeatType(cast<StreamType>(stream.getType())) << " "
         << getStreamName(stream) << "_beat;\n";
    }
  };
  ports(block.getArguments(), accelerator.getInputs(), "input");
  ports(block.getTerminator()->getOperands(), accelerator.getOutputs(),
        "output");
  os << "\nvoid " << top << "(";
  bool first = true;
  for (Value stream : block.getArguments())
    os << (std::exchange(first, false) ? "" : ", ") << "hls::stream<"
       << getStreamName(stream) << "_beat> &" << getStreamName(stream);
  for (Value stream : block.getTerminator()->getOperands())
    os << ", hls::stream<" << getStreamName(stream) << "_beat> &"
       << getStreamName(stream);
  os << ");\n\n#endif // " << guard << "\n";
  return text;
}

std::string ProjectEmitter::emitTopSource() {
  std::string top = getTopFunctionName(accelerator);
  std::string text;
  llvm::raw_string_ostream os(text);
  Block &block = accelerator.getBlock();
  os << "// The accelerator @" << accelerator.getSymName()
     << " as a DATAFLOW region: one process per PE, FIFOs between them.\n"
     << "#include \"" << top << ".h\"\n#include \"parameters.h\"\n";
  for (const PE &pe : pes)
    if (pe.profile.hasProducts())
      os << "#include \"weights/" << pe.id << ".h\"\n";
  os << "\nvoid " << top << "(";
  SmallVector<Value> ports(block.getArguments());
  llvm::append_range(ports, block.getTerminator()->getOperands());
  llvm::interleaveComma(ports, os, [&](Value port) {
    os << "hls::stream<" << getStreamName(port) << "_beat> &"
       << getStreamName(port);
  });
  os << ") {\n";
  for (Value port : ports)
    os << "#pragma HLS INTERFACE mode = axis port = " << getStreamName(port)
       << "\n";
  os << "#pragma HLS INTERFACE mode = ap_ctrl_chain port = return\n"
     << "#pragma HLS DATAFLOW\n";
  // Weight memories as the fold stores them.
  for (const PE &pe : pes) {
    if (!pe.profile.hasProducts())
      continue;
    StringRef storage = pe.fold.getStorage();
    std::string weights = pe.id + "_weights";
    if (storage == "registers")
      os << "#pragma HLS ARRAY_PARTITION variable = " << weights
         << " complete dim = 0\n";
    else
      os << "#pragma HLS ARRAY_PARTITION variable = " << weights
         << " complete dim = 2\n#pragma HLS BIND_STORAGE variable = " << weights
         << " type = rom_1p impl = " << storage << "\n";
  }
  // FIFOs between PEs.
  for (const PE &pe : pes) {
    Value result = pe.op->getResult(0);
    if (llvm::is_contained(block.getTerminator()->getOperands(), result))
      continue;
    std::string name = getStreamName(result);
    os << "  hls::stream<" << pe.id << "_config::output_beat, "
       << pe.fold.getFifoDepth() << "> " << name << "(\"" << name << "\");\n"
       << "#pragma HLS STREAM variable = " << name
       << " depth = " << pe.fold.getFifoDepth() << "\n";
  }
  os << "  EFFAI_DATAFLOW_BEGIN()\n";
  for (const PE &pe : pes) {
    std::string kind = pe.op->getName().stripDialect().str();
    os << "  EFFAI_PROCESS(\"" << escapeCString(pe.name)
       << "\", effai::" << kind << "<" << pe.id << "_config>("
       << getStreamName(pe.op->getOperand(0)) << ", "
       << getStreamName(pe.op->getResult(0));
    if (pe.profile.hasProducts())
      os << ", " << pe.id << "_weights, " << pe.id << "_bias, " << pe.id
         << "_requant";
    os << "));\n";
  }
  os << "  EFFAI_DATAFLOW_END()\n}\n";
  return text;
}

std::string ProjectEmitter::emitBuildScript(StringRef part, double clockGhz) {
  std::string top = getTopFunctionName(accelerator);
  return llvm::formatv(
      "# Vitis HLS: vitis_hls -f build.tcl (C simulation needs a test "
      "bench;\n# effai-compile --target=fpga-csim builds one for the "
      "runtime).\nopen_project -reset {0}_prj\nset_top {0}\n"
      "add_files {0}.cpp -cflags \"-std=c++14 -DEFFAI_USE_VITIS_HEADERS\"\n"
      "open_solution -reset solution1 -flow_target vivado\n"
      "set_part {{{1}}\ncreate_clock -period {2:F3}\ncsynth_design\n"
      "export_design -format ip_catalog\nexit\n",
      top, part, 1.0 / clockGhz);
}

FailureOr<std::vector<ProjectFile>> ProjectEmitter::emit() {
  auto module = accelerator->getParentOfType<ModuleOp>();
  auto target =
      module ? module->getAttrOfType<TargetAttr>(TargetAttr::getAttrName())
             : TargetAttr();
  if (!target || !target.getFpga())
    return accelerator.emitError("HLS: the module needs an FPGA effai.target "
                                 "(effai-set-target{target=xczu9eg})");
  Block &block = accelerator.getBlock();
  for (Value stream : block.getArguments())
    streamNames[stream] = getPortVariable(accelerator, stream);
  for (auto [stream, attr] : llvm::zip(block.getTerminator()->getOperands(),
                                       accelerator.getOutputs())) {
    if (isa<BlockArgument>(stream))
      return accelerator.emitError("HLS: output '")
             << cast<PortAttr>(attr).getName()
             << "' is an input passed through; the accelerator has nothing "
                "to compute for it";
    streamNames[stream] = getPortVariable(accelerator, stream);
  }
  if (std::distance(block.without_terminator().begin(),
                    block.without_terminator().end()) > kMaxPEs)
    return accelerator.emitError("HLS: more than ")
           << kMaxPEs << " PEs (the simulation's cycle counters)";
  for (Operation &op : block.without_terminator()) {
    PE pe{&op,
          int64_t(pes.size()),
          "",
          getPEName(&op, pes.size()),
          profileLayer(&op),
          op.getAttrOfType<FoldAttr>("fold")};
    pe.id = op.getName().stripDialect().str() + std::to_string(pe.index);
    if (failed(checkBuildable(pe.op, pe.profile, pe.fold, "HLS")))
      return failure();
    if (!streamNames.count(op.getResult(0))) {
      // A FIFO named after its writer, unlike every port.
      std::string fifo = pe.id + "_out";
      while (llvm::any_of(streamNames,
                          [&](auto &entry) { return entry.second == fifo; }))
        fifo += "_fifo";
      streamNames[op.getResult(0)] = fifo;
    }
    pes.push_back(std::move(pe));
  }

  std::vector<ProjectFile> files;
  files.push_back({"effai_hls.h", kEffaiHLSHeader});
  files.push_back({"effai_layers.h", kEffaiLayersHeader});
  std::string parameters =
      "// Per-PE configuration: widths, geometry and the fold "
      "effai-fpga-fold chose.\n// Generated by effai " EFFAI_VERSION_STRING
      " for " +
      target.getFpga().getPart().str() +
      ".\n#ifndef EFFAI_PARAMETERS_H\n#define EFFAI_PARAMETERS_H\n\n"
      "#include \"effai_layers.h\"\n\n";
  for (const PE &pe : pes) {
    std::optional<WeightTable> table;
    if (pe.profile.hasProducts())
      table = buildWeightTable(pe);
    parameters += emitConfig(pe, table ? &*table : nullptr);
    if (table)
      files.push_back({"weights/" + pe.id + ".h", emitWeights(pe, *table)});
  }
  parameters += "#endif // EFFAI_PARAMETERS_H\n";
  std::string top = getTopFunctionName(accelerator);
  files.push_back({"parameters.h", parameters});
  files.push_back({top + ".h", emitTopHeader()});
  files.push_back({top + ".cpp", emitTopSource()});
  files.push_back({"build.tcl", emitBuildScript(target.getFpga().getPart(),
                                                target.getClockGhz())});
  return files;
}

} // namespace

std::string mlir::effai::fpga::getPortVariable(AcceleratorOp accelerator,
                                               Value port) {
  Block &block = accelerator.getBlock();
  if (auto arg = dyn_cast<BlockArgument>(port))
    return toIdentifier(
        cast<PortAttr>(accelerator.getInputs()[arg.getArgNumber()]).getName());
  for (auto [stream, attr] : llvm::zip(block.getTerminator()->getOperands(),
                                       accelerator.getOutputs()))
    if (stream == port)
      return toIdentifier(cast<PortAttr>(attr).getName());
  return "";
}

std::string mlir::effai::fpga::getTopFunctionName(AcceleratorOp accelerator) {
  return toIdentifier(accelerator.getSymName()) + "_top";
}

FailureOr<std::vector<ProjectFile>>
mlir::effai::fpga::emitHLSProject(AcceleratorOp accelerator) {
  return ProjectEmitter(accelerator).emit();
}
