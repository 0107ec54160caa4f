//===- Synthesis.cpp - yosys, nextpnr-ice40 and icepack on the Verilog ----===//
//
// yosys keeps the hierarchy (synth_xilinx does unless told to flatten;
// synth_ice40 is told -noflatten), so the JSON netlist holds a module per
// distinct PE: a PE's primitives are those of its instance and of its
// output FIFO's, counted down the hierarchy. Primitives map onto the
// estimator's units: LUTRAM and SRL cells as the LUTs they occupy, a
// RAMB36 as two BRAM18s.
//
//===----------------------------------------------------------------------===//

#include "effai/Target/FPGA/Synthesis.h"

#include "HostSide.h"
#include "effai/Dialect/Effai/IR/EffaiAttrs.h"
#include "effai/Target/FPGA/HLSEmitter.h"
#include "effai/Target/FPGA/ProjectFiles.h"
#include "effai/Target/FPGA/RTLEmitter.h"
#include "effai/Target/FPGA/Report.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"

using namespace mlir;
using namespace mlir::effai;
using namespace mlir::effai::fpga;

namespace {

TargetAttr getTarget(AcceleratorOp accelerator) {
  auto module = accelerator->getParentOfType<ModuleOp>();
  return module ? module->getAttrOfType<TargetAttr>(TargetAttr::getAttrName())
                : TargetAttr();
}

FPGAAttr getPart(AcceleratorOp accelerator) {
  TargetAttr target = getTarget(accelerator);
  return target ? target.getFpga() : FPGAAttr();
}

bool isICE40(FPGAAttr part) { return part.getFamily() == "ice40"; }

/// A library cell's primitives (none for carry chains, wide multiplexers
/// and I/O).
Resources getCellPrimitives(StringRef type) {
  Resources p;
  if (type.starts_with("LUT") || type == "SB_LUT4")
    p.lut = 1;
  else if (type.starts_with("FD") || type.starts_with("SB_DFF"))
    p.ff = 1;
  else if (type.starts_with("DSP48") || type == "SB_MAC16")
    p.dsp = 1;
  else if (type.starts_with("RAMB18") || type == "SB_RAM40_4K")
    p.bram = 1;
  else if (type.starts_with("RAMB36"))
    p.bram = 2;
  else if (type.starts_with("URAM") || type == "SB_SPRAM256KA")
    p.uram = 1;
  else if (type.starts_with("SRL"))
    p.lut = 1;
  else
    // LUTRAM: the LUTs each cell occupies.
    p.lut = llvm::StringSwitch<int64_t>(type)
                .Cases("RAM32X1S", "RAM64X1S", "RAM32X1D", "RAM64X1D", 1)
                .Case("RAM128X1S", 2)
                .Case("RAM128X1D", 4)
                .Cases("RAM32M", "RAM64M", "RAM256X1S", 4)
                .Cases("RAM32M16", "RAM64M8", "RAM256X1D", 8)
                .Case("RAM512X1S", 8)
                .Default(0);
  return p;
}

/// Primitives of netlist modules, each counted once down its hierarchy.
class NetlistCounter {
public:
  explicit NetlistCounter(const llvm::json::Object &modules)
      : modules(modules) {}

  Resources count(StringRef type) {
    auto it = counted.find(type);
    if (it != counted.end())
      return it->second;
    // The netlist lists library cells too, as black boxes.
    Resources total;
    const llvm::json::Object *module = modules.getObject(type);
    const llvm::json::Object *attributes =
        module ? module->getObject("attributes") : nullptr;
    const llvm::json::Object *cells =
        module ? module->getObject("cells") : nullptr;
    if (cells && !(attributes && attributes->get("blackbox"))) {
      for (const auto &cell : *cells)
        if (const llvm::json::Object *c = cell.second.getAsObject())
          total += count(c->getString("type").value_or(""));
    } else {
      total = getCellPrimitives(type);
    }
    counted[type] = total;
    return total;
  }

private:
  const llvm::json::Object &modules;
  llvm::StringMap<Resources> counted;
};

/// yosys's synthesis script for the part's family.
FailureOr<std::string> getSynthesisCommand(FPGAAttr part, StringRef top,
                                           bool flat, std::string &error) {
  StringRef family = part.getFamily();
  if (family == "zynquplus" || family == "virtexuplus" || family == "alveo" ||
      family == "zynq")
    return std::string("synth_xilinx -family ") +
           (family == "zynq" ? "xc7" : "xcup") + " -noiopad" +
           (flat ? " -flatten" : "") + " -top " + top.str();
  if (isICE40(part))
    return std::string("synth_ice40 -dsp") + (flat ? "" : " -noflatten") +
           " -top " + top.str();
  error = "no yosys synthesis for the FPGA family '" + family.str() +
          "' (zynq, zynquplus, virtexuplus, alveo, ice40)";
  return failure();
}

/// Runs yosys on the design in `directory`, the script in synth.ys.
LogicalResult runYosys(StringRef directory, ArrayRef<std::string> sources,
                       StringRef command, StringRef netlist,
                       std::string &error) {
  llvm::ErrorOr<std::string> yosys = llvm::sys::findProgramByName("yosys");
  if (!yosys) {
    error = "no 'yosys' on PATH to synthesize the Verilog (apt-get install "
            "yosys)";
    return failure();
  }
  SmallString<128> script(directory), log(directory);
  llvm::sys::path::append(script, "synth.ys");
  llvm::sys::path::append(log, "yosys.log");
  std::string text = "read_verilog -defer";
  for (const std::string &source : sources) {
    SmallString<128> path(directory);
    llvm::sys::path::append(path, source);
    text += " " + path.str().str();
  }
  text += "\n" + command.str() + "\nstat\nwrite_json " + netlist.str() + "\n";
  if (failed(writeProjectFiles({{"synth.ys", text}}, directory, error)))
    return failure();
  return runLogged({*yosys, "-q", "-s", script}, log, "yosys", error);
}

FailureOr<llvm::json::Value> readJSON(StringRef path, std::string &error) {
  auto buffer = llvm::MemoryBuffer::getFile(path);
  if (!buffer) {
    error = "cannot read '" + path.str() + "'";
    return failure();
  }
  llvm::Expected<llvm::json::Value> value =
      llvm::json::parse((*buffer)->getBuffer());
  if (!value) {
    error = "'" + path.str() + "' is not JSON: " + toString(value.takeError());
    return failure();
  }
  return std::move(*value);
}

} // namespace

FailureOr<SynthesisResult> mlir::effai::fpga::synthesizeAccelerator(
    AcceleratorOp accelerator, StringRef directory, std::string &error) {
  FPGAAttr part = getPart(accelerator);
  FailureOr<std::vector<ProjectFile>> files = emitVerilogProject(accelerator);
  if (failed(files) || !part) {
    error = "the accelerator has no Verilog (see the diagnostics above)";
    return failure();
  }
  if (failed(writeProjectFiles(*files, directory, error)))
    return failure();
  std::string top = getTopFunctionName(accelerator);
  FailureOr<std::string> command =
      getSynthesisCommand(part, top, /*flat=*/false, error);
  if (failed(command))
    return failure();
  SmallString<128> netlistPath(directory);
  llvm::sys::path::append(netlistPath, "netlist.json");
  if (failed(runYosys(directory, {"effai_rtl.v", top + ".v"}, *command,
                      netlistPath, error)))
    return failure();
  FailureOr<llvm::json::Value> netlist = readJSON(netlistPath, error);
  if (failed(netlist))
    return failure();
  const llvm::json::Object *modules =
      netlist->getAsObject() ? netlist->getAsObject()->getObject("modules")
                             : nullptr;
  const llvm::json::Object *topModule =
      modules ? modules->getObject(top) : nullptr;
  const llvm::json::Object *cells =
      topModule ? topModule->getObject("cells") : nullptr;
  if (!cells) {
    error = "yosys's netlist has no module '" + top + "'";
    return failure();
  }

  SynthesisResult result;
  result.command = *command;
  NetlistCounter counter(*modules);
  // Each top-level instance belongs to the PE it is, or whose FIFO it is.
  llvm::StringMap<size_t> owners;
  int64_t index = 0;
  for (Operation &op : accelerator.getBlock().without_terminator()) {
    owners[getPEInstanceName(&op, index)] = index;
    owners[getFIFOInstanceName(&op, index)] = index;
    ++index;
  }
  result.pes.resize(index);
  for (const auto &cell : *cells) {
    const llvm::json::Object *c = cell.second.getAsObject();
    Resources p = counter.count(c ? c->getString("type").value_or("") : "");
    auto owner = owners.find(cell.first.str());
    (owner == owners.end() ? result.ports : result.pes[owner->second]) += p;
    result.total += p;
  }
  return result;
}

void mlir::effai::fpga::addSynthesisToReport(llvm::json::Object &report,
                                             const SynthesisResult &synthesis) {
  report["synthesis"] =
      llvm::json::Object{{"tool", "yosys"}, {"command", synthesis.command}};
  llvm::json::Array *accelerators = report.getArray("accelerators");
  if (!accelerators || accelerators->empty())
    return;
  llvm::json::Object *accelerator = accelerators->front().getAsObject();
  if (llvm::json::Array *pes = accelerator->getArray("pes"))
    for (auto [pe, primitives] : llvm::zip(*pes, synthesis.pes))
      (*pe.getAsObject())["synthesized"] = describeResources(primitives);
  (*accelerator)["synthesized_ports"] = describeResources(synthesis.ports);
  (*accelerator)["synthesized_total"] = describeResources(synthesis.total);
}

namespace {

/// A board top for place and route: the UP5K has 39 I/Os, fewer than a
/// stream's bits, so each input beat shifts in through a pin and each
/// output beat is captured and shifted out through one; every bit of the
/// accelerator stays observable, so nothing is optimised away.
std::string emitBoardShell(AcceleratorOp accelerator, StringRef top) {
  Block &block = accelerator.getBlock();
  ValueRange outputs = block.getTerminator()->getOperands();
  std::string ports, body, connections;
  int64_t index = 0;
  for (Value port : llvm::concat<Value>(block.getArguments(), outputs)) {
    auto type = cast<StreamType>(port.getType());
    int64_t bits = type.getShape().back() * type.getElementType().getWidth();
    bool in = isa<BlockArgument>(port);
    std::string pin = (in ? "in" : "out") + std::to_string(index++);
    std::string name = getPortVariable(accelerator, port);
    if (in) {
      ports += llvm::formatv(",\n  input wire {0}_bit, input wire {0}_valid, "
                             "output wire {0}_ready",
                             pin);
      body += llvm::formatv("  reg [{1}:0] {0}_shift;\n  always @(posedge clk) "
                            "{0}_shift <= {{{0}_shift, {0}_bit};\n",
                            pin, bits - 1);
      connections +=
          llvm::formatv(",\n    .{0}_data({1}_shift), .{0}_valid({1}_valid), "
                        ".{0}_ready({1}_ready)",
                        name, pin);
    } else {
      ports += llvm::formatv(",\n  output wire {0}_bit, output wire "
                             "{0}_valid, input wire {0}_ready",
                             pin);
      body += llvm::formatv(
          "  wire [{1}:0] {0}_data;\n  reg [{1}:0] {0}_shift;\n"
          "  always @(posedge clk) {0}_shift <= {0}_valid && {0}_ready ? "
          "{0}_data : {0}_shift >> 1;\n  assign {0}_bit = {0}_shift[0];\n",
          pin, bits - 1);
      connections +=
          llvm::formatv(",\n    .{0}_data({1}_data), .{0}_valid({1}_valid), "
                        ".{0}_ready({1}_ready)",
                        name, pin);
    }
  }
  return "// A board top for place and route: streams through pins.\n"
         "`default_nettype none\nmodule effai_board (\n  input wire clk,\n"
         "  input wire rst" +
         ports + "\n);\n" + body + "  " + top.str() +
         " accelerator (\n    .clk(clk), .rst(rst)" + connections +
         ");\nendmodule\n`default_nettype wire\n";
}

/// The nextpnr-ice40 device and package of a part such as
/// "iCE40UP5K-SG48".
FailureOr<std::pair<std::string, std::string>>
getICE40Device(FPGAAttr part, std::string &error) {
  std::string name = StringRef(part.getPart()).lower();
  auto [device, package] = StringRef(name).split('-');
  if (!device.consume_front("ice40") || device.empty() || package.empty()) {
    error = "'" + part.getPart().str() +
            "' is not an iCE40 part nextpnr-ice40 knows (e.g. iCE40UP5K-SG48)";
    return failure();
  }
  return std::make_pair(device.str(), package.str());
}

} // namespace

LogicalResult mlir::effai::fpga::buildICE40Bitstream(AcceleratorOp accelerator,
                                                     StringRef directory,
                                                     llvm::json::Object &report,
                                                     std::string &error) {
  FPGAAttr part = getPart(accelerator);
  if (!part || !isICE40(part)) {
    error = "the iCE40 flow needs an iCE40 part (effai-set-target{target="
            "ice40up5k})";
    return failure();
  }
  FailureOr<std::pair<std::string, std::string>> device =
      getICE40Device(part, error);
  if (failed(device))
    return failure();
  FailureOr<std::vector<ProjectFile>> files = emitVerilogProject(accelerator);
  if (failed(files)) {
    error = "the accelerator has no Verilog (see the diagnostics above)";
    return failure();
  }
  std::string top = getTopFunctionName(accelerator);
  files->push_back({"effai_board.v", emitBoardShell(accelerator, top)});
  if (failed(writeProjectFiles(*files, directory, error)))
    return failure();
  auto path = [&](StringRef name) {
    SmallString<128> p(directory);
    llvm::sys::path::append(p, name);
    return p.str().str();
  };
  FailureOr<std::string> command =
      getSynthesisCommand(part, "effai_board", /*flat=*/true, error);
  if (failed(command) ||
      failed(runYosys(directory, {"effai_rtl.v", top + ".v", "effai_board.v"},
                      *command, path("board.json"), error)))
    return failure();

  llvm::ErrorOr<std::string> nextpnr =
      llvm::sys::findProgramByName("nextpnr-ice40");
  llvm::ErrorOr<std::string> icepack = llvm::sys::findProgramByName("icepack");
  if (!nextpnr || !icepack) {
    error = "no 'nextpnr-ice40' or 'icepack' on PATH for the iCE40 flow "
            "(apt-get install nextpnr-ice40 fpga-icestorm)";
    return failure();
  }
  double targetMHz = double(getTarget(accelerator).getClockGhz()) * 1000.0;
  std::string freq = llvm::formatv("{0:F2}", targetMHz).str();
  std::string json = path("board.json"), asc = path("board.asc"),
              bin = path("board.bin"), pnr = path("place_and_route.json");
  if (failed(runLogged({*nextpnr, "--" + device->first, "--package",
                        device->second, "--json", json, "--asc", asc, "--freq",
                        freq, "--seed", "1", "--timing-allow-fail", "--report",
                        pnr},
                       path("nextpnr.log"), "nextpnr-ice40", error)) ||
      failed(runLogged({*icepack, asc, bin}, path("icepack.log"), "icepack",
                       error)))
    return failure();

  FailureOr<llvm::json::Value> routed = readJSON(pnr, error);
  if (failed(routed))
    return failure();
  const llvm::json::Object *result = routed->getAsObject();
  double fmax = 0;
  if (const llvm::json::Object *clocks = result->getObject("fmax"))
    for (const auto &clock : *clocks)
      if (const llvm::json::Object *c = clock.second.getAsObject())
        fmax = std::max(fmax, c->getNumber("achieved").value_or(0));
  auto used = [&](StringRef cell) -> int64_t {
    const llvm::json::Object *u = result->getObject("utilization");
    const llvm::json::Object *entry = u ? u->getObject(cell) : nullptr;
    return entry ? entry->getInteger("used").value_or(0) : 0;
  };
  uint64_t bytes = 0;
  llvm::sys::fs::file_size(bin, bytes);
  llvm::json::Object placed{{"tool", "nextpnr-ice40 (seed 1), icepack"},
                            {"device", device->first},
                            {"package", device->second},
                            {"target_mhz", targetMHz},
                            {"fmax_mhz", fmax},
                            {"logic_cells", used("ICESTORM_LC")},
                            {"ram", used("ICESTORM_RAM")},
                            {"dsp", used("ICESTORM_DSP")},
                            {"spram", used("ICESTORM_SPRAM")},
                            {"io", used("SB_IO")},
                            {"bitstream", "board.bin"},
                            {"bitstream_bytes", int64_t(bytes)}};
  if (llvm::json::Array *accelerators = report.getArray("accelerators"))
    if (!accelerators->empty())
      if (auto interval = accelerators->front().getAsObject()->getInteger(
              "interval_cycles"))
        placed["frames_per_second_at_fmax"] = fmax * 1e6 / double(*interval);
  report["place_and_route"] = std::move(placed);
  return success();
}
